#include "control-service/mcctl/exit_codes.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace mc::mcctl {

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::OUT_OF_RANGE:
      return kExitRefused;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnreachable;
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitAuth;
    default:
      return kExitFailed;
  }
}

std::string StatusCodeName(int code) {
  // The canonical names ("NOT_FOUND", ...): gRPC's and Abseil's codes share their numbers.
  const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("code ", code) : name;
}

std::string ExitCodesHelp() {
  return "Exit codes:\n"
         "  0  ok\n"
         "  1  anything else (the server failed: see its log)\n"
         "  2  usage error: unknown command or flag, missing or malformed argument, unreadable\n"
         "     input file\n"
         "  3  the request was refused (INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS,\n"
         "     NOT_FOUND, OUT_OF_RANGE); also events push when some event was rejected, and\n"
         "     templates publish/unpublish and the webhooks commands when some instance refused,\n"
         "     templates proof when a seed's proof was not sent\n"
         "  4  unreachable, unavailable or no answer within --timeout-seconds\n"
         "  5  authentication or permission (UNAUTHENTICATED, PERMISSION_DENIED)\n";
}

namespace {

std::string TlsHint(const FailedCall& call) {
  return call.tls ? "; TLS is on: check --tls-ca, --tls-cert, --tls-key, --tls-server-name"
                  : "; if it serves TLS, add --tls or --tls-ca FILE (mutual TLS: also "
                    "--tls-cert and --tls-key)";
}

std::string Hint(const FailedCall& call, grpc::StatusCode code) {
  // Abseil's names for the same numbers: gRPC and Abseil share the canonical codes.
  switch (static_cast<absl::StatusCode>(code)) {
    case absl::StatusCode::kInvalidArgument:
      return "fix the value the message names, then run the command again";
    case absl::StatusCode::kFailedPrecondition:
      return "the message says what is missing; put that right first, then run the command "
             "again";
    case absl::StatusCode::kAlreadyExists:
      return absl::StrCat("it is there already: see `mcctl ", call.group,
                          " list`, or choose another name");
    case absl::StatusCode::kNotFound:
      return absl::StrCat("check the name with `mcctl ", call.group, " list`");
    case absl::StatusCode::kOutOfRange:
      return "use a value within the range the message gives";
    case absl::StatusCode::kUnavailable:
      if (call.reached) {
        return absl::StrCat(call.server,
                            " answered, but could not reach the service named above: check that "
                            "that one is running and reachable from it");
      }
      return absl::StrCat("check that ", call.server, " is running and reachable from here; ",
                          "the address is set by ", call.address_setting, TlsHint(call));
    case absl::StatusCode::kDeadlineExceeded:
      return absl::StrCat("no answer from ", call.server, " within ", call.timeout_seconds,
                          " s: check that it is running and reachable (address set by ",
                          call.address_setting, TlsHint(call), "), or raise --timeout-seconds");
    case absl::StatusCode::kUnauthenticated:
      if (!call.token_given) {
        return "no token was given: set MC_TOKEN, or pass --token-file FILE (or --token)";
      }
      return absl::StrCat("check --token / --token-file / MC_TOKEN: ", call.server,
                          " did not accept the token given");
    case absl::StatusCode::kPermissionDenied:
      return "the token is valid but its role does not allow this: check --token / MC_TOKEN "
             "and use a token whose role does";
    case absl::StatusCode::kUnimplemented:
      return absl::StrCat(call.server, " does not serve this call: is it the right kind of ",
                          "instance (control or execution) and version? The address is set by ",
                          call.address_setting);
    case absl::StatusCode::kAborted:
      return "another operation was in the way; run the command again in a moment";
    default:
      return absl::StrCat(call.server, " failed: see its log");
  }
}

}  // namespace

int ReportFailure(const FailedCall& call, const grpc::Status& status, std::ostream& err) {
  const grpc::StatusCode code = status.error_code();
  std::string message = status.error_message();
  if ((code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED) &&
      !call.reached) {
    message = absl::StrCat("cannot reach ", call.server, ": ", message);
  } else if (message.empty()) {
    message = absl::StrCat(call.server, " failed with ", StatusCodeName(code));
  }
  err << "mcctl: " << call.what << ": " << message << "\n";
  err << "hint: " << Hint(call, code) << " (" << StatusCodeName(code) << ")\n";
  return ExitCodeFor(code);
}

}  // namespace mc::mcctl
