#!/usr/bin/env python3
"""Checks that deploy/ configures the services only through settings they have.

Every MC_* variable that docker-compose.yml (as `docker-compose config` resolves it) or the
Kubernetes manifests (env, and the ConfigMaps of envFrom, with the dev overlay's patches) give
to execution-service or control-service is a flag of that binary (its --help lists `[MC_NAME]`).
The ports agree: MC_LISTEN and MC_METRICS_LISTEN match the container ports, the probes and the
prometheus.io/port annotation (Kubernetes) and the scrape targets of compose/prometheus.yml.

Usage: service_env_check.py SOURCE_DIR EXECUTION_SERVICE_BIN CONTROL_SERVICE_BIN
"""
import glob
import os
import re
import subprocess
import sys

import yaml

errors = []


def fail(where, msg):
    errors.append(f"{where}: {msg}")


def flags_of(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True, check=False)
    return set(re.findall(r"\[(MC_[A-Z0-9_]+)\]", out.stdout + out.stderr))


def port_of(address):
    return int(address.rsplit(":", 1)[1]) if address and ":" in address else None


def check_env(where, binary_name, env, flags):
    if binary_name not in flags:
        fail(where, f"runs {binary_name!r}, not execution-service or control-service")
        return
    for name in env:
        if name.startswith("MC_") and name not in flags[binary_name]:
            fail(where, f"{name} is not a flag of {binary_name} (see {binary_name} --help)")


def check_compose(src, flags):
    deploy = os.path.join(src, "deploy")
    out = subprocess.run(["docker-compose", "-f", os.path.join(deploy, "docker-compose.yml"), "config"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        fail("docker-compose.yml", "docker-compose config failed: " + out.stderr.strip())
        return 0
    services = yaml.safe_load(out.stdout)["services"]
    with open(os.path.join(deploy, "compose", "prometheus.yml"), encoding="utf-8") as f:
        prometheus = yaml.safe_load(f)
    targets = {t for job in prometheus["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    count = 0
    for name, svc in services.items():
        command = svc.get("command") or []
        if not command or command[0] not in flags:
            continue
        count += 1
        env = svc.get("environment") or {}
        where = f"docker-compose.yml service {name}"
        check_env(where, command[0], env, flags)
        metrics = port_of(env.get("MC_METRICS_LISTEN"))
        if metrics is None:
            fail(where, "sets no MC_METRICS_LISTEN")
        elif f"{name}:{metrics}" not in targets:
            fail(where, f"compose/prometheus.yml does not scrape {name}:{metrics}")
    return count


def load_k8s(src):
    docs = []
    for path in sorted(glob.glob(os.path.join(src, "deploy", "k8s", "**", "*.yaml"), recursive=True)):
        if os.path.basename(path) == "kustomization.yaml":
            continue
        with open(path, encoding="utf-8") as f:
            docs += [(path, d) for d in yaml.safe_load_all(f) if d]
    return docs


def check_k8s(src, flags):
    docs = load_k8s(src)
    config_maps = {}
    for _, d in docs:  # patches (dev overlay) add their keys to the base's ConfigMap
        if d["kind"] == "ConfigMap":
            config_maps.setdefault(d["metadata"]["name"], set()).update((d.get("data") or {}).keys())
    count = 0
    for path, d in docs:
        if d["kind"] not in ("Deployment", "StatefulSet"):
            continue
        pod = d["spec"]["template"]
        for c in pod["spec"]["containers"]:
            command = c.get("command") or []
            if not command or command[0] not in flags:
                continue
            count += 1
            where = f"{os.path.relpath(path, src)} {d['metadata']['name']}/{c['name']}"
            env = {e["name"]: e.get("value") for e in c.get("env") or []}
            values = {}
            for ref in c.get("envFrom") or []:
                cm = ref.get("configMapRef")
                if cm:
                    env.update(dict.fromkeys(config_maps.get(cm["name"], ())))
                    for _, cd in docs:
                        if cd["kind"] == "ConfigMap" and cd["metadata"]["name"] == cm["name"]:
                            values.update(cd.get("data") or {})
            values.update({k: v for k, v in env.items() if v is not None})
            check_env(where, command[0], env, flags)
            ports = {p.get("name"): p["containerPort"] for p in c.get("ports") or []}
            listen, metrics = port_of(values.get("MC_LISTEN")), port_of(values.get("MC_METRICS_LISTEN"))
            if listen != ports.get("grpc"):
                fail(where, f"MC_LISTEN port {listen} is not the container port named grpc ({ports.get('grpc')})")
            if metrics != ports.get("metrics"):
                fail(where, f"MC_METRICS_LISTEN port {metrics} is not the container port named metrics ({ports.get('metrics')})")
            annotation = (pod["metadata"].get("annotations") or {}).get("prometheus.io/port")
            if str(metrics) != annotation:
                fail(where, f"prometheus.io/port {annotation} is not MC_METRICS_LISTEN's port {metrics}")
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                grpc = (c.get(probe) or {}).get("grpc")
                if not grpc:
                    fail(where, f"needs a gRPC {probe}")
                elif grpc["port"] != listen:
                    fail(where, f"{probe} probes port {grpc['port']}, not MC_LISTEN's {listen}")
    return count


def main():
    src, execution_bin, control_bin = sys.argv[1:4]
    flags = {"execution-service": flags_of(execution_bin), "control-service": flags_of(control_bin)}
    for name, f in flags.items():
        if not f:
            fail(name, "--help lists no MC_ variable")
    compose = check_compose(src, flags)
    k8s = check_k8s(src, flags)
    for e in errors:
        print(f"ERROR {e}", file=sys.stderr)
    if errors:
        print(f"service env: {len(errors)} error(s)", file=sys.stderr)
        sys.exit(1)
    print(f"service env: {compose} compose services and {k8s} Kubernetes containers use only real flags")


if __name__ == "__main__":
    main()
