// StructToJson: writes a google.protobuf.Struct as compact JSON, directly (protobuf's JSON
// utility goes through reflection and costs several times more on the ingestion hot path).
// Numbers are written in their shortest exact form; strings are escaped per RFC 8259.
// Failure modes: INVALID_ARGUMENT "ctx: ..." for NaN or infinite numbers (JSON has none) or
// nesting deeper than 100 levels. Pure and thread-safe.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <string>

#include "absl/status/status.h"

namespace mc::execution {

absl::Status StructToJson(const google::protobuf::Struct& value, std::string* out);

}  // namespace mc::execution
