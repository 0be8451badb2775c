// How a gRPC status is answered over HTTP/JSON, as Google's API design guide maps the codes
// (INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
// ALREADY_EXISTS 409, FAILED_PRECONDITION 400, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...),
// and the JSON error body: {"error": {"code": <http status>, "status": "<CODE_NAME>",
// "message": "...", "field": "<the field the message names, or absent>"}}. The field is the
// message's prefix before ": " when it is a field path, as every validation message of the
// services starts ("events[3].email: required"). Pure functions; thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mc::http {

int HttpStatusOf(int grpc_code);
// The canonical name of a code: "INVALID_ARGUMENT".
std::string CodeName(int grpc_code);
// "events[3].email" from "events[3].email: required"; "" when the message names no field.
std::string FieldOf(absl::string_view message);
// `http_status` 0: HttpStatusOf(grpc_code).
std::string ErrorJson(int grpc_code, absl::string_view message, int http_status = 0);

}  // namespace mc::http
