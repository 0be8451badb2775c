#include "common/grpc/bearer_auth.h"

#include <grpcpp/server_context.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace mc::grpcutil {
namespace {

struct Configured {
  Roles roles = kAdmin;
  std::string token;
  std::string where;  // "entry #2" or "<file> line 3": never the token
};

// "role:token", "role token" or "token" (admin).
absl::Status ParseEntry(absl::string_view text, const std::string& where, Configured* out) {
  text = absl::StripAsciiWhitespace(text);
  const size_t sep = text.find_first_of(": \t");
  out->where = where;
  if (sep == absl::string_view::npos) {
    out->token = std::string(text);
    return absl::OkStatus();
  }
  const absl::string_view role = text.substr(0, sep);
  out->token = std::string(absl::StripAsciiWhitespace(text.substr(sep + 1)));
  if (role == "pusher") {
    out->roles = kPusher;
  } else if (role == "operator") {
    out->roles = kOperator;
  } else if (role == "control") {
    out->roles = kControl;
  } else if (role == "admin") {
    out->roles = kAdmin;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "bearer token ", where, ": unknown role (pusher, operator, control or admin)"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string RolesName(Roles roles) {
  std::vector<std::string> names;
  if (roles == kAdmin) return "admin";
  if (roles & kPusher) names.push_back("pusher");
  if (roles & kOperator) names.push_back("operator");
  if (roles & kControl) names.push_back("control");
  return absl::StrJoin(names, " or ");
}

BearerAuth::Digest BearerAuth::Hash(std::string_view token) {
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

absl::StatusOr<BearerAuth> BearerAuth::FromConfig(const std::string& tokens_csv,
                                                  const std::string& tokens_file) {
  std::vector<Configured> tokens;
  int n = 0;
  for (absl::string_view t : absl::StrSplit(tokens_csv, ',', absl::SkipWhitespace())) {
    Configured c;
    if (absl::Status s = ParseEntry(t, absl::StrCat("#", ++n), &c); !s.ok()) return s;
    tokens.push_back(std::move(c));
  }
  if (!tokens_file.empty()) {
    std::ifstream in(tokens_file);
    if (!in) return absl::InvalidArgumentError("cannot read tokens file " + tokens_file);
    std::string line;
    int line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      absl::string_view t = absl::StripAsciiWhitespace(line);
      if (t.empty() || t.front() == '#') continue;
      Configured c;
      absl::Status s = ParseEntry(t, absl::StrCat("in ", tokens_file, " line ", line_number), &c);
      OPENSSL_cleanse(line.data(), line.size());
      if (!s.ok()) return s;
      tokens.push_back(std::move(c));
    }
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        "no bearer token configured: set --auth_tokens / MC_AUTH_TOKENS or --auth_tokens_file");
  }
  std::vector<Entry> entries;
  for (Configured& c : tokens) {
    if (c.token.size() < 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("bearer token ", c.where, " is shorter than 16 characters"));
    }
    entries.push_back({Hash(c.token), c.roles});
    OPENSSL_cleanse(c.token.data(), c.token.size());
  }
  return BearerAuth(std::move(entries));
}

Roles BearerAuth::RolesOfHeader(std::string_view authorization, bool* match) const {
  static constexpr std::string_view kPrefix = "Bearer ";
  *match = false;
  Roles roles = 0;
  if (authorization.size() > kPrefix.size() &&
      absl::EqualsIgnoreCase(absl::string_view(authorization.data(), kPrefix.size()), "bearer ")) {
    Digest presented = Hash(authorization.substr(kPrefix.size()));
    for (const Entry& e : entries_) {  // no early exit: constant time in the match position
      const bool equal = CRYPTO_memcmp(e.digest.data(), presented.data(), e.digest.size()) == 0;
      *match |= equal;
      roles |= equal ? e.roles : 0;
    }
  }
  return roles;
}

Roles BearerAuth::RolesOf(const grpc::ServerContextBase& context) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return 0;
  bool match = false;
  return RolesOfHeader(std::string_view(it->second.data(), it->second.size()), &match);
}

absl::Status BearerAuth::CheckHeader(std::string_view authorization, Roles allowed) const {
  bool match = false;
  const Roles roles = RolesOfHeader(authorization, &match);
  if (!match) {
    return absl::UnauthenticatedError(
        "missing or invalid bearer token (send metadata 'authorization: Bearer <token>')");
  }
  if ((roles & allowed) == 0) {
    return absl::PermissionDeniedError(absl::StrCat("a token of role ", RolesName(roles),
                                                    " may not make this call (it needs ",
                                                    RolesName(allowed), ")"));
  }
  return absl::OkStatus();
}

absl::Status BearerAuth::Check(const grpc::ServerContextBase& context, Roles allowed) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return CheckHeader("", allowed);
  return CheckHeader(std::string_view(it->second.data(), it->second.size()), allowed);
}

}  // namespace mc::grpcutil
