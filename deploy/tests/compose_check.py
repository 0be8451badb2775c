#!/usr/bin/env python3
"""Checks deploy/docker-compose.yml with Debian's docker-compose (no Docker engine needed).

`docker-compose config` must accept it (schema, anchors, types); it must define the cluster
deploy/README.md describes; and what `config` lets pass but `up` would refuse must hold too:
every secret a service uses is defined, every secret file and bind-mounted file exists.

Usage: compose_check.py SOURCE_DIR
"""
import os
import shutil
import subprocess
import sys

import yaml

SERVICES = ["postgres", "control", "execution-a", "execution-b", "mailpit", "sms-sink", "prometheus", "grafana"]


def main():
    compose = os.path.join(sys.argv[1], "deploy", "docker-compose.yml")
    if not shutil.which("docker-compose"):
        sys.exit("ERROR docker-compose is missing: run scripts/install-deps.sh")
    out = subprocess.run(["docker-compose", "-f", compose, "config"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"ERROR docker-compose config refuses {compose}:\n{out.stderr}")
    config = yaml.safe_load(out.stdout)
    services, secrets = config["services"], config.get("secrets") or {}
    errors = [f"no service {name}" for name in SERVICES if name not in services]
    for name, secret in secrets.items():
        if not os.path.isfile(secret.get("file", "")):
            errors.append(f"secret {name}: no file {secret.get('file')}")
    for name, svc in services.items():
        for s in svc.get("secrets") or []:
            source = s["source"] if isinstance(s, dict) else s
            if source not in secrets:
                errors.append(f"service {name}: secret {source} is not defined")
        for v in svc.get("volumes") or []:
            source = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
            if source.startswith("/") and not os.path.exists(source):
                errors.append(f"service {name}: mounts {source}, which does not exist")
    for e in errors:
        print(f"ERROR docker-compose.yml: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"compose: docker-compose config accepts deploy/docker-compose.yml ({len(services)} services)")


if __name__ == "__main__":
    main()
