// A stored copy compiled for the execution instance: every event field a reference may name is
// the pushed event's own, and a part that does not compile is named.
#include "execution-service/templates/compiled_template.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

TEST_CASE("every event field renders from the pushed event") {
  PublishedTemplate t;
  t.content.subject =
      "<%= rtEvent.id %>|<%= rtEvent.type %>|<%= rtEvent.email %>|<%= rtEvent.mobilePhone %>|"
      "<%= batchEvent.externalId %>|<%= rtEvent.origin %>|<%= rtEvent.language %>|"
      "<%= rtEvent.country %>|<%= rtEvent.ctx.order.id %>";
  t.content.html_body = "<p><%= rtEvent.ctx.name %></p>";
  t.content.sms_text = "<%= rtEvent.ctx.name %>";
  absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(t);
  REQUIRE(compiled.ok());
  NewEvent e;
  e.type = "ORDER_SHIPPED";
  e.email = "ana@example.com";
  e.mobile_phone = "+33612345678";
  e.external_id = "o-1";
  e.origin = "shop";
  e.language = "fr";
  e.country = "FR";
  const nlohmann::json ctx = nlohmann::json::parse(R"({"order":{"id":"A-1"},"name":"A&B"})");
  const absl::StatusOr<RenderedMessage> rendered =
      compiled->Render({.id = 42, .event = &e, .ctx = &ctx}, nullptr);
  REQUIRE(rendered.ok());
  const RenderedMessage& m = *rendered;
  CHECK(m.subject == "42|ORDER_SHIPPED|ana@example.com|+33612345678|o-1|shop|fr|FR|A-1");
  CHECK(m.html == "<p>A&amp;B</p>");
  CHECK(m.text.empty());
  CHECK(m.sms == "A&B");
}

TEST_CASE("without an event, only the ctx renders") {
  PublishedTemplate t;
  t.content.text_body = "[<%= rtEvent.id %>][<%= rtEvent.type %>][<%= rtEvent.ctx.a %>]";
  absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(t);
  REQUIRE(compiled.ok());
  const nlohmann::json ctx = nlohmann::json::parse(R"({"a":1})");
  CHECK(compiled->Render({.id = 7, .ctx = &ctx}, nullptr)->text == "[][][1]");
}

TEST_CASE("the stored copy is kept, and a faulty part is named") {
  PublishedTemplate t{.id = 9, .queue = Queue::kBatch};
  t.content.internal_name = "shipTpl";
  absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(t);
  REQUIRE(compiled.ok());
  CHECK(compiled->published().id == 9);
  CHECK(compiled->published().queue == Queue::kBatch);
  CHECK(compiled->published().content.internal_name == "shipTpl");
  t.content.sms_text = "<%= rtEvent.nope %>";
  compiled = CompiledTemplate::Compile(t);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(compiled.status().message().rfind("sms_text: line 1, column 13: unknown event field", 0) ==
        0);
}

}  // namespace
}  // namespace mc::execution
