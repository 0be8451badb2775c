#!/usr/bin/env node
// Checks the Kubernetes manifests of deploy/k8s offline, strictly:
//  - every *.yaml under the folders given parses (YAML 1.1, as kubectl reads it; a duplicate key
//    is an error);
//  - a kustomization.yaml has only known fields and names files that exist, and every other
//    YAML file of the tree is a resource or a patch of some kustomization;
//  - every resource passes the Kubernetes API's own schema for its apiVersion and kind
//    (kubernetes-models: the Kubernetes OpenAPI definitions compiled with Ajv): types, required
//    fields, enums, formats. An unknown apiVersion/kind is an error;
//  - strict: a field the schema does not declare is an error (what `kubectl apply
//    --validate=strict` refuses). The compiled validator reads every property its schema
//    declares; the document is handed to it through a Proxy that records those reads, and a
//    field it never read is unknown to the schema;
//  - cross-references: names are DNS names, a workload's selector matches its pod labels, a
//    Service selects a workload and its named target ports exist, resource names are known,
//    probes and the Prometheus scrape annotation name declared ports, and the ConfigMaps,
//    Secrets, keys and volumes that pods use exist (patches must target an object of the tree).
// Usage: node validate-k8s.js DIR...   Prints each error; exit status 1 if there is any.
"use strict";

const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

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

// Returns the files the kustomization lists, as {resources, patches} of absolute paths.
function checkKustomization(doc) {
  const where = doc.file;
  const dir = path.dirname(doc.file);
  const k = doc.value;
  const listed = { resources: [], patches: [] };
  if (k.apiVersion !== "kustomize.config.k8s.io/v1beta1" || k.kind !== "Kustomization") {
    fail(where, "a kustomization.yaml must be kustomize.config.k8s.io/v1beta1 Kustomization");
  }
  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(key)) fail(where, `unknown field "${key}"`);
  }
  for (const r of k.resources || []) {
    const p = path.resolve(dir, r);
    if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
      if (!fs.existsSync(path.join(p, "kustomization.yaml"))) {
        fail(where, `resource ${r}: a folder without kustomization.yaml`);
      }
    } else if (!fs.existsSync(p)) {
      fail(where, `resource ${r}: no such file`);
    } else {
      listed.resources.push(p);
    }
  }
  for (const patch of k.patches || []) {
    if (typeof patch !== "object" || typeof patch.path !== "string") {
      fail(where, "patches: each entry needs a path");
      continue;
    }
    const p = path.resolve(dir, patch.path);
    if (!fs.existsSync(p)) fail(where, `patch ${patch.path}: no such file`);
    else listed.patches.push(p);
  }
  return listed;
}

// ---- schema validation, strict ----

function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return null;
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  let mod;
  try {
    mod = require(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
  } catch {
    return null;
  }
  const model = mod[kind];
  return model && model.kind === kind && model.apiVersion === apiVersion ? model : null;
}

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

function checkSchema(doc, where) {
  const { apiVersion, kind } = doc.value;
  const model = modelFor(apiVersion, kind);
  if (!model) {
    fail(where, `unknown apiVersion/kind ${apiVersion}/${kind}`);
    return;
  }
  const { proxy, reads } = recordReads(doc.value);
  try {
    model.prototype.validate.call(proxy);
  } catch (e) {
    for (const err of e.errors || [{ instancePath: "", message: e.message }]) {
      const detail = err.params && err.params.allowedValues ? ` (${err.params.allowedValues.join(", ")})` : "";
      fail(where, `${err.instancePath || "/"}: ${err.message}${detail}`);
    }
    return;
  }
  unknownFields(doc.value, reads, "", where);
}

// ---- cross-references ----

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
// Standard compute resources; anything else must be an extended resource (domain/name).
const RESOURCE_NAME = /^(cpu|memory|ephemeral-storage|hugepages-[0-9]+[KMG]i|[a-z0-9.-]+\/[-a-zA-Z0-9_.]+)$/;

function podTemplate(obj) {
  return ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"].includes(obj.kind)
    ? obj.spec.template
    : null;
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

function checkReferences(resources) {
  const byKind = (kind) => resources.filter((d) => d.value.kind === kind);
  const find = (kind, name) => byKind(kind).find((d) => d.value.metadata.name === name);
  const seenNames = new Map();

  for (const doc of resources) {
    const obj = doc.value;
    const where = `${doc.file}#${doc.index} ${obj.kind}`;
    const name = obj.metadata && obj.metadata.name;
    if (typeof name !== "string" || !DNS_SUBDOMAIN.test(name)) {
      fail(where, `metadata.name must be a DNS subdomain name, got ${JSON.stringify(name)}`);
      continue;
    }
    const id = `${obj.kind}/${name}`;
    if (seenNames.has(id)) fail(where, `${id} is also defined in ${seenNames.get(id)}`);
    seenNames.set(id, doc.file);
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
          if (!keysOf(s.value).has(item.key)) fail(where, `volume ${v.name}: Secret ${v.secret.secretName} has no key ${item.key}`);
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
        else if (!keysOf(target.value).has(ref.key)) fail(cwhere, `env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      }
    }
    const ann = (tpl.metadata && tpl.metadata.annotations) || {};
    if (ann["prometheus.io/scrape"] === "true" && !allPorts.has(String(ann["prometheus.io/port"]))) {
      fail(where, `prometheus.io/port ${ann["prometheus.io/port"]} is not a declared container port`);
    }
  }

  const workloads = resources.filter((d) => podTemplate(d.value));
  for (const doc of byKind("Service")) {
    const svc = doc.value;
    const where = `${doc.file}#${doc.index} Service ${svc.metadata.name}`;
    const selector = svc.spec.selector || {};
    if (!Object.keys(selector).length) continue;
    const matching = workloads.filter((w) => {
      const labels = w.value.spec.template.metadata.labels || {};
      return Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
    if (!matching.length) {
      fail(where, "its selector matches no workload");
      continue;
    }
    for (const p of svc.spec.ports) {
      if (typeof p.targetPort !== "string") continue;
      for (const w of matching) {
        const names = new Set(w.value.spec.template.spec.containers.flatMap((c) => (c.ports || []).map((cp) => cp.name)));
        if (!names.has(p.targetPort)) fail(where, `targetPort ${p.targetPort} is not a port of ${w.value.metadata.name}`);
      }
    }
  }
}

// ---- main ----

function main(dirs) {
  if (!dirs.length) {
    console.error("usage: validate-k8s.js DIR...");
    process.exit(2);
  }
  const files = dirs.flatMap((d) => yamlFiles(path.resolve(d))).sort();
  const parsed = new Map(files.map((f) => [f, parseFile(f)]));
  const resourceFiles = new Set();
  const patchFiles = new Set();
  for (const [file, docs] of parsed) {
    if (path.basename(file) !== "kustomization.yaml") continue;
    for (const doc of docs) {
      const listed = checkKustomization(doc);
      listed.resources.forEach((f) => resourceFiles.add(f));
      listed.patches.forEach((f) => patchFiles.add(f));
    }
  }
  const resources = [];
  const patches = [];
  let count = 0;
  for (const [file, docs] of parsed) {
    if (path.basename(file) === "kustomization.yaml") continue;
    const isPatch = patchFiles.has(file);
    if (!isPatch && !resourceFiles.has(file)) fail(file, "listed by no kustomization.yaml (resources or patches)");
    for (const doc of docs) {
      count++;
      checkSchema(doc, `${file}#${doc.index} ${doc.value.kind}`);
      (isPatch ? patches : resources).push(doc);
    }
  }
  if (!errors.length) checkReferences(resources);
  for (const p of patches) {
    const { kind, metadata } = p.value;
    const name = metadata && metadata.name;
    if (!resources.some((r) => r.value.kind === kind && r.value.metadata.name === name)) {
      fail(`${p.file}#${p.index}`, `patch targets ${kind}/${name}, which no resource defines`);
    }
  }
  if (errors.length) {
    for (const e of errors) console.error(`ERROR ${e}`);
    console.error(`k8s manifests: ${errors.length} error(s)`);
    process.exit(1);
  }
  console.log(`k8s manifests: ${count} documents in ${files.length} files valid (strict)`);
}

main(process.argv.slice(2));
