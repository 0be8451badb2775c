#!/usr/bin/env node
// Checks the Kubernetes manifests of deploy/k8s offline, strictly:
//  - every *.yaml under the folders given parses (YAML 1.1, as kubectl reads it; a duplicate key
//    is an error);
//  - a kustomization.yaml has only known fields and names files that exist, and every other
//    YAML file of the tree is a resource or a patch of some kustomization;
//  - every resource passes the API's own schema for its apiVersion and kind: types, required
//    fields, enums, formats. An unknown apiVersion/kind is an error. The schemas are those of npm
//    packages of one project (github.com/tommy351/kubernetes-models-ts), compiled with Ajv:
//      kubernetes-models 5.1.0                  Kubernetes 1.36.0 (its OpenAPI definitions)
//      @kubernetes-models/cloudnative-pg 2.0.0  postgresql.cnpg.io/v1: CloudNativePG v1.29.0
//      @kubernetes-models/keda 2.0.0            keda.sh/v1alpha1: KEDA v2.19.0
//      @kubernetes-models/prometheus-operator 6.0.0  monitoring.coreos.com: prometheus-operator
//                                               v0.91.0
//    (the CRD packages are generated from the operators' Go API types of those releases, the
//    versions their go.mod names). They are ES modules that declare Node.js 22 but run, imported (not
//    required), on Node.js 18.19 too: Debian 12's nodejs (checked: this whole tree and a bogus
//    CRD field's error, on 18.19.0);
//  - strict: a field the schema does not declare is an error (what `kubectl apply
//    --validate=strict` and the CRDs' structural schemas refuse). The compiled validator reads
//    every property its schema declares; the document is handed to it through a Proxy that
//    records those reads, and a field it never read is unknown to the schema. This holds for the
//    CRD schemas as for the built-in ones (a map such as a Cluster's postgresql.parameters reads
//    all its keys, which are free);
//  - each kustomization is built as kustomize does for what the tree uses (resources, folders,
//    patches by path as strategic merges: maps merged, null deletes a field, the lists of
//    containers, env, volumes, volumeMounts, ports and topologySpreadConstraints merged by their
//    key, other lists replaced; namespace) and every patched object is checked against its
//    schema again. A patch must target an object of its kustomization's resources;
//  - cross-references, within each build: names are DNS names, a workload's selector matches
//    its pod labels, a Service selects a workload and its named target ports exist, resource
//    names are known, probes and the Prometheus scrape annotation name declared ports, the
//    ConfigMaps, Secrets, keys and volumes that pods use exist; a ScaledObject (or HPA) scales an
//    existing workload that sets no replicas of its own, its prometheus trigger has the metadata
//    of KEDA's scaler and queries that workload's pods; a PodDisruptionBudget, a NetworkPolicy and
//    a PodMonitor select some pods, and the ports they name are those pods' ports; the libpq DSN
//    that a service gets as MC_PG_DSN uses libpq's keywords, names a Service of the build as its
//    host (unless it is a host name with dots), finds its password (in the DSN or PGPASSWORD)
//    and the files it names under the container's mounts, and matches the CloudNativePG Cluster
//    whose Secret gives the password. What the CloudNativePG operator makes for a Cluster (its
//    Secrets -app and -ca with their keys, Services -rw, -ro and -r, instance pods and their
//    labels and ports, as its 1.29 documentation lists them) counts as part of the build.
// Usage: node validate-k8s.js DIR...   Prints each error; exit status 1 if there is any.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const errors = new Set(); // a base object checked in several builds reports once
const fail = (where, msg) => errors.add(`${where}: ${msg}`);

const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// ---- files and YAML ----

function yamlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

function parseFile(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), {
    version: "1.1",
    uniqueKeys: true,
    prettyErrors: true,
  });
  const out = [];
  docs.forEach((doc, i) => {
    for (const e of [...doc.errors, ...doc.warnings]) fail(`${file}#${i}`, e.message);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push({ file, index: i, value });
  });
  return out;
}

// ---- kustomizations ----

const KUSTOMIZATION_FIELDS = new Set([
  "apiVersion", "kind", "namespace", "namePrefix", "nameSuffix", "resources", "components",
  "patches", "images", "replicas", "labels", "commonLabels", "commonAnnotations",
  "configMapGenerator", "secretGenerator", "generatorOptions",
]);
// What build() carries out; the others would make its output differ from kustomize's.
const BUILT_FIELDS = new Set(["apiVersion", "kind", "namespace", "resources", "patches"]);

// Returns the files the kustomization lists, as {resources, folders, patches} of absolute paths.
function checkKustomization(doc) {
  const where = doc.file;
  const dir = path.dirname(doc.file);
  const k = doc.value;
  const listed = { resources: [], folders: [], patches: [] };
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization") {
    fail(where, "a kustomization.yaml must be kustomize.config.k8s.io/v1beta1 Kustomization");
  }
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(key)) fail(where, `unknown field "${key}"`);
    else if (!BUILT_FIELDS.has(key)) fail(where, `field "${key}" is not built by this validator: extend build() first`);
  }
  for (const r of k.resources || []) {
    const p = path.resolve(dir, r);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      if (!fs.existsSync(path.join(p, "kustomization.yaml"))) {
        fail(where, `resource ${r}: a folder without kustomization.yaml`);
      } else {
        listed.folders.push(p);
      }
    } else if (!fs.existsSync(p)) {
      fail(where, `resource ${r}: no such file`);
    } else {
      listed.resources.push(p);
    }
  }
  for (const patch of k.patches || []) {
    if (!isObject(patch) || typeof patch.path !== "string") {
      fail(where, "patches: each entry needs a path");
      continue;
    }
    for (const key of Object.keys(patch)) {
      if (key !== "path") fail(where, `patch ${patch.path}: "${key}" is not built by this validator (a patch names its target in its own metadata)`);
    }
    const p = path.resolve(dir, patch.path);
    if (!fs.existsSync(p)) fail(where, `patch ${patch.path}: no such file`);
    else listed.patches.push(p);
  }
  return listed;
}

// ---- schema validation, strict ----

// API groups whose schemas come from a CRD package rather than kubernetes-models.
const CRD_PACKAGES = {
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

const models = new Map(); // "apiVersion kind" -> model class, or null when unknown

async function loadModel(apiVersion, kind) {
  const id = `${apiVersion} ${kind}`;
  if (models.has(id)) return;
  models.set(id, null);
  if (typeof apiVersion !== "string" || typeof kind !== "string") return;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = CRD_PACKAGES[group] || "kubernetes-models";
  let mod;
  try {
    mod = await import(group ? `${pkg}/${group}/${version}` : `${pkg}/${version}`);
  } catch (e) {
    if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e.code !== "ERR_MODULE_NOT_FOUND") throw e;
    return;
  }
  const model = mod[kind];
  if (model && model.kind === kind && model.apiVersion === apiVersion) models.set(id, model);
}

const modelFor = (apiVersion, kind) => models.get(`${apiVersion} ${kind}`) || null;

// A Proxy over `root` (and, lazily, everything below it) recording which keys are read.
function recordReads(root) {
  const reads = new Map();
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    if (!proxies.has(value)) {
      const keys = new Set();
      reads.set(value, keys);
      proxies.set(value, new Proxy(value, {
        get(target, key) {
          if (typeof key === "string") keys.add(key);
          return wrap(Reflect.get(target, key));
        },
      }));
    }
    return proxies.get(value);
  };
  return { proxy: wrap(root), reads };
}

function unknownFields(value, reads, at, where) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, reads, `${at}/${i}`, where));
  } else if (value !== null && typeof value === "object") {
    const read = reads.get(value) || new Set();
    for (const key of Object.keys(value)) {
      if (read.has(key)) unknownFields(value[key], reads, `${at}/${key}`, where);
      else fail(where, `${at || "/"}: unknown field "${key}"`);
    }
  }
}

function checkSchema(value, where) {
  const { apiVersion, kind } = value;
  const model = modelFor(apiVersion, kind);
  if (!model) {
    fail(where, `unknown apiVersion/kind ${apiVersion}/${kind}`);
    return;
  }
  const { proxy, reads } = recordReads(value);
  try {
    model.prototype.validate.call(proxy);
  } catch (e) {
    for (const err of e.errors || [{ instancePath: "", message: e.message }]) {
      const detail = err.params && err.params.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
      fail(where, `${err.instancePath || "/"}: ${err.message}${detail}`);
    }
    return;
  }
  unknownFields(value, reads, "", where);
}

// ---- kustomize build ----

// Strategic-merge keys of the lists the tree patches (the Kubernetes API's patchMergeKey).
const MERGE_KEYS = {
  containers: () => "name",
  initContainers: () => "name",
  env: () => "name",
  volumes: () => "name",
  volumeMounts: () => "mountPath",
  imagePullSecrets: () => "name",
  topologySpreadConstraints: () => "topologyKey",
  ports: (items) => (items.some((p) => isObject(p) && "containerPort" in p) ? "containerPort" : "port"),
};

function strategicMerge(dst, patch, where, field) {
  if (isObject(dst) && isObject(patch)) {
    for (const [k, v] of Object.entries(patch)) {
      if (k.startsWith("$")) fail(where, `strategic merge directive ${k} is not built by this validator`);
      else if (v === null) delete dst[k];
      else dst[k] = strategicMerge(dst[k], v, where, k);
    }
    return dst;
  }
  if (Array.isArray(dst) && Array.isArray(patch) && MERGE_KEYS[field]) {
    const key = MERGE_KEYS[field]([...dst, ...patch]);
    if ([...dst, ...patch].every((i) => isObject(i) && i[key] !== undefined)) {
      const added = [];
      for (const item of patch) {
        const same = dst.find((d) => d[key] === item[key]);
        if (same) strategicMerge(same, item, where, null);
        else added.push(clone(item));
      }
      return [...added, ...dst]; // kustomize puts new items first
    }
  }
  return clone(patch);
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
  "CustomResourceDefinition", "ClusterImageCatalog", "ClusterTriggerAuthentication"]);

// The objects a kustomization folder yields: [{value, origin, patchedBy}], fresh copies.
function build(dir, parsed, stack = []) {
  const kfile = path.join(dir, "kustomization.yaml");
  const k = ((parsed.get(kfile) || [])[0] || {}).value || {};
  if (stack.includes(dir)) {
    fail(kfile, "the kustomization includes itself");
    return [];
  }
  const objects = [];
  for (const r of k.resources || []) {
    const p = path.resolve(dir, r);
    if (!fs.existsSync(p)) continue; // reported by checkKustomization
    if (fs.statSync(p).isDirectory()) {
      if (fs.existsSync(path.join(p, "kustomization.yaml"))) objects.push(...build(p, parsed, [...stack, dir]));
    } else {
      for (const doc of parsed.get(p) || []) {
        objects.push({ value: clone(doc.value), origin: `${doc.file}#${doc.index}`, patchedBy: [] });
      }
    }
  }
  for (const patch of k.patches || []) {
    if (!isObject(patch) || typeof patch.path !== "string") continue;
    for (const doc of parsed.get(path.resolve(dir, patch.path)) || []) {
      const { kind, metadata } = doc.value;
      const name = metadata && metadata.name;
      const where = `${doc.file}#${doc.index}`;
      const targets = objects.filter((o) => o.value.kind === kind && o.value.metadata && o.value.metadata.name === name);
      if (!targets.length) {
        fail(where, `patch targets ${kind}/${name}, which the resources of ${kfile} do not define`);
        continue;
      }
      for (const t of targets) {
        t.value = strategicMerge(t.value, clone(doc.value), where, null);
        t.patchedBy.push(where);
      }
    }
  }
  if (k.namespace) {
    for (const o of objects) {
      if (isObject(o.value.metadata) && !CLUSTER_SCOPED.has(o.value.kind)) o.value.metadata.namespace = k.namespace;
    }
  }
  return objects;
}

// ---- what operators make ----

// CloudNativePG 1.29 (docs: applications.md "Secrets", certificates.md, service_management.md,
// labels_annotations.md, security.md "Exposed Ports"): for Cluster X, the Secrets X-app (unless
// bootstrap.initdb.secret names the user's own) and X-ca (unless certificates.serverCASecret
// does), X-superuser with enableSuperuserAccess, the Services X-rw, X-ro, X-r, and instance pods.
const CNPG_APP_KEYS = ["username", "password", "host", "port", "dbname", "pgpass", "uri", "jdbc-uri",
  "fqdn-uri", "fqdn-jdbc-uri"];

function operatorObjects(objects) {
  const made = { secrets: [], services: [], podSets: [], clusters: [] };
  for (const { value: c } of objects) {
    if (c.apiVersion !== "postgresql.cnpg.io/v1" || c.kind !== "Cluster") continue;
    const name = c.metadata.name;
    const spec = c.spec || {};
    const initdb = (spec.bootstrap && spec.bootstrap.initdb) || {};
    made.clusters.push({ name, owner: initdb.owner || "app", database: initdb.database || "app" });
    const secret = (n, keys) => made.secrets.push({ kind: "Secret", metadata: { name: n }, stringData: Object.fromEntries(keys.map((k) => [k, ""])) });
    if (!(initdb.secret && initdb.secret.name)) secret(`${name}-app`, CNPG_APP_KEYS);
    if (!(spec.certificates && spec.certificates.serverCASecret)) secret(`${name}-ca`, ["ca.crt", "ca.key"]);
    if (spec.enableSuperuserAccess) secret(`${name}-superuser`, CNPG_APP_KEYS);
    for (const s of ["rw", "ro", "r"]) made.services.push(`${name}-${s}`);
    made.podSets.push({
      name: `Cluster ${name}'s instances`,
      labels: {
        ...((spec.inheritedMetadata && spec.inheritedMetadata.labels) || {}),
        "cnpg.io/cluster": name, "cnpg.io/podRole": "instance", "app.kubernetes.io/name": "postgresql",
        "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "database",
        "app.kubernetes.io/managed-by": "cloudnative-pg",
      },
      ports: new Map([["postgresql", 5432], ["5432", 5432], ["metrics", 9187], ["9187", 9187], ["status", 8000], ["8000", 8000]]),
      replicas: spec.instances,
      workload: null,
    });
  }
  return made;
}

// ---- cross-references ----

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
// Standard compute resources; anything else must be an extended resource (domain/name).
const RESOURCE_NAME = /^(cpu|memory|ephemeral-storage|hugepages-[0-9]+[KMG]i|[a-z0-9.-]+\/[-a-zA-Z0-9_.]+)$/;

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

function podTemplate(obj) {
  return WORKLOAD_KINDS.includes(obj.kind) && obj.spec ? obj.spec.template : null;
}

function containerPorts(container) {
  const ports = new Map(); // name or number (as a string) -> containerPort
  for (const p of container.ports || []) {
    ports.set(String(p.containerPort), p.containerPort);
    if (p.name) ports.set(p.name, p.containerPort);
  }
  return ports;
}

function keysOf(obj) {
  return new Set([...Object.keys(obj.data || {}), ...Object.keys(obj.stringData || {})]);
}

function secretValue(obj, key) {
  if (obj.stringData && key in obj.stringData) return String(obj.stringData[key]);
  if (obj.data && key in obj.data) return Buffer.from(String(obj.data[key]), "base64").toString("utf8");
  return undefined;
}

// A label selector ({matchLabels, matchExpressions}) against a pod's labels.
function selects(selector, labels) {
  if (!selector) return false;
  const ok = Object.entries(selector.matchLabels || {}).every(([k, v]) => labels[k] === v);
  return ok && (selector.matchExpressions || []).every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case "In": return has && e.values.includes(labels[e.key]);
      case "NotIn": return !has || !e.values.includes(labels[e.key]);
      case "Exists": return has;
      case "DoesNotExist": return !has;
      default: return false;
    }
  });
}

// libpq's connection keywords (PostgreSQL 15, the client of the image) and the values it checks.
const LIBPQ_KEYWORDS = new Set([
  "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding",
  "connect_timeout", "client_encoding", "options", "application_name", "fallback_application_name",
  "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
  "replication", "gssencmode", "sslmode", "requiressl", "sslcompression", "sslcert", "sslkey",
  "sslpassword", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
  "ssl_min_protocol_version", "ssl_max_protocol_version", "krbsrvname", "gsslib", "service",
  "target_session_attrs",
]);
const LIBPQ_VALUES = {
  sslmode: ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
  target_session_attrs: ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"],
};
const LIBPQ_FILES = ["passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl"];

// A key=value DSN as libpq reads it (values may be single-quoted); null for a URI.
function parseDsn(dsn) {
  if (/^postgres(ql)?:\/\//.test(dsn)) return null;
  const out = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|\S*)/gy;
  let m;
  let end = 0;
  while ((m = re.exec(dsn)) !== null && m[0].length) {
    out[m[1]] = m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : m[2];
    end = re.lastIndex;
  }
  if (dsn.slice(end).trim()) out["(unparsed)"] = dsn.slice(end).trim();
  return out;
}

// KEDA v2.19.0's prometheus scaler (pkg/scalers/prometheus_scaler.go): its trigger metadata.
const PROMETHEUS_METADATA = new Set(["serverAddress", "query", "queryParameters", "threshold",
  "activationThreshold", "namespace", "customHeaders", "ignoreNullValues", "unsafeSsl", "awsRegion",
  "timeout", "identityOwner", "authModes"]);
const PROMETHEUS_REQUIRED = ["serverAddress", "query", "threshold"];

function checkReferences(label, objects) {
  const resources = objects.map((o) => ({ ...o, where: `${o.origin} ${o.value.kind}${o.patchedBy.length ? ` (patched by ${o.patchedBy.join(", ")})` : ""}` }));
  const made = operatorObjects(resources);
  const secrets = [...resources.filter((d) => d.value.kind === "Secret").map((d) => d.value), ...made.secrets];
  const find = (kind, name) => (kind === "Secret" ? secrets : resources.filter((d) => d.value.kind === kind).map((d) => d.value))
    .find((v) => v.metadata.name === name);
  const serviceNames = new Set([...resources.filter((d) => d.value.kind === "Service").map((d) => d.value.metadata.name), ...made.services]);
  const seenNames = new Map();

  // The pods of the build: each workload's template, and the operators' pods.
  const podSets = [...made.podSets];
  for (const d of resources) {
    const tpl = podTemplate(d.value);
    if (!tpl || !tpl.spec) continue;
    const ports = new Map();
    for (const c of tpl.spec.containers || []) for (const [k, v] of containerPorts(c)) ports.set(k, v);
    podSets.push({ name: `${d.value.kind} ${d.value.metadata.name}`, labels: (tpl.metadata && tpl.metadata.labels) || {},
      ports, replicas: d.value.spec.replicas, workload: d });
  }

  for (const doc of resources) {
    const obj = doc.value;
    const where = doc.where;
    const name = obj.metadata && obj.metadata.name;
    if (typeof name !== "string" || !DNS_SUBDOMAIN.test(name)) {
      fail(where, `metadata.name must be a DNS subdomain name, got ${JSON.stringify(name)}`);
      continue;
    }
    const id = `${obj.kind}/${name}`;
    if (seenNames.has(id)) fail(where, `${id} is also defined in ${seenNames.get(id)} (${label})`);
    seenNames.set(id, doc.origin);
    if (obj.kind === "Service" && !DNS_LABEL.test(name)) fail(where, `Service name ${name} must be a DNS label`);

    const tpl = podTemplate(obj);
    if (!tpl) continue;
    const labels = (tpl.metadata && tpl.metadata.labels) || {};
    for (const [k, v] of Object.entries(obj.spec.selector.matchLabels || {})) {
      if (labels[k] !== v) fail(where, `selector ${k}=${v} does not match the pod template's labels`);
    }
    const pod = tpl.spec;
    const volumes = new Set([
      ...(pod.volumes || []).map((v) => v.name),
      ...((obj.spec.volumeClaimTemplates || []).map((c) => c.metadata.name)),
    ]);
    for (const v of pod.volumes || []) {
      if (v.secret) {
        const s = find("Secret", v.secret.secretName);
        if (!s && !v.secret.optional) fail(where, `volume ${v.name}: no Secret ${v.secret.secretName}`);
        for (const item of (s && v.secret.items) || []) {
          if (!keysOf(s).has(item.key)) fail(where, `volume ${v.name}: Secret ${v.secret.secretName} has no key ${item.key}`);
        }
      }
      if (v.configMap) {
        const c = find("ConfigMap", v.configMap.name);
        if (!c && !v.configMap.optional) fail(where, `volume ${v.name}: no ConfigMap ${v.configMap.name}`);
      }
    }
    const allPorts = new Map();
    for (const c of [...(pod.initContainers || []), ...pod.containers]) {
      const cwhere = `${where} ${name} container ${c.name}`;
      const ports = containerPorts(c);
      for (const [k, v] of ports) allPorts.set(k, v);
      for (const p of c.ports || []) {
        if (p.name && !PORT_NAME.test(p.name)) fail(cwhere, `port name ${p.name} must be at most 15 lowercase characters`);
      }
      for (const [kind, quantities] of Object.entries(c.resources || {})) {
        for (const r of Object.keys(quantities || {})) {
          if (!RESOURCE_NAME.test(r)) fail(cwhere, `resources.${kind}: unknown resource ${r}`);
        }
      }
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const pr = c[probe];
        if (!pr) continue;
        const port = (pr.grpc || pr.httpGet || pr.tcpSocket || {}).port;
        if (port !== undefined && !ports.has(String(port))) fail(cwhere, `${probe} port ${port} is not a declared container port`);
      }
      for (const m of c.volumeMounts || []) {
        if (!volumes.has(m.name)) fail(cwhere, `volumeMount ${m.name}: no such volume`);
      }
      for (const from of c.envFrom || []) {
        const ref = from.configMapRef || from.secretRef;
        const kind = from.configMapRef ? "ConfigMap" : "Secret";
        if (ref && !ref.optional && !find(kind, ref.name)) fail(cwhere, `envFrom: no ${kind} ${ref.name}`);
      }
      for (const e of c.env || []) {
        const vf = e.valueFrom || {};
        const ref = vf.secretKeyRef || vf.configMapKeyRef;
        if (!ref || ref.optional) continue;
        const kind = vf.secretKeyRef ? "Secret" : "ConfigMap";
        const target = find(kind, ref.name);
        if (!target) fail(cwhere, `env ${e.name}: no ${kind} ${ref.name}`);
        else if (!keysOf(target).has(ref.key)) fail(cwhere, `env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      }
      checkDsn(cwhere, c, find, serviceNames, made.clusters);
    }
    const ann = (tpl.metadata && tpl.metadata.annotations) || {};
    if (ann["prometheus.io/scrape"] === "true" && !allPorts.has(String(ann["prometheus.io/port"]))) {
      fail(where, `prometheus.io/port ${ann["prometheus.io/port"]} is not a declared container port`);
    }
  }

  const byKind = (kind) => resources.filter((d) => d.value.kind === kind);
  const selected = (selector) => podSets.filter((p) => selects(selector, p.labels));

  for (const doc of byKind("Service")) {
    const svc = doc.value;
    const where = `${doc.where} ${svc.metadata.name}`;
    const selector = (svc.spec && svc.spec.selector) || {};
    if (!Object.keys(selector).length) continue;
    const matching = selected({ matchLabels: selector });
    if (!matching.length) {
      fail(where, "its selector matches no workload");
      continue;
    }
    for (const p of svc.spec.ports) {
      if (typeof p.targetPort !== "string") continue;
      for (const w of matching) {
        if (!w.ports.has(p.targetPort)) fail(where, `targetPort ${p.targetPort} is not a port of ${w.name}`);
      }
    }
  }

  // Autoscalers: KEDA ScaledObjects and HPAs.
  const scaled = new Map(); // workload id -> autoscaler
  for (const doc of [...byKind("ScaledObject"), ...byKind("HorizontalPodAutoscaler")]) {
    const obj = doc.value;
    const where = `${doc.where} ${obj.metadata.name}`;
    const ref = obj.spec.scaleTargetRef || {};
    const kind = ref.kind || "Deployment";
    const target = resources.find((d) => d.value.kind === kind && d.value.metadata.name === ref.name);
    if (!target || !podTemplate(target.value)) {
      fail(where, `scaleTargetRef ${kind}/${ref.name}: no such workload`);
      continue;
    }
    const id = `${kind}/${ref.name}`;
    if (scaled.has(id)) fail(where, `${id} is also scaled by ${scaled.get(id)}: they would fight`);
    scaled.set(id, `${obj.kind} ${obj.metadata.name}`);
    if (target.value.spec.replicas !== undefined) {
      fail(target.where, `${id} sets spec.replicas, which ${obj.kind} ${obj.metadata.name} owns: every apply would reset it`);
    }
    const min = obj.kind === "ScaledObject" ? obj.spec.minReplicaCount : obj.spec.minReplicas;
    const max = obj.kind === "ScaledObject" ? obj.spec.maxReplicaCount : obj.spec.maxReplicas;
    if (min !== undefined && max !== undefined && min > max) fail(where, `min replicas ${min} above max ${max}`);
    const podLabels = target.value.spec.template.metadata.labels || {};
    for (const [i, t] of (obj.kind === "ScaledObject" ? obj.spec.triggers : []).entries()) {
      if (t.type !== "prometheus") continue;
      const twhere = `${where} trigger ${i}`;
      const md = t.metadata || {};
      for (const k of Object.keys(md)) if (!PROMETHEUS_METADATA.has(k)) fail(twhere, `metadata ${k} is not a setting of KEDA's prometheus scaler`);
      for (const k of PROMETHEUS_REQUIRED) if (md[k] === undefined) fail(twhere, `metadata ${k} is required`);
      for (const k of ["threshold", "activationThreshold"]) {
        if (md[k] !== undefined && !(Number(md[k]) >= 0 && String(md[k]).trim() !== "")) fail(twhere, `metadata ${k} must be a number, got ${JSON.stringify(md[k])}`);
      }
      if (md.threshold !== undefined && Number(md.threshold) <= 0) fail(twhere, "metadata threshold must be above 0");
      for (const k of ["ignoreNullValues", "unsafeSsl"]) {
        if (md[k] !== undefined && !["true", "false"].includes(md[k])) fail(twhere, `metadata ${k} must be "true" or "false"`);
      }
      if (md.serverAddress !== undefined && !/^https?:\/\/[^/\s]+/.test(md.serverAddress)) fail(twhere, `metadata serverAddress ${md.serverAddress} is not an http(s) URL`);
      // A query on the pod label app.kubernetes.io/instance must name the target's own pods.
      for (const m of String(md.query || "").matchAll(/app_kubernetes_io_instance\s*=\s*"([^"]*)"/g)) {
        if (podLabels["app.kubernetes.io/instance"] !== m[1]) {
          fail(twhere, `query selects app_kubernetes_io_instance="${m[1]}", but ${id}'s pods are app.kubernetes.io/instance=${podLabels["app.kubernetes.io/instance"]}`);
        }
      }
    }
  }

  const pdbPods = new Map(); // pod set name -> PDB
  for (const doc of byKind("PodDisruptionBudget")) {
    const obj = doc.value;
    const where = `${doc.where} ${obj.metadata.name}`;
    const pods = selected(obj.spec.selector);
    if (!pods.length) fail(where, "its selector matches no workload");
    for (const p of pods) {
      if (pdbPods.has(p.name)) fail(where, `${p.name} is also covered by ${pdbPods.get(p.name)}: the eviction API refuses pods with two budgets`);
      pdbPods.set(p.name, `PodDisruptionBudget ${obj.metadata.name}`);
      const fixed = p.replicas !== undefined && !scaled.has(p.name.replace(" ", "/")) ? p.replicas : undefined;
      if (obj.spec.maxUnavailable === 0 || (fixed !== undefined && Number.isInteger(obj.spec.minAvailable) && obj.spec.minAvailable >= fixed)) {
        fail(where, `no pod of ${p.name} could ever be evicted: node drains would hang`);
      }
    }
  }

  for (const doc of byKind("NetworkPolicy")) {
    const obj = doc.value;
    const where = `${doc.where} ${obj.metadata.name}`;
    const pods = selected(obj.spec.podSelector);
    if (!pods.length) {
      fail(where, "its podSelector matches no pod of the build");
      continue;
    }
    for (const [i, rule] of (obj.spec.ingress || []).entries()) {
      for (const peer of rule.from || []) {
        if (peer.podSelector && !peer.namespaceSelector && !selected(peer.podSelector).length) {
          fail(where, `ingress ${i}: the podSelector of a peer in this namespace matches no pod of the build`);
        }
      }
      for (const p of rule.ports || []) {
        if (p.port === undefined) continue;
        for (const w of pods) {
          if (!w.ports.has(String(p.port))) fail(where, `ingress ${i}: port ${p.port} is not a port of ${w.name}`);
        }
      }
    }
    for (const [i, rule] of (obj.spec.egress || []).entries()) {
      for (const peer of rule.to || []) {
        if (peer.podSelector && !peer.namespaceSelector && !selected(peer.podSelector).length) {
          fail(where, `egress ${i}: the podSelector of a peer in this namespace matches no pod of the build`);
        }
      }
    }
  }

  for (const doc of byKind("PodMonitor")) {
    const obj = doc.value;
    const where = `${doc.where} ${obj.metadata.name}`;
    const pods = selected(obj.spec.selector);
    if (!pods.length) fail(where, "its selector matches no pod of the build");
    for (const e of obj.spec.podMetricsEndpoints || []) {
      for (const w of pods) {
        if (e.port !== undefined && !w.ports.has(String(e.port))) fail(where, `port ${e.port} is not a port of ${w.name}`);
      }
    }
  }
}

// The PostgreSQL DSN a container gets as MC_PG_DSN (from a value or a Secret's key).
function checkDsn(where, c, find, serviceNames, clusters) {
  const env = new Map((c.env || []).map((e) => [e.name, e]));
  const e = env.get("MC_PG_DSN");
  if (!e) return;
  let dsn = e.value;
  const ref = e.valueFrom && e.valueFrom.secretKeyRef;
  if (ref) {
    const s = find("Secret", ref.name);
    dsn = s && secretValue(s, ref.key);
  }
  if (typeof dsn !== "string" || !dsn) return; // a missing Secret or key is reported above
  const kv = parseDsn(dsn);
  if (!kv) return; // a URI: left to libpq
  const dwhere = `${where} MC_PG_DSN`;
  for (const [k, v] of Object.entries(kv)) {
    if (!LIBPQ_KEYWORDS.has(k)) fail(dwhere, `"${k}" is not a libpq connection keyword`);
    else if (LIBPQ_VALUES[k] && !LIBPQ_VALUES[k].includes(v)) fail(dwhere, `${k}=${v}: libpq takes ${LIBPQ_VALUES[k].join(", ")}`);
  }
  const host = kv.host;
  if (host && !host.includes(".") && !host.startsWith("/") && !host.includes(",") && !serviceNames.has(host)) {
    fail(dwhere, `host ${host} is no Service of the build (a host outside the cluster has dots)`);
  }
  const password = env.get("PGPASSWORD");
  if (kv.password === undefined && kv.passfile === undefined && !password && !env.has("PGPASSFILE")) {
    fail(dwhere, "has no password, and the container has no PGPASSWORD or PGPASSFILE for libpq");
  }
  const mounts = (c.volumeMounts || []).map((m) => m.mountPath.replace(/\/$/, ""));
  for (const k of LIBPQ_FILES) {
    if (kv[k] && !mounts.some((m) => kv[k].startsWith(`${m}/`))) fail(dwhere, `${k} ${kv[k]} is under none of the container's volume mounts`);
  }
  const pref = password && password.valueFrom && password.valueFrom.secretKeyRef;
  const cluster = pref && clusters.find((cl) => pref.name === `${cl.name}-app`);
  if (cluster) {
    if (kv.user !== cluster.owner) fail(dwhere, `user ${kv.user} is not ${cluster.owner}, the owner whose password ${pref.name} holds`);
    if (kv.dbname !== cluster.database) fail(dwhere, `dbname ${kv.dbname} is not ${cluster.database}, the database of Cluster ${cluster.name}`);
    if (host && !host.startsWith(`${cluster.name}-`)) fail(dwhere, `host ${host} is not a Service of Cluster ${cluster.name}, whose password it uses`);
  }
}

// ---- main ----

async function main(dirs) {
  if (!dirs.length) {
    console.error("usage: validate-k8s.js DIR...");
    process.exit(2);
  }
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 18) {
    console.error(`ERROR the schema packages need Node.js 18 or later (Debian 12's); this is ${process.versions.node}`);
    process.exit(1);
  }
  const files = dirs.flatMap((d) => yamlFiles(path.resolve(d))).sort();
  const parsed = new Map(files.map((f) => [f, parseFile(f)]));
  const kustomizations = [];
  const resourceFiles = new Set();
  const patchFiles = new Set();
  for (const [file, docs] of parsed) {
    if (path.basename(file) !== "kustomization.yaml") continue;
    kustomizations.push(path.dirname(file));
    for (const doc of docs) {
      const listed = checkKustomization(doc);
      listed.resources.forEach((f) => resourceFiles.add(f));
      listed.patches.forEach((f) => patchFiles.add(f));
    }
  }
  for (const docs of parsed.values()) {
    for (const d of docs) await loadModel(d.value.apiVersion, d.value.kind);
  }
  let count = 0;
  for (const [file, docs] of parsed) {
    if (path.basename(file) === "kustomization.yaml") continue;
    const isPatch = patchFiles.has(file);
    if (!isPatch && !resourceFiles.has(file)) fail(file, "listed by no kustomization.yaml (resources or patches)");
    for (const doc of docs) {
      count++;
      const where = `${file}#${doc.index} ${doc.value.kind}`;
      // A patch is partial: it is checked as part of the objects it patches, below.
      if (!isPatch) checkSchema(doc.value, where);
      else if (!modelFor(doc.value.apiVersion, doc.value.kind)) fail(where, `unknown apiVersion/kind ${doc.value.apiVersion}/${doc.value.kind}`);
    }
  }
  const builds = [];
  for (const dir of kustomizations) {
    const objects = build(dir, parsed);
    for (const o of objects) {
      if (o.patchedBy.length) checkSchema(o.value, `${o.origin} ${o.value.kind} ${o.value.metadata.name} patched by ${o.patchedBy.join(", ")}`);
    }
    builds.push({ dir, objects });
  }
  if (!errors.size) {
    for (const { dir, objects } of builds) checkReferences(dir, objects);
  }
  if (errors.size) {
    for (const e of errors) console.error(`ERROR ${e}`);
    console.error(`k8s manifests: ${errors.size} error(s)`);
    process.exit(1);
  }
  const summary = builds.map(({ dir, objects }) => `${path.relative(path.resolve(dirs[0]), dir) || "."} (${objects.length})`).join(", ");
  console.log(`k8s manifests: ${count} documents in ${files.length} files valid (strict); builds checked: ${summary}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(`ERROR ${e.stack || e}`);
  process.exit(1);
});
