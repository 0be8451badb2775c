#include "common/testing/mail_headers.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "common/testing/mail_decoder.h"

namespace mc::testing {

const DecodedField* DecodedHeaders::Find(const std::string& name) const {
  for (const DecodedField& f : fields) {
    if (absl::EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

absl::StatusOr<DecodedHeaders> DecodeMailHeaders(const std::string& mail) {
  absl::StatusOr<nlohmann::json> decoded =
      RunMailDecoder(MC_DECODE_MAIL_HEADERS_PY, mail, "fields");
  if (!decoded.ok()) return decoded.status();
  nlohmann::json& json = *decoded;
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
