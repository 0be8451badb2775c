// Conversions between google.protobuf.Timestamp and absl::Time, for every service's proto
// mapping. Microsecond precision (what PostgreSQL keeps). Thread-safe, never fails.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "absl/time/time.h"

namespace mc::grpcutil {

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
void ToTimestamp(absl::Time t, google::protobuf::Timestamp* ts);

}  // namespace mc::grpcutil
