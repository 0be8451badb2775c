#include "execution-service/api/struct_json.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {
using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

void AppendString(const std::string& s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

absl::Status AppendStruct(const Struct& s, std::string* out, int depth);

// `depth`: the containers around `v` less one (the ctx's own fields are at depth 0).
absl::Status AppendValue(const Value& v, std::string* out, int depth) {
  const bool container = v.kind_case() == Value::kStructValue || v.kind_case() == Value::kListValue;
  if (container && depth + 2 > kMaxCtxLevels) {
    return absl::InvalidArgumentError(
        absl::StrCat("ctx: nested deeper than ", kMaxCtxLevels, " levels"));
  }
  switch (v.kind_case()) {
    case Value::kNumberValue: {
      double d = v.number_value();
      if (!std::isfinite(d)) {
        return absl::InvalidArgumentError("ctx: NaN and infinite numbers have no JSON form");
      }
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out->append(buf, r.ptr);
      return absl::OkStatus();
    }
    case Value::kStringValue:
      AppendString(v.string_value(), out);
      return absl::OkStatus();
    case Value::kBoolValue:
      out->append(v.bool_value() ? "true" : "false");
      return absl::OkStatus();
    case Value::kStructValue:
      return AppendStruct(v.struct_value(), out, depth + 1);
    case Value::kListValue: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v.list_value().values()) {
        if (!first) out->push_back(',');
        first = false;
        if (absl::Status s = AppendValue(item, out, depth + 1); !s.ok()) return s;
      }
      out->push_back(']');
      return absl::OkStatus();
    }
    case Value::kNullValue:
    case Value::KIND_NOT_SET:
      out->append("null");
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status AppendStruct(const Struct& s, std::string* out, int depth) {
  out->push_back('{');
  bool first = true;
  for (const auto& [key, value] : s.fields()) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(key, out);
    out->push_back(':');
    if (absl::Status st = AppendValue(value, out, depth); !st.ok()) return st;
  }
  out->push_back('}');
  return absl::OkStatus();
}

}  // namespace

absl::Status StructToJson(const Struct& value, std::string* out) {
  out->clear();
  return AppendStruct(value, out, 0);
}

}  // namespace mc::execution
