#include <catch2/catch.hpp>

#include "common/personalisation/compiled_template.h"
#include "common/personalisation/compiled_text.h"

namespace mc::personalisation {
namespace {

std::string Render(const std::string& source, bool html, const std::string& ctx_json) {
  auto compiled = CompiledText::Compile(source, html);
  REQUIRE(compiled.ok());
  EventFields e;
  e.type = "ORDER_SHIPPED";
  e.email = "ana@example.com";
  e.external_id = "o-1";
  nlohmann::json ctx = nlohmann::json::parse(ctx_json);
  return compiled->Render({.id = 42, .event = &e, .ctx = &ctx});
}

std::string ErrorOf(const std::string& source) {
  auto compiled = CompiledText::Compile(source, true);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(compiled.status().message());
}

TEST_CASE("ctx paths, list items, event fields, both roots") {
  const std::string ctx = R"({"name":"Ana","order":{"id":"A-1","total":42.5,"n":3,
    "items":[{"sku":"x"},{"sku":"y"}],"paid":true}})";
  CHECK(Render("Hi <%= rtEvent.ctx.name %>, order <%=batchEvent.ctx.order.id%>!", false, ctx) ==
        "Hi Ana, order A-1!");
  CHECK(Render("<%= rtEvent.ctx.order.total %> <%= rtEvent.ctx.order.n %> "
               "<%= rtEvent.ctx.order.paid %>",
               false, ctx) == "42.5 3 true");
  CHECK(Render("<%= rtEvent.ctx.order.items[1].sku %>", false, ctx) == "y");
  CHECK(Render("[<%= rtEvent.ctx.missing.deeper %>][<%= rtEvent.ctx.order.items[9].sku %>]", false,
               ctx) == "[][]");
  CHECK(Render("<%= rtEvent.id %> <%= rtEvent.email %> <%= rtEvent.type %> "
               "<%= rtEvent.externalId %>",
               false, ctx) == "42 ana@example.com ORDER_SHIPPED o-1");
  CHECK(Render("<%= rtEvent.ctx.order.items[0] %>", false, ctx) == R"({"sku":"x"})");
}

TEST_CASE("HTML bodies escape by default, raw only when asked") {
  const std::string ctx = R"({"name":"<b>Tom & \"Jerry\"</b>'"})";
  CHECK(Render("<p><%= rtEvent.ctx.name %></p>", true, ctx) ==
        "<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;&#39;</p>");
  CHECK(Render("<p><%- rtEvent.ctx.name %></p>", true, ctx) == "<p><b>Tom & \"Jerry\"</b>'</p>");
  CHECK(Render("<%= rtEvent.ctx.name %>", false, ctx) == "<b>Tom & \"Jerry\"</b>'");
}

TEST_CASE("faults are reported with line and column") {
  CHECK(ErrorOf("Hello\n  <%= rtEvent.ctx.name") ==
        "line 2, column 3: tag opened with '<%' is never closed with '%>'");
  CHECK(ErrorOf("a\nb <% if (x) %>").rfind("line 2, column 3: only <%=", 0) == 0);
  CHECK(ErrorOf("x <%= recipient.name %>").rfind("line 1, column 7: unknown reference", 0) == 0);
  CHECK(ErrorOf("<%= rtEvent.nope %>").find("unknown event field 'nope'") != std::string::npos);
  CHECK(ErrorOf("<%= rtEvent.ctx.a[x] %>").find("list index") != std::string::npos);
  CHECK(ErrorOf("<%=   %>").find("empty reference") != std::string::npos);
  CHECK(ErrorOf("é\n\nça <%= rtEvent %>").rfind("line 3, column 8:", 0) == 0);
}

TEST_CASE("a template names the faulty part") {
  TemplateContent t;
  t.subject = "ok <%= rtEvent.ctx.a %>";
  t.html_body = "<p>\n<%= rtEvent.ctx.a </p>";
  auto compiled = CompiledTemplate::Compile(t);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.status().message() ==
        "html_body: line 2, column 1: tag opened with '<%' is never closed with '%>'");
}

}  // namespace
}  // namespace mc::personalisation
