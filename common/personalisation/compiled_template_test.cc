// CompiledTemplate: the variant chosen for the event's language (table), the sender's fields,
// templates with and without code (the fast path needs no heap), and failures naming the part.
#include "common/personalisation/compiled_template.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "common/personalisation/variant_choice.h"

namespace mc::personalisation {
namespace {

TEST_CASE("the variant for an event's language, table by table") {
  const std::vector<std::string> languages = {"fr", "pt-BR", "de-CH"};
  struct Row {
    std::string event;
    int chosen;
  };
  for (const Row& row : std::vector<Row>{{"fr", 0},
                                         {"FR", 0},
                                         {"fr-CA", 0},
                                         {"fr_FR", 0},
                                         {"pt-br", 1},
                                         {"pt", -1},
                                         {"pt-PT", -1},
                                         {"de-CH", 2},
                                         {"de", -1},
                                         {"en", -1},
                                         {"", -1}}) {
    CAPTURE(row.event);
    CHECK(ChooseVariant(languages, row.event) == row.chosen);
  }
  // An exact match wins over a primary-tag one.
  CHECK(ChooseVariant({"fr", "fr-CA"}, "fr-CA") == 1);
}

TemplateContent Content() {
  TemplateContent c;
  c.subject = "Order <%= rtEvent.ctx.order %>";
  c.text_body = "Hello <%= rtEvent.ctx.name %>";
  c.variants.push_back(
      {.language = "fr", .subject = "Commande <%= rtEvent.ctx.order %>", .text_body = "Bonjour"});
  c.sender = {.from = "Shop <%= rtEvent.country %> <shop@brand.test>",
              .reply_to = "care@brand.test",
              .headers = {{"X-Order", "<%= rtEvent.ctx.order %>"}},
              .list_unsubscribe = "<https://brand.test/u/<%= rtEvent.id %>>",
              .list_unsubscribe_post = true};
  return c;
}

TEST_CASE("a template without code renders its variant and its sender without a heap") {
  absl::StatusOr<CompiledTemplate> t = CompiledTemplate::Compile(Content());
  REQUIRE(t.ok());
  CHECK_FALSE(t->has_script());
  const nlohmann::json ctx = nlohmann::json::parse(R"({"order":"A-1","name":"Ana"})");
  EventFields fr{.language = "fr-FR", .country = "FR"};
  absl::StatusOr<RenderedMessage> m = t->Render({.id = 7, .event = &fr, .ctx = &ctx}, nullptr);
  REQUIRE(m.ok());
  CHECK(m->language == "fr");
  CHECK(m->subject == "Commande A-1");
  CHECK(m->text == "Bonjour");
  CHECK(m->from == "Shop FR <shop@brand.test>");
  CHECK(m->reply_to == "care@brand.test");
  REQUIRE(m->headers.size() == 1);
  CHECK(m->headers[0] == std::pair<std::string, std::string>{"X-Order", "A-1"});
  CHECK(m->list_unsubscribe == "<https://brand.test/u/7>");
  CHECK(m->list_unsubscribe_post);
  EventFields en{.language = "en", .country = "GB"};
  m = t->Render({.id = 7, .event = &en, .ctx = &ctx}, nullptr);
  REQUIRE(m.ok());
  CHECK(m->language.empty());
  CHECK(m->subject == "Order A-1");
  CHECK(m->text == "Hello Ana");
}

TEST_CASE("a template with code needs a heap, and its failures name the part") {
  TemplateContent c;
  c.subject = "<% var n = rtEvent.ctx.items.length; %><%= n %> items";
  c.html_body =
      "<% for (var i = 0; i < rtEvent.ctx.items.length; i++) { %><li><%= "
      "rtEvent.ctx.items[i] %></li><% } %>";
  absl::StatusOr<CompiledTemplate> t = CompiledTemplate::Compile(c);
  REQUIRE(t.ok());
  CHECK(t->has_script());
  const nlohmann::json ctx = nlohmann::json::parse(R"({"items":["<a>","b"]})");
  EventFields e;
  CHECK(t->Render({.id = 1, .event = &e, .ctx = &ctx}, nullptr).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<std::unique_ptr<script::ScriptHeap>> heap = script::ScriptHeap::Create();
  REQUIRE(heap.ok());
  absl::StatusOr<RenderedMessage> m = t->Render({.id = 1, .event = &e, .ctx = &ctx}, heap->get());
  REQUIRE(m.ok());
  CHECK(m->subject == "2 items");
  CHECK(m->html == "<li>&lt;a&gt;</li><li>b</li>");
  // A variant that throws for this event: the error names the variant's part.
  c.variants.push_back({.language = "de", .text_body = "<% throw new Error('kaputt'); %>"});
  t = CompiledTemplate::Compile(c);
  REQUIRE(t.ok());
  EventFields de{.language = "de"};
  m = t->Render({.id = 1, .event = &de, .ctx = &ctx}, heap->get());
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().rfind("variants[de].text_body: ", 0) == 0);
  CHECK(absl::StrContains(m.status().message(), "kaputt"));
}

TEST_CASE("compile errors name the variant or the sender field") {
  TemplateContent c;
  c.variants.push_back({.language = "fr", .html_body = "ok\n<% if (x { %>"});
  absl::StatusOr<CompiledTemplate> t = CompiledTemplate::Compile(c);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().rfind("variants[fr].html_body: line 2, column ", 0) == 0);
  c.variants.clear();
  c.sender.headers.push_back({"X-Bad", "<%= rtEvent.nope %>"});
  t = CompiledTemplate::Compile(c);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().message().rfind("sender.headers[0].value: line 1, column ", 0) == 0);
}

}  // namespace
}  // namespace mc::personalisation
