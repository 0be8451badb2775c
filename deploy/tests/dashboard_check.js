#!/usr/bin/env node
// Checks the Grafana dashboard (deploy/grafana/messagecenter-dashboard.json) against the metrics
// contract of the services: every metric a query names is one of the contract's, used as its
// type allows (counters and histogram buckets only through rate/increase), grouped and
// filtered only by its labels; every contract metric is shown somewhere; panels have unique ids,
// a title, a position and the dashboard's data source; the queue panels have orange and red
// thresholds. Usage: node dashboard_check.js DASHBOARD.json
"use strict";

const fs = require("fs");

// The contract (metric -> type and labels); the services' /metrics must match it.
const CONTRACT = {
  mc_events_received_total: { type: "counter", labels: ["queue"] },
  mc_events_finished_total: { type: "counter", labels: ["queue", "status"] },
  mc_queue_events: { type: "gauge", labels: ["queue", "status"] },
  mc_delivery_outcomes_total: { type: "counter", labels: ["channel", "outcome"] },
  mc_delivery_latency_seconds: { type: "histogram", labels: ["queue"] },
  mc_workflow_runs_total: { type: "counter", labels: ["workflow"] },
  mc_workflow_errors_total: { type: "counter", labels: ["workflow"] },
  mc_archive_runs_total: { type: "counter", labels: ["account"] },
  mc_archive_run_errors_total: { type: "counter", labels: ["account"] },
  mc_archive_rows_total: { type: "counter", labels: ["account", "kind"] },
  mc_archive_lag_seconds: { type: "gauge", labels: ["account"] },
  mc_publications_total: { type: "counter", labels: ["outcome"] },
  mc_webhooks_queued: { type: "gauge", labels: ["subscription"] },
  mc_webhooks_sent_total: { type: "counter", labels: ["subscription"] },
  mc_webhooks_failed_total: { type: "counter", labels: ["subscription", "class"] },
  mc_webhooks_given_up_total: { type: "counter", labels: ["subscription"] },
  mc_webhook_latency_seconds: { type: "histogram", labels: ["subscription"] },
};
// Labels Prometheus adds to every scraped series.
const TARGET_LABELS = ["instance", "job"];

const errors = [];
const fail = (where, msg) => errors.push(`${where}: ${msg}`);

function checkExpr(expr, where, used) {
  const names = [...expr.matchAll(/\bmc_[a-z0-9_]+/g)].map((m) => m[0]);
  if (!names.length) fail(where, `query names no mc_ metric: ${expr}`);
  const labels = new Set(TARGET_LABELS);
  for (const raw of names) {
    const base = raw.replace(/_(bucket|sum|count)$/, "");
    const metric = CONTRACT[raw] ? raw : CONTRACT[base] && CONTRACT[base].type === "histogram" ? base : null;
    if (!metric) {
      fail(where, `${raw} is not a metric of the contract`);
      continue;
    }
    used.add(metric);
    const { type, labels: own } = CONTRACT[metric];
    own.forEach((l) => labels.add(l));
    if (type === "histogram") {
      labels.add("le");
      if (raw === metric) fail(where, `${raw} is a histogram: use ${raw}_bucket, _sum or _count`);
    }
    const needsRate = type === "counter" || type === "histogram";
    if (needsRate && !new RegExp(`\\b(rate|irate|increase)\\(\\s*${raw}\\b`).test(expr)) {
      fail(where, `${raw} is a ${type}: query it through rate() or increase()`);
    }
  }
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const l of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      if (!labels.has(l)) fail(where, `label ${l} is not a label of ${names.join(", ")}`);
    }
  }
  for (const m of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const l of [...m[1].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((x) => x[1])) {
      if (!labels.has(l)) fail(where, `label ${l} is not a label of ${names.join(", ")}`);
    }
  }
}

function main(file) {
  const dash = JSON.parse(fs.readFileSync(file, "utf8"));
  const used = new Set();
  const ids = new Set();
  if (!dash.uid || !dash.title) fail(file, "the dashboard needs a uid and a title");
  const vars = (dash.templating && dash.templating.list) || [];
  if (!vars.some((v) => v.type === "datasource" && v.name === "datasource" && v.query === "prometheus")) {
    fail(file, "needs a Prometheus data source variable named datasource");
  }
  let queueThresholds = 0;
  for (const p of dash.panels || []) {
    const where = `${file}: panel ${p.id} "${p.title}"`;
    if (ids.has(p.id)) fail(where, "duplicate panel id");
    ids.add(p.id);
    if (!p.title || !p.gridPos) fail(where, "needs a title and a gridPos");
    if (p.type === "row") continue;
    if (!p.datasource || p.datasource.uid !== "${datasource}") fail(where, "must use the ${datasource} variable");
    if (!(p.targets || []).length) fail(where, "has no query");
    for (const t of p.targets || []) checkExpr(t.expr || "", `${where} ${t.refId}`, used);
    if ((p.targets || []).some((t) => /mc_queue_events/.test(t.expr))) {
      const steps = p.fieldConfig.defaults.thresholds.steps.map((s) => s.color);
      if (steps.includes("orange") && steps.includes("red")) queueThresholds++;
      else fail(where, "queue length panels need orange and red thresholds");
    }
  }
  for (const m of Object.keys(CONTRACT)) if (!used.has(m)) fail(file, `no panel shows ${m}`);
  if (!queueThresholds) fail(file, "no queue length panel");
  if (errors.length) {
    errors.forEach((e) => console.error(`ERROR ${e}`));
    console.error(`dashboard: ${errors.length} error(s)`);
    process.exit(1);
  }
  const shown = (dash.panels || []).filter((p) => p.type !== "row").length;
  console.log(`dashboard: ${shown} panels, all ${Object.keys(CONTRACT).length} contract metrics, valid`);
}

main(process.argv[2]);
