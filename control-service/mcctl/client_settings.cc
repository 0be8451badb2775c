#include "control-service/mcctl/client_settings.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc/pem_file.h"
#include "control-service/mcctl/input_files.h"

namespace mc::mcctl {
namespace {

// The flag's value, else the variable's, else nullopt; `source` says which it was.
std::optional<std::string> Lookup(const ParsedFlags& flags, const std::string& flag,
                                  const EnvLookup& env, const std::string& variable,
                                  std::string* source = nullptr) {
  if (flags.Has(flag)) {
    if (source != nullptr) *source = "--" + flag;
    return flags.Get(flag);
  }
  std::optional<std::string> v = env(variable);
  if (v && !v->empty()) {
    if (source != nullptr) *source = variable;
    return v;
  }
  return std::nullopt;
}

absl::Status ReadPem(const ParsedFlags& flags, const std::string& flag, std::string* out) {
  if (!flags.Has(flag)) return absl::OkStatus();
  absl::StatusOr<std::string> pem = grpcutil::ReadPemFile(flags.Get(flag));
  if (!pem.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", pem.status().message()));
  }
  *out = *std::move(pem);
  return absl::OkStatus();
}

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> kFlags = {
      {"control", "HOST:PORT",
       absl::StrCat("the control instance (env MC_CONTROL; default ", kDefaultControl, ")")},
      {"execution", "HOST:PORT",
       absl::StrCat("the execution instance (env MC_EXECUTION; default ", kDefaultExecution, ")")},
      {"token", "TOKEN", "bearer token (env MC_TOKEN); prefer MC_TOKEN or --token-file"},
      {"token-file", "FILE", "read the token from FILE's first line (env MC_TOKEN_FILE)"},
      {"json", "", "print the response as one proto-JSON object"},
      {"timeout-seconds", "N", "give up on a call after N seconds (default 30)"},
      {"tls", "", "TLS, server verified against the system's roots"},
      {"tls-ca", "FILE", "TLS, server verified against these PEM roots"},
      {"tls-cert", "FILE", "TLS client certificate (PEM), with --tls-key: mutual TLS"},
      {"tls-key", "FILE", "the client certificate's private key (PEM)"},
      {"tls-server-name", "NAME", "expect this name in the server's certificate"},
      {"help", "", "show help (also: mcctl GROUP --help, mcctl GROUP VERB --help)"},
      {"version", "", "print mcctl's version"},
  };
  return kFlags;
}

absl::StatusOr<ClientSettings> ResolveSettings(const ParsedFlags& flags, const EnvLookup& env) {
  ClientSettings s;
  if (auto v = Lookup(flags, "control", env, "MC_CONTROL", &s.control_source)) s.control = *v;
  if (auto v = Lookup(flags, "execution", env, "MC_EXECUTION", &s.execution_source)) {
    s.execution = *v;
  }
  if (flags.Has("token")) {
    s.token = flags.Get("token");
  } else if (flags.Has("token-file")) {
    absl::StatusOr<std::string> t = ReadTokenFile(flags.Get("token-file"));
    if (!t.ok())
      return absl::InvalidArgumentError(absl::StrCat("--token-file: ", t.status().message()));
    s.token = *std::move(t);
  } else if (auto v = env("MC_TOKEN"); v && !v->empty()) {
    s.token = *v;
  } else if (auto f = env("MC_TOKEN_FILE"); f && !f->empty()) {
    absl::StatusOr<std::string> t = ReadTokenFile(*f);
    if (!t.ok())
      return absl::InvalidArgumentError(absl::StrCat("MC_TOKEN_FILE: ", t.status().message()));
    s.token = *std::move(t);
  }
  s.token = std::string(absl::StripAsciiWhitespace(s.token));
  s.json = flags.Get("json") == "true";
  absl::StatusOr<int64_t> timeout = flags.GetInt("timeout-seconds", 30, 1);
  if (!timeout.ok()) return timeout.status();
  s.timeout_seconds = static_cast<int>(std::min<int64_t>(*timeout, 86400));

  if (flags.Has("tls-cert") != flags.Has("tls-key")) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together (mutual TLS)");
  }
  if (absl::Status st = ReadPem(flags, "tls-ca", &s.tls_root_pem); !st.ok()) return st;
  if (absl::Status st = ReadPem(flags, "tls-cert", &s.tls_cert_pem); !st.ok()) return st;
  if (absl::Status st = ReadPem(flags, "tls-key", &s.tls_key_pem); !st.ok()) return st;
  s.tls_server_name = flags.Get("tls-server-name");
  s.tls = flags.Get("tls") == "true" || flags.Has("tls-ca") || flags.Has("tls-cert") ||
          flags.Has("tls-server-name");
  return s;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty() && line[0] != '#') return std::string(line);
  }
  return absl::InvalidArgumentError(absl::StrCat(path, ": no token in the file"));
}

}  // namespace mc::mcctl
