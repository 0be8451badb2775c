#include "common/http_gateway/http_status.h"

#include <nlohmann/json.hpp>
#include <regex>

#include "absl/status/status.h"

namespace mc::http {

int HttpStatusOf(int grpc_code) {
  switch (static_cast<absl::StatusCode>(grpc_code)) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;  // UNKNOWN, INTERNAL, DATA_LOSS
  }
}

std::string CodeName(int grpc_code) {
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(grpc_code));
  return name.empty() ? "UNKNOWN" : name;
}

std::string FieldOf(absl::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || colon == 0 || colon > 200) return "";
  static const std::regex kPath(
      R"([A-Za-z_][A-Za-z0-9_]*(\[[^\]\s]{1,64}\])*(\.[A-Za-z_@][A-Za-z0-9_]*(\[[^\]\s]{1,64}\])*)*)");
  const std::string head(message.substr(0, colon));
  return std::regex_match(head, kPath) ? head : "";
}

std::string ErrorJson(int grpc_code, absl::string_view message, int http_status) {
  nlohmann::json error = {{"code", http_status != 0 ? http_status : HttpStatusOf(grpc_code)},
                          {"status", CodeName(grpc_code)},
                          {"message", std::string(message)}};
  if (std::string field = FieldOf(message); !field.empty()) error["field"] = field;
  return nlohmann::json{{"error", error}}.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

}  // namespace mc::http
