#include "execution-service/delivery/attachments.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"

namespace mc::execution {
namespace {

using Json = nlohmann::json;

TEST_CASE("AttachmentFromCtx: name, type and base64 content") {
  const std::string bytes("%PDF-1.7\n\x00\xff\x80 binary", 21);
  absl::StatusOr<Attachment> a = AttachmentFromCtx(Json{{"name", "Facture n°7.pdf"},
                                                        {"type", "Application/PDF"},
                                                        {"content", absl::Base64Escape(bytes)},
                                                        {"other", 1}});
  REQUIRE(a.ok());
  CHECK(a->filename == "Facture n°7.pdf");
  CHECK(a->content_type == "application/pdf");
  CHECK(a->content == bytes);

  absl::StatusOr<Attachment> untyped = AttachmentFromCtx(Json{{"name", "x.bin"}, {"content", ""}});
  REQUIRE(untyped.ok());
  CHECK(untyped->content_type == "application/octet-stream");
  CHECK(untyped->content.empty());

  for (const char* b64 : {"YQ==", "YWI=", "YWJj", "YWJjZA=="}) {
    INFO(b64);
    CHECK(AttachmentFromCtx(Json{{"name", "a"}, {"content", b64}}).ok());
  }
}

TEST_CASE("AttachmentFromCtx: the missing or bad member, named") {
  struct Case {
    Json value;
    std::string message;
  };
  const std::vector<Case> cases = {
      {Json::array(), "an attachment must be an object {\"name\", \"type\", \"content\"}"},
      {"invoice.pdf", "an attachment must be an object {\"name\", \"type\", \"content\"}"},
      {Json{{"content", "YQ=="}}, "name: required"},
      {Json{{"name", nullptr}, {"content", "YQ=="}}, "name: required"},
      {Json{{"name", 7}, {"content", "YQ=="}}, "name: must be a string"},
      {Json{{"name", "  "}, {"content", "YQ=="}}, "name: empty"},
      {Json{{"name", std::string(256, 'a')}, {"content", "YQ=="}}, "name: longer than 255 bytes"},
      {Json{{"name", "a\r\nb.pdf"}, {"content", "YQ=="}}, "name: holds a control character"},
      {Json{{"name", "../etc/passwd"}, {"content", "YQ=="}},
       "name: a file name, without '/' or '\\'"},
      {Json{{"name", "a.pdf"}, {"type", 1}, {"content", "YQ=="}}, "type: must be a string"},
      {Json{{"name", "a.pdf"}, {"type", "pdf"}, {"content", "YQ=="}},
       "type: \"pdf\" is not a media type (type/subtype, e.g. application/pdf)"},
      {Json{{"name", "a.pdf"}}, "content: required"},
      {Json{{"name", "a.pdf"}, {"content", Json::array()}}, "content: must be a string (base64)"},
      {Json{{"name", "a.pdf"}, {"content", "YQ"}},
       "content: not base64 (2 characters, not a multiple of 4: padding missing?)"},
      {Json{{"name", "a.pdf"}, {"content", "YW Jj"}},
       "content: not base64 (5 characters, not a multiple of 4: padding missing?)"},
      {Json{{"name", "a.pdf"}, {"content", "YW\nJ"}},
       "content: not base64 (white space at offset 2)"},
      {Json{{"name", "a.pdf"}, {"content", "YW-j"}},
       "content: not base64 (a character outside the alphabet at offset 2)"},
      {Json{{"name", "a.pdf"}, {"content", "YQ=a"}},
       "content: not base64 (a character outside the alphabet at offset 2)"},
      {Json{{"name", "a.pdf"}, {"content", "Y==="}},
       "content: not base64 (a character outside the alphabet at offset 1)"},
      {Json{{"name", "a.pdf"}, {"content", "YR=="}},
       "content: not base64 (bits set past the last byte: not canonical)"},
      {Json{{"name", "a.pdf"}, {"content", "YWJ="}},
       "content: not base64 (bits set past the last byte: not canonical)"},
  };
  for (const Case& c : cases) {
    INFO(c.value.dump());
    absl::StatusOr<Attachment> a = AttachmentFromCtx(c.value);
    REQUIRE_FALSE(a.ok());
    CHECK(a.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(a.status().message() == c.message);
  }
}

TEST_CASE("CheckAttachmentsSize: the total against the limit") {
  std::vector<Attachment> attachments = {{"a", "text/plain", std::string(600, 'a')},
                                         {"b", "text/plain", std::string(400, 'b')}};
  CHECK(CheckAttachmentsSize({}, 0).ok());
  CHECK(CheckAttachmentsSize(attachments, 1000).ok());
  absl::Status over = CheckAttachmentsSize(attachments, 999);
  CHECK(over.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(over.message() == "attachments: 1000 bytes, over the limit of 999");
}

}  // namespace
}  // namespace mc::execution
