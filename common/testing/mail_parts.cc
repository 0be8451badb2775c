#include "common/testing/mail_parts.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "common/testing/mail_decoder.h"

namespace mc::testing {

absl::StatusOr<std::vector<DecodedPart>> DecodeMailParts(const std::string& mail) {
  absl::StatusOr<nlohmann::json> decoded = RunMailDecoder(MC_DECODE_MAIL_PARTS_PY, mail, "parts");
  if (!decoded.ok()) return decoded.status();
  nlohmann::json& json = *decoded;
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
