#include "common/testing/mail_headers.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/process/subprocess.h"

namespace mc::testing {
namespace {

std::string TempPath(const char* what) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return absl::StrCat(dir != nullptr && *dir ? dir : "/tmp", "/mc-mail-", getpid(), "-", counter++,
                      ".", what);
}

}  // namespace

const DecodedField* DecodedHeaders::Find(const std::string& name) const {
  for (const DecodedField& f : fields) {
    if (absl::EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

absl::StatusOr<DecodedHeaders> DecodeMailHeaders(const std::string& mail) {
  const std::string input = TempPath("eml");
  const std::string output = TempPath("json");
  {
    std::ofstream f(input, std::ios::binary);
    f << mail;
  }
  absl::StatusOr<int> rc =
      process::Run({.argv = {"/usr/bin/env", "python3", MC_DECODE_MAIL_HEADERS_PY, input},
                    .stdout_path = output});
  std::stringstream printed;
  printed << std::ifstream(output).rdbuf();
  std::remove(input.c_str());
  std::remove(output.c_str());
  if (!rc.ok()) return rc.status();
  if (*rc == 127) {
    return absl::FailedPreconditionError("python3 is not on the PATH: run scripts/install-deps.sh");
  }
  if (*rc != 0) return absl::InternalError(absl::StrCat("decode_mail_headers.py exited ", *rc));
  nlohmann::json json = nlohmann::json::parse(printed.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("fields")) {
    return absl::InternalError("decode_mail_headers.py printed: " + printed.str());
  }
  DecodedHeaders out;
  for (const auto& f : json["fields"]) {
    DecodedField field{f["name"], f["value"], f["defects"], {}, f["legacy_value"]};
    if (f.contains("addresses")) {
      for (const auto& a : f["addresses"]) field.addresses.emplace_back(a[0], a[1]);
    }
    out.fields.push_back(std::move(field));
  }
  out.message_defects = json["message_defects"].get<std::vector<std::string>>();
  return out;
}

std::vector<std::string> HeaderLines(const std::string& mail) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin < mail.size()) {
    size_t end = mail.find("\r\n", begin);
    if (end == std::string::npos) end = mail.size();
    if (end == begin) break;  // the empty line that ends the header section
    lines.push_back(mail.substr(begin, end - begin));
    begin = end + 2;
  }
  return lines;
}

}  // namespace mc::testing
