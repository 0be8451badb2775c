// MessageAssembly with a fake attachment source: the parts, sender and variant of the rendered
// message, attachments from ctx and by URL (one cache key per published copy), and what each
// failure becomes (UNAVAILABLE soft, everything else hard) table by table.
#include "execution-service/processing/message_assembly.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"

namespace mc::execution {
namespace {

class FakeSource final : public AttachmentSource {
 public:
  [[nodiscard]] absl::StatusOr<Attachment> Fetch(const std::string& url,
                                                 const AttachmentRequest& request) override {
    requests.emplace_back(url, request.cache_key);
    if (!next.ok()) return next;
    return Attachment{
        .filename = "terms.pdf", .content_type = "application/pdf", .content = "%PDF-1.4 terms"};
  }
  std::vector<std::pair<std::string, std::string>> requests;
  absl::Status next = absl::OkStatus();
};

CompiledTemplate Compile(personalisation::TemplateContent content, int64_t id = 31) {
  PublishedTemplate p{.id = id};
  p.content = std::move(content);
  absl::StatusOr<CompiledTemplate> t = CompiledTemplate::Compile(p);
  REQUIRE(t.ok());
  return *std::move(t);
}

DeliveryItem Item(const std::string& language) {
  DeliveryItem item;
  item.id = 5;
  item.event.type = "ORDER";
  item.event.email = "ana@example.test";
  item.event.language = language;
  return item;
}

TEST_CASE("a message: its variant, its sender, attachments from ctx and by URL") {
  FakeSource source;
  MessageAssembly assembly({.attachments = &source});
  personalisation::TemplateContent c;
  c.subject = "Order <%= rtEvent.ctx.order %>";
  c.variants.push_back({.language = "fr", .subject = "Commande <%= rtEvent.ctx.order %>"});
  c.sender.from = "Brand <shop@brand.test>";
  c.sender.reply_to = "care@brand.test";
  c.attachments.push_back({.ctx_path = "docs.invoice"});
  c.attachments.push_back({.url = "https://files.brand.test/terms.pdf"});
  const CompiledTemplate t = Compile(c);
  const nlohmann::json ctx = nlohmann::json::parse(
      R"({"order":"A-1","docs":{"invoice":{"name":"invoice.pdf","type":"application/pdf",
          "content":"JVBERi0xLjQ="}}})");
  OutgoingMessage m;
  std::string language;
  REQUIRE(assembly.Assemble(t, Item("fr-FR"), ctx, m, &language).ok());
  CHECK(language == "fr");
  CHECK(m.subject == "Commande A-1");
  CHECK(m.from == "Brand <shop@brand.test>");
  CHECK(m.reply_to == "care@brand.test");
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].filename == "invoice.pdf");
  CHECK(m.attachments[0].content == "%PDF-1.4");
  CHECK(m.attachments[1].filename == "terms.pdf");
  // Fetched under the published copy's id: a new publication fetches again.
  REQUIRE(source.requests.size() == 1);
  CHECK(source.requests[0] ==
        std::pair<std::string, std::string>{"https://files.brand.test/terms.pdf", "31"});
}

TEST_CASE("what each failure becomes") {
  struct Row {
    std::string name;
    personalisation::TemplateContent content;
    absl::Status source;
    size_t max_bytes;
    absl::StatusCode code;
    std::string says;
  };
  personalisation::TemplateContent endless;
  endless.html_body = "<% while (true) {} %>";
  personalisation::TemplateContent throws;
  throws.text_body = "<% throw new Error('no items'); %>";
  personalisation::TemplateContent from_ctx;
  from_ctx.attachments.push_back({.ctx_path = "invoice"});
  personalisation::TemplateContent by_url;
  by_url.attachments.push_back({.url = "https://files.brand.test/a.pdf"});
  const std::vector<Row> rows = {
      {"endless loop", endless, absl::OkStatus(), 1 << 20, absl::StatusCode::kResourceExhausted,
       "html_body: the template ran past its time budget"},
      {"throw", throws, absl::OkStatus(), 1 << 20, absl::StatusCode::kInvalidArgument, "no items"},
      {"ctx attachment missing", from_ctx, absl::OkStatus(), 1 << 20,
       absl::StatusCode::kFailedPrecondition, "attachment ctx.invoice: missing"},
      {"server down", by_url, absl::UnavailableError("attachment https://files...: 503"), 1 << 20,
       absl::StatusCode::kUnavailable, "503"},
      {"server refuses", by_url, absl::FailedPreconditionError("attachment ...: 404"), 1 << 20,
       absl::StatusCode::kFailedPrecondition, "404"},
      {"over the limit", by_url, absl::OkStatus(), 4, absl::StatusCode::kFailedPrecondition,
       "over the limit"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.name);
    FakeSource source;
    source.next = row.source;
    MessageAssembly assembly({.script = {.time_budget = absl::Milliseconds(20)},
                              .max_attachment_bytes = row.max_bytes,
                              .attachments = &source});
    OutgoingMessage m;
    std::string language;
    const absl::Status s =
        assembly.Assemble(Compile(row.content), Item(""), nlohmann::json::object(), m, &language);
    CHECK(s.code() == row.code);
    CHECK(absl::StrContains(s.message(), row.says));
  }
}

TEST_CASE("after a template fails, the worker's heap renders the next one") {
  MessageAssembly assembly({.script = {.time_budget = absl::Milliseconds(20)}});
  personalisation::TemplateContent bad;
  bad.text_body = "<% while (true) {} %>";
  personalisation::TemplateContent good;
  good.text_body = "<% var s = 0; for (var i = 1; i <= 4; i++) s += i; %><%= s %>";
  OutgoingMessage m;
  std::string language;
  CHECK_FALSE(
      assembly.Assemble(Compile(bad), Item(""), nlohmann::json::object(), m, &language).ok());
  REQUIRE(assembly.Assemble(Compile(good), Item(""), nlohmann::json::object(), m, &language).ok());
  CHECK(m.text == "10");
}

}  // namespace
}  // namespace mc::execution
