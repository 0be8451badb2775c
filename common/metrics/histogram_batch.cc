#include "common/metrics/histogram_batch.h"

#include <algorithm>

namespace mc::metrics {

HistogramBatch::HistogramBatch(const prometheus::Histogram::BucketBoundaries& bounds)
    : bounds_(bounds), buckets_(bounds.size() + 1, 0.0) {}

void HistogramBatch::Add(double value) {
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<size_t>(at - bounds_.begin())] += 1;
  sum_ += value;
  ++count_;
}

void HistogramBatch::FlushTo(prometheus::Histogram& histogram) {
  if (count_ == 0) return;
  histogram.ObserveMultiple(buckets_, sum_);
  std::fill(buckets_.begin(), buckets_.end(), 0.0);
  sum_ = 0;
  count_ = 0;
}

}  // namespace mc::metrics
