// Prometheus metrics as end-to-end tests see them: a scrape of a service's /metrics over HTTP
// (libcurl) and a reader of the text exposition.
// Failures: Scrape() returns "" when the endpoint cannot be reached. Thread-compatible.
#pragma once

#include <map>
#include <string>

namespace mc::e2e {

// GET http://127.0.0.1:<port>/metrics; the body, or "" on any failure.
std::string Scrape(int port);

// The sum of the samples named `name` whose labels include every pair of `labels` (all of the
// metric's series when empty); 0 when there is none. `name` is the sample's full name, e.g.
// "mc_delivery_latency_seconds_count".
double MetricSum(const std::string& text, const std::string& name,
                 const std::map<std::string, std::string>& labels = {});

// Whether a sample named `name` with exactly these labels is in `text`.
bool HasSeries(const std::string& text, const std::string& name,
               const std::map<std::string, std::string>& labels);

}  // namespace mc::e2e
