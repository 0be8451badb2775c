#include "common/testing/mail_parts.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/process/subprocess.h"

namespace mc::testing {
namespace {

std::string TempPath(const char* what) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return absl::StrCat(dir != nullptr && *dir ? dir : "/tmp", "/mc-parts-", getpid(), "-", counter++,
                      ".", what);
}

}  // namespace

absl::StatusOr<std::vector<DecodedPart>> DecodeMailParts(const std::string& mail) {
  const std::string input = TempPath("eml");
  const std::string output = TempPath("json");
  {
    std::ofstream f(input, std::ios::binary);
    f << mail;
  }
  absl::StatusOr<int> rc = process::Run(
      {.argv = {"/usr/bin/env", "python3", MC_DECODE_MAIL_PARTS_PY, input}, .stdout_path = output});
  std::stringstream printed;
  printed << std::ifstream(output).rdbuf();
  std::remove(input.c_str());
  std::remove(output.c_str());
  if (!rc.ok()) return rc.status();
  if (*rc == 127) {
    return absl::FailedPreconditionError("python3 is not on the PATH: run scripts/install-deps.sh");
  }
  if (*rc != 0) return absl::InternalError(absl::StrCat("decode_mail_parts.py exited ", *rc));
  nlohmann::json json = nlohmann::json::parse(printed.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("parts")) {
    return absl::InternalError("decode_mail_parts.py printed: " + printed.str());
  }
  std::vector<DecodedPart> out;
  for (const auto& p : json["parts"]) {
    DecodedPart part;
    part.depth = p["depth"];
    part.content_type = p["content_type"];
    part.multipart = p["multipart"];
    part.boundary = p["boundary"];
    part.disposition = p["disposition"];
    part.filename = p["filename"];
    part.name = p["name"];
    part.charset = p["charset"];
    part.transfer_encoding = p["transfer_encoding"];
    if (!absl::Base64Unescape(p["payload_base64"].get<std::string>(), &part.payload)) {
      return absl::InternalError("decode_mail_parts.py printed a payload that is not base64");
    }
    part.defects = p["defects"].get<std::vector<std::string>>();
    out.push_back(std::move(part));
  }
  return out;
}

}  // namespace mc::testing
