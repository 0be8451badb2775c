#include "execution-service/delivery/attachments.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/mail/mail_field_checks.h"

namespace mc::execution {
namespace {

int Base64Value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Why `text` is not canonical padded base64; "" when it is.
std::string Base64Fault(const std::string& text) {
  if (text.size() % 4 != 0) {
    return absl::StrCat("not base64 (", text.size(),
                        " characters, not a multiple of 4: padding missing?)");
  }
  size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  const size_t data = text.size() - pad;
  for (size_t i = 0; i < data; ++i) {
    if (Base64Value(text[i]) < 0) {
      return absl::StrCat("not base64 (",
                          absl::ascii_isspace(text[i]) ? "white space"
                                                       : "a character outside the "
                                                         "alphabet",
                          " at offset ", i, ")");
    }
  }
  // The last character before the padding carries bits past the data: they must be zero.
  if (pad > 0) {
    const int last = Base64Value(text[data - 1]);
    if ((pad == 1 && (last & 0x3) != 0) || (pad == 2 && (last & 0xF) != 0)) {
      return "not base64 (bits set past the last byte: not canonical)";
    }
  }
  return "";
}

absl::Status Invalid(absl::string_view member, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(member, ": ", why));
}

}  // namespace

absl::StatusOr<Attachment> AttachmentFromCtx(const nlohmann::json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(
        "an attachment must be an object {\"name\", \"type\", \"content\"}");
  }
  Attachment out;
  const auto name = value.find("name");
  if (name == value.end() || name->is_null()) return Invalid("name", "required");
  if (!name->is_string()) return Invalid("name", "must be a string");
  out.filename = name->get<std::string>();
  if (absl::StripAsciiWhitespace(out.filename).empty()) return Invalid("name", "empty");
  if (out.filename.size() > kMaxAttachmentNameBytes) {
    return Invalid("name", absl::StrCat("longer than ", kMaxAttachmentNameBytes, " bytes"));
  }
  for (unsigned char c : out.filename) {
    if (c < 0x20 || c == 0x7F) return Invalid("name", "holds a control character");
    if (c == '/' || c == '\\') {
      return Invalid("name", "a file name, without '/' or '\\'");
    }
  }
  out.content_type = "application/octet-stream";
  if (const auto type = value.find("type"); type != value.end() && !type->is_null()) {
    if (!type->is_string()) return Invalid("type", "must be a string");
    if (absl::Status s = mail::CheckMediaType(type->get<std::string>()); !s.ok()) {
      return Invalid("type", s.message());
    }
    out.content_type = mail::NormalizeMediaType(type->get<std::string>());
  }
  const auto content = value.find("content");
  if (content == value.end() || content->is_null()) return Invalid("content", "required");
  if (!content->is_string()) return Invalid("content", "must be a string (base64)");
  const std::string& text = content->get_ref<const std::string&>();
  if (std::string fault = Base64Fault(text); !fault.empty()) return Invalid("content", fault);
  if (!absl::Base64Unescape(text, &out.content)) return Invalid("content", "not base64");
  return out;
}

absl::Status CheckAttachmentsSize(const std::vector<Attachment>& attachments,
                                  size_t max_total_bytes) {
  size_t total = 0;
  for (const Attachment& a : attachments) total += a.content.size();
  if (total > max_total_bytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("attachments: ", total, " bytes, over the limit of ", max_total_bytes));
  }
  return absl::OkStatus();
}

}  // namespace mc::execution
