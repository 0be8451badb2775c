#include "common/metrics/metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace mc::metrics {

// Registered with the exposer before the registry: its Collect() runs the hooks and adds no
// family, so the registry is read right after the hooks updated it.
class ScrapeHooks : public prometheus::Collectable {
 public:
  void Add(std::function<void()> hook) {
    std::lock_guard<std::mutex> lock(mu_);
    hooks_.push_back(std::move(hook));
  }
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& hook : hooks_) hook();
    return {};
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::function<void()>> hooks_;
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      hooks_(std::make_shared<ScrapeHooks>()) {}

Metrics::~Metrics() = default;

void Metrics::OnScrape(std::function<void()> hook) { hooks_->Add(std::move(hook)); }

absl::StatusOr<int> Metrics::Serve(const std::string& listen) {
  if (exposer_) return absl::FailedPreconditionError("metrics are already served");
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--metrics_listen: '", listen, "' is not host:port"));
  }
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(hooks_);
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? port : ports.front();
  return port_;
}

std::string Metrics::Render() {
  hooks_->Collect();
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace mc::metrics
