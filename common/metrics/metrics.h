// Metrics: the process's Prometheus registry and, when asked, the HTTP endpoint serving it.
//
// Built once in main() and passed by reference: each service's metric families register in
// registry() (see execution-service/metrics, control-service/metrics). Serve() starts
// prometheus-cpp's Exposer (civetweb) on "host:port" (port 0: a free one, see port()) and
// serves GET /metrics in the Prometheus text format. Hooks added with OnScrape() run at the
// start of every scrape, before the values are read: for gauges computed from a clock.
//
// Failure modes: Serve() returns UNAVAILABLE naming the address when it cannot be bound,
// INVALID_ARGUMENT when it is not "host:port", FAILED_PRECONDITION when already serving.
// Thread-safety: registry() and Render() are thread-safe; OnScrape() and Serve() are for
// main() (before serving / once). Hooks run on the exposer's threads, one scrape at a time.
#pragma once

#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
}

namespace mc::metrics {

class ScrapeHooks;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }

  // Runs `hook` at the start of every scrape. Add hooks before Serve().
  void OnScrape(std::function<void()> hook);

  // Serves GET /metrics on `listen`; returns the bound port.
  [[nodiscard]] absl::StatusOr<int> Serve(const std::string& listen);
  // The bound port; 0 when not serving.
  int port() const { return port_; }

  // The text exposition of the registry (what a scrape returns, hooks run first).
  std::string Render();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ScrapeHooks> hooks_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace mc::metrics
