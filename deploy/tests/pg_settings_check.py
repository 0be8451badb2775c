#!/usr/bin/env python3
"""Checks that every PostgreSQL of the project runs with the same queue settings.

The settings of SETTINGS (checkpoints, WAL and autovacuum for queue tables; README.md
"Production PostgreSQL settings" gives the reason of each) must have the same value in:
  - common/pgcluster/temp_postgres.cc, its kQueueSettings: the throwaway cluster of every test,
    benchmark and local cluster, and the reference the others are compared with;
  - the postgres service of deploy/docker-compose.yml (`command`: postgres -c name=value ...);
  - the PostgreSQL StatefulSet of deploy/k8s/overlays/dev/postgres.yaml (`args`, the same);
  - the CloudNativePG Cluster of deploy/k8s/overlays/production/postgres-cluster.yaml
    (`spec.postgresql.parameters`), which may also size the server (CNPG_SIZING);
  - the table of README.md "Production PostgreSQL settings".
The one exception is K8S_SCALED below. Each place sets each of them once, and the two deploy
files set no other (a new setting goes into SETTINGS, temp_postgres.cc and README.md first).
The values are compared as text: mc_pgcluster_pgtest checks that SHOW prints each value of
temp_postgres.cc as written, so two spellings of one value (8GB, 8192MB) are not both allowed.

Usage: pg_settings_check.py SOURCE_DIR
"""
import os
import re
import sys

import yaml

# The queue settings, in the order of temp_postgres.cc.
SETTINGS = [
    "max_wal_size",
    "min_wal_size",
    "checkpoint_timeout",
    "checkpoint_completion_target",
    "wal_compression",
    "wal_buffers",
    "autovacuum_naptime",
    "autovacuum_vacuum_cost_limit",
    "autovacuum_vacuum_cost_delay",
]

# The Kubernetes dev PostgreSQL has a 2Gi volume, too small for 8GB of WAL: its WAL sizes are
# scaled down to these, and its max_wal_size must stay within K8S_WAL_SHARE of the volume's
# request (WAL can pass max_wal_size a little; the rest of the volume is for the data).
K8S_SCALED = {"max_wal_size": "1GB", "min_wal_size": "256MB"}
K8S_WAL_SHARE = 0.5

# Settings the production Cluster sets beside the queue settings: the server's size, which README.md
# leaves to the machine.
CNPG_SIZING = {"shared_buffers", "max_connections"}

PG_UNITS = {"kB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
K8S_UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
             "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "": 1}

errors = []


def fail(where, msg):
    errors.append(f"{where}: {msg}")


def size_bytes(value, units):
    m = re.fullmatch(r"(\d+)([A-Za-z]*)", str(value))
    if not m or m.group(2) not in units:
        return None
    return int(m.group(1)) * units[m.group(2)]


def from_temp_postgres(src):
    where = "common/pgcluster/temp_postgres.cc"
    with open(os.path.join(src, where), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"kQueueSettings\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not block:
        fail(where, "no kQueueSettings[] = { ... }; array")
        return {}
    literals = re.compile(r'"([a-z_]+)=([^"]*)"')
    settings = {}
    for name, value in literals.findall(block.group(1)):
        if name in settings:
            fail(where, f"kQueueSettings sets {name} twice")
        settings[name] = value
    elsewhere = text[:block.start()] + text[block.end():]
    for name, value in literals.findall(elsewhere):
        if name in SETTINGS:
            fail(where, f"sets {name}={value} outside kQueueSettings too")
    check_names(where, settings)
    return settings


def from_argv(where, argv):
    """postgres -c name=value ...: what the postgres image's entrypoint runs."""
    if not isinstance(argv, list) or not argv or argv[0] != "postgres":
        fail(where, f"must be a list starting with postgres (the image's entrypoint runs it), not {argv!r}")
        return {}
    settings = {}
    rest = argv[1:]
    for i in range(0, len(rest), 2):
        pair = rest[i:i + 2]
        if len(pair) != 2 or pair[0] != "-c" or "=" not in pair[1]:
            fail(where, f"expected -c name=value, found {' '.join(map(str, pair))!r}")
            continue
        name, value = pair[1].split("=", 1)
        if name in settings:
            fail(where, f"sets {name} twice")
        settings[name] = value
    check_names(where, settings)
    return settings


def from_compose(src):
    where = "deploy/docker-compose.yml service postgres"
    with open(os.path.join(src, "deploy", "docker-compose.yml"), encoding="utf-8") as f:
        services = yaml.safe_load(f)["services"]
    if "postgres" not in services:
        fail(where, "no such service")
        return {}
    return from_argv(f"{where} command", services["postgres"].get("command"))


def from_k8s(src):
    """The settings of the dev PostgreSQL container, and the size of its data volume in bytes."""
    where = "deploy/k8s/overlays/dev/postgres.yaml StatefulSet postgres"
    with open(os.path.join(src, "deploy", "k8s", "overlays", "dev", "postgres.yaml"), encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    sts = [d for d in docs if d.get("kind") == "StatefulSet" and d["metadata"]["name"] == "postgres"]
    if not sts:
        fail(where, "no such StatefulSet")
        return {}, None
    spec = sts[0]["spec"]
    containers = [c for c in spec["template"]["spec"]["containers"] if c["name"] == "postgres"]
    if not containers:
        fail(where, "no container postgres")
        return {}, None
    c = containers[0]
    if c.get("command"):
        fail(where, "sets command, which replaces the image's entrypoint: give the settings as args")
    settings = from_argv(f"{where} args", c.get("args"))
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
    claim = mounts.get("/var/lib/postgresql/data")
    volume = None
    for t in spec.get("volumeClaimTemplates") or []:
        if t["metadata"]["name"] == claim:
            request = t["spec"]["resources"]["requests"]["storage"]
            volume = size_bytes(request, K8S_UNITS)
            if volume is None:
                fail(where, f"cannot read the storage request {request!r}")
    if claim is None or volume is None:
        fail(where, "no volume claim template mounted at /var/lib/postgresql/data with a storage request")
    return settings, volume


def from_cnpg(src):
    where = "deploy/k8s/overlays/production/postgres-cluster.yaml Cluster"
    path = os.path.join(src, "deploy", "k8s", "overlays", "production", "postgres-cluster.yaml")
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    clusters = [d for d in docs if d.get("kind") == "Cluster"]
    if len(clusters) != 1:
        fail(where, f"expected one Cluster, found {len(clusters)}")
        return {}
    params = ((clusters[0].get("spec") or {}).get("postgresql") or {}).get("parameters") or {}
    # CNPG takes every value as a string; YAML may have read 0.9 or 2000 as numbers.
    settings = {k: str(v) for k, v in params.items() if k not in CNPG_SIZING}
    check_names(f"{where} spec.postgresql.parameters", settings)
    return settings


def from_readme(src):
    where = 'README.md "Production PostgreSQL settings"'
    with open(os.path.join(src, "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = re.search(r"^#+ Production PostgreSQL settings\n(.*?)(?=^#{1,6} |\Z)", text, re.S | re.M)
    if not section:
        fail(where, "no such heading")
        return {}
    settings = {}
    for name, value in re.findall(r"^\| `([a-z_]+)` \| `([^`]*)` \|", section.group(1), re.M):
        if name in settings:
            fail(where, f"lists {name} twice")
        settings[name] = value
    check_names(where, settings)
    return settings


def check_names(where, settings):
    for name in SETTINGS:
        if name not in settings:
            fail(where, f"does not set {name}")
    for name in settings:
        if name not in SETTINGS:
            fail(where, f"sets {name}, which is not one of the queue settings of deploy/tests/pg_settings_check.py")


def compare(where, settings, reference, expected_override=None):
    for name in SETTINGS:
        want = (expected_override or {}).get(name, reference.get(name))
        if name in settings and want is not None and settings[name] != want:
            source = ("K8S_SCALED of deploy/tests/pg_settings_check.py (scaled to the volume) says"
                      if name in (expected_override or {}) else "common/pgcluster/temp_postgres.cc has")
            fail(where, f"{name}={settings[name]}, but {source} {want}")


def check_wal_sizes(where, settings):
    lo, hi = (size_bytes(settings.get(n), PG_UNITS) for n in ("min_wal_size", "max_wal_size"))
    if lo is not None and hi is not None and lo > hi:
        fail(where, f"min_wal_size {settings['min_wal_size']} is above max_wal_size {settings['max_wal_size']}")
    return hi


def main():
    src = sys.argv[1]
    reference = from_temp_postgres(src)
    compose = from_compose(src)
    k8s, volume = from_k8s(src)
    readme = from_readme(src)
    cnpg = from_cnpg(src)
    compare("deploy/k8s/overlays/production/postgres-cluster.yaml", cnpg, reference)
    check_wal_sizes("deploy/k8s/overlays/production/postgres-cluster.yaml", cnpg)
    compare("deploy/docker-compose.yml service postgres", compose, reference)
    compare("deploy/k8s/overlays/dev/postgres.yaml", k8s, reference, K8S_SCALED)
    compare('README.md "Production PostgreSQL settings"', readme, reference)
    check_wal_sizes("common/pgcluster/temp_postgres.cc", reference)
    check_wal_sizes("deploy/docker-compose.yml", compose)
    k8s_max_wal = check_wal_sizes("deploy/k8s/overlays/dev/postgres.yaml", k8s)
    if k8s.get("max_wal_size") and k8s_max_wal is None:
        fail("deploy/k8s/overlays/dev/postgres.yaml", f"cannot read max_wal_size={k8s['max_wal_size']}")
    if k8s_max_wal is not None and volume is not None and k8s_max_wal > K8S_WAL_SHARE * volume:
        fail("deploy/k8s/overlays/dev/postgres.yaml",
             f"max_wal_size={k8s['max_wal_size']} takes more than {K8S_WAL_SHARE:.0%} of the "
             f"{volume / (1 << 30):g} GiB volume: scale it down or raise the storage request")
    for e in errors:
        print(f"ERROR {e}", file=sys.stderr)
    if errors:
        print(f"pg settings: {len(errors)} error(s)", file=sys.stderr)
        sys.exit(1)
    print(f"pg settings: {len(SETTINGS)} queue settings equal in temp_postgres.cc, docker-compose.yml, "
          f"the k8s dev PostgreSQL ({', '.join(K8S_SCALED)} scaled to its volume), the production "
          f"CloudNativePG Cluster and README.md")


if __name__ == "__main__":
    main()
