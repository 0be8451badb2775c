// HistogramBatch: observations gathered by one thread (say, for one batch of messages) and
// added to a prometheus::Histogram in one call. prometheus-cpp's Histogram::Observe() takes a
// mutex per value; FlushTo() takes it once per batch, with the same buckets and sum as one
// Observe() per value (a value equal to a bucket's upper bound counts in that bucket).
//
// Failure modes: none; `bounds` must be the histogram's bucket boundaries (ascending), else
// FlushTo() throws std::length_error from prometheus-cpp when their number differs.
// Not thread-safe: one per thread (FlushTo() itself is safe against concurrent scrapes).
#pragma once

#include <prometheus/histogram.h>

#include <cstdint>
#include <vector>

namespace mc::metrics {

class HistogramBatch {
 public:
  // `bounds` must outlive the batch.
  explicit HistogramBatch(const prometheus::Histogram::BucketBoundaries& bounds);

  void Add(double value);
  int64_t count() const { return count_; }

  // Adds the observations to `histogram` and empties the batch. No-op when empty.
  void FlushTo(prometheus::Histogram& histogram);

 private:
  const prometheus::Histogram::BucketBoundaries& bounds_;
  std::vector<double> buckets_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  int64_t count_ = 0;
};

}  // namespace mc::metrics
