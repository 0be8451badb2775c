// mcctl's exit codes, what each gRPC status maps to, and the error report of a failed call:
// `mcctl: <what failed>: <server message>` then a `hint:` line saying what to do.
//
//   0 ok; 1 anything else; 2 usage error; 3 the request was refused (INVALID_ARGUMENT,
//   FAILED_PRECONDITION, ALREADY_EXISTS, NOT_FOUND, OUT_OF_RANGE); 4 unreachable, unavailable
//   or no answer in time; 5 authentication or permission (UNAUTHENTICATED,
//   PERMISSION_DENIED).
// Pure apart from writing to the given stream; thread-compatible.
#pragma once

#include <grpcpp/support/status.h>

#include <ostream>
#include <string>

namespace mc::mcctl {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitRefused = 3,
  kExitUnreachable = 4,
  kExitAuth = 5,
};

int ExitCodeFor(grpc::StatusCode code);

// "INVALID_ARGUMENT", "UNAVAILABLE", ...
std::string StatusCodeName(int code);

// The table of exit codes, for `mcctl --help`.
std::string ExitCodesHelp();

struct FailedCall {
  // What failed, e.g. "accounts create exec_a".
  std::string what;
  // The command group, for hints naming its list command ("accounts").
  std::string group;
  // "the control instance at 127.0.0.1:50061" and how to change that address.
  std::string server;
  std::string address_setting;
  // The server answered (the failure is its own, not reaching it).
  bool reached = false;
  bool token_given = false;
  // mcctl used TLS (--tls or a --tls-* flag).
  bool tls = false;
  int timeout_seconds = 0;
};

// Writes the report to `err` and returns the exit code.
int ReportFailure(const FailedCall& call, const grpc::Status& status, std::ostream& err);

}  // namespace mc::mcctl
