#include "common/grpc/bearer_auth.h"

#include <grpcpp/server_context.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace mc::grpcutil {

BearerAuth::Digest BearerAuth::Hash(std::string_view token) {
  Digest d;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), d.data());
  return d;
}

absl::StatusOr<BearerAuth> BearerAuth::FromConfig(const std::string& tokens_csv,
                                                  const std::string& tokens_file) {
  std::vector<std::string> tokens;
  for (absl::string_view t : absl::StrSplit(tokens_csv, ',', absl::SkipWhitespace())) {
    tokens.emplace_back(absl::StripAsciiWhitespace(t));
  }
  if (!tokens_file.empty()) {
    std::ifstream in(tokens_file);
    if (!in) return absl::InvalidArgumentError("cannot read tokens file " + tokens_file);
    std::string line;
    while (std::getline(in, line)) {
      absl::string_view t = absl::StripAsciiWhitespace(line);
      if (t.empty() || t.front() == '#') continue;
      tokens.emplace_back(t);
    }
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(
        "no bearer token configured: set --auth_tokens / MC_AUTH_TOKENS or --auth_tokens_file");
  }
  std::vector<Digest> digests;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].size() < 16) {
      return absl::InvalidArgumentError(
          absl::StrCat("bearer token #", i + 1, " is shorter than 16 characters"));
    }
    digests.push_back(Hash(tokens[i]));
    OPENSSL_cleanse(tokens[i].data(), tokens[i].size());
  }
  return BearerAuth(std::move(digests));
}

absl::Status BearerAuth::CheckHeader(std::string_view authorization) const {
  static constexpr std::string_view kPrefix = "Bearer ";
  bool match = false;
  if (authorization.size() > kPrefix.size() &&
      absl::EqualsIgnoreCase(absl::string_view(authorization.data(), kPrefix.size()), "bearer ")) {
    Digest presented = Hash(authorization.substr(kPrefix.size()));
    for (const Digest& d : digests_) {  // no early exit: constant time in the match position
      match |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
    }
  }
  if (!match) {
    return absl::UnauthenticatedError(
        "missing or invalid bearer token (send metadata 'authorization: Bearer <token>')");
  }
  return absl::OkStatus();
}

absl::Status BearerAuth::Check(const grpc::ServerContextBase& context) const {
  const auto& md = context.client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return CheckHeader("");
  return CheckHeader(std::string_view(it->second.data(), it->second.size()));
}

}  // namespace mc::grpcutil
