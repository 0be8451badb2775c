// The flags every mcctl command accepts (addresses, token, TLS, output) and the settings they
// resolve to, with the environment's fallbacks: MC_CONTROL, MC_EXECUTION, MC_TOKEN and
// MC_TOKEN_FILE. Precedence: flag, then environment, then the default.
//
// Failure modes: ResolveSettings returns INVALID_ARGUMENT naming the flag or file for an
// unreadable token or TLS file, a key without a certificate (or the reverse), or a bad
// timeout. Messages never contain the token. Pure apart from reading the named files.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/mcctl/arg_parser.h"

namespace mc::mcctl {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

inline constexpr char kDefaultControl[] = "127.0.0.1:50061";
inline constexpr char kDefaultExecution[] = "127.0.0.1:50051";

struct ClientSettings {
  std::string control = kDefaultControl;
  std::string execution = kDefaultExecution;
  // Where each address came from, for hints: "--control", "MC_CONTROL" or "the default".
  std::string control_source = "the default";
  std::string execution_source = "the default";
  // Sent as `authorization: Bearer <token>`; never printed. Empty: no token given.
  std::string token;
  bool json = false;
  int timeout_seconds = 30;
  // TLS: on with --tls or any --tls-* file. PEM contents, empty for the system's roots.
  bool tls = false;
  std::string tls_root_pem;
  std::string tls_cert_pem;
  std::string tls_key_pem;
  std::string tls_server_name;
};

// --control, --execution, --token, --token-file, --json, --timeout-seconds, --tls, --tls-ca,
// --tls-cert, --tls-key, --tls-server-name, --help, --version.
const std::vector<FlagSpec>& GlobalFlags();

[[nodiscard]] absl::StatusOr<ClientSettings> ResolveSettings(const ParsedFlags& flags,
                                                             const EnvLookup& env);

// The first line of a token file that is neither empty nor a '#' comment, trimmed.
[[nodiscard]] absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace mc::mcctl
