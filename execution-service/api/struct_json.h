// StructToJson: writes a google.protobuf.Struct as compact JSON, directly (protobuf's JSON
// utility goes through reflection and costs several times more on the ingestion hot path).
// Numbers are written in their shortest exact form; strings are escaped per RFC 8259.
// Failure modes: INVALID_ARGUMENT "ctx: ..." for NaN or infinite numbers (JSON has none) or
// nesting deeper than kMaxCtxLevels objects and arrays ("ctx: nested deeper than 32 levels";
// the ctx object itself is level 1). The limit sits well below what the request parser accepts
// (common/grpc/call_gate.h), so a deep ctx is refused by this rule, naming the field.
// Pure and thread-safe.
#pragma once

#include <google/protobuf/struct.pb.h>

#include <string>

#include "absl/status/status.h"

namespace mc::execution {

inline constexpr int kMaxCtxLevels = 32;

[[nodiscard]] absl::Status StructToJson(const google::protobuf::Struct& value, std::string* out);

}  // namespace mc::execution
