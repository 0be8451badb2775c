#include "common/personalisation/scripted_text.h"

#include <catch2/catch.hpp>

#include "common/personalisation/compiled_text.h"

namespace mc::personalisation {
namespace {

struct Event {
  EventFields fields;
  nlohmann::json ctx;
  int64_t id = 42;
  RenderInput input() const { return {.id = id, .event = &fields, .ctx = &ctx}; }
};

Event MakeEvent(const std::string& ctx_json, absl::string_view language = "en",
                absl::string_view country = "US") {
  Event e;
  e.fields.type = "ORDER_SHIPPED";
  e.fields.email = "ana@example.com";
  e.fields.external_id = "o-1";
  e.fields.language = language;
  e.fields.country = country;
  e.ctx = nlohmann::json::parse(ctx_json);
  return e;
}

std::unique_ptr<script::ScriptHeap> MakeHeap(script::ScriptHeapOptions options = {}) {
  auto heap = script::ScriptHeap::Create(options);
  REQUIRE(heap.ok());
  return *std::move(heap);
}

ScriptedText CompileOk(const std::string& source, bool html) {
  auto compiled = ScriptedText::Compile(source, html);
  INFO(source);
  if (!compiled.ok()) INFO(compiled.status().message());
  REQUIRE(compiled.ok());
  return *std::move(compiled);
}

absl::StatusOr<std::string> RenderOn(script::ScriptHeap& heap, const std::string& source, bool html,
                                     const Event& event) {
  return CompileOk(source, html).Render(event.input(), heap);
}

std::string Render(const std::string& source, bool html, const std::string& ctx_json,
                   absl::string_view language = "en", absl::string_view country = "US") {
  auto heap = MakeHeap();
  Event event = MakeEvent(ctx_json, language, country);
  absl::StatusOr<std::string> out = RenderOn(*heap, source, html, event);
  INFO(source);
  if (!out.ok()) INFO(out.status().message());
  REQUIRE(out.ok());
  return *out;
}

std::string CompileError(const std::string& source) {
  auto compiled = ScriptedText::Compile(source, true);
  REQUIRE_FALSE(compiled.ok());
  CHECK(compiled.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(compiled.status().message());
}

const char kItems[] =
    R"({"name":"<b>Ana</b>","items":[{"name":"<b>tea</b>","qty":2},{"name":"cup & saucer","qty":1}],
        "firstName":"Ana","order":{"id":"A-1"},"vip":true})";

TEST_CASE("NeedsScript: plain references keep CompiledText, code does not") {
  struct Row {
    const char* source;
    bool needs;
  };
  const Row rows[] = {
      {"", false},
      {"Hello", false},
      {"Hi <%= rtEvent.ctx.name %>, <%- batchEvent.ctx.order.items[0].sku %> <%=rtEvent.id%>",
       false},
      {"<%= rtEvent.email %> <%= rtEvent.ctx.a-b %>", false},
      {"<%=   %>", false},              // CompiledText refuses it, as today
      {"<%= rtEvent.ctx.name", false},  // unterminated: CompiledText reports it
      {"<% if (rtEvent.ctx.vip) { %>VIP<% } %>", true},
      {"<%= formatDate(rtEvent.ctx.date, '%2D/%2M/%4Y') %>", true},
      {"<%= rtEvent.ctx.@firstName %>", true},
      {"<%= rtEvent.ctx.name.toUpperCase() %>", true},
      {"<%= rtEvent.ctx.a + 1 %>", true},
      {"<%- rtEvent.ctx['name'] %>", true},
      {"<%= rtEvent.nope %>", true},  // JavaScript renders undefined empty
      {"<%@ include view='header' %>", true},
      {"ok <%= rtEvent.ctx.a %> then <% x %>", true},
  };
  for (const Row& r : rows) {
    INFO(r.source);
    CHECK(ScriptedText::NeedsScript(r.source) == r.needs);
  }
}

TEST_CASE("values written from code are escaped in an HTML body, raw in text") {
  const std::string loop =
      "<ul><% for (var i = 0; i < rtEvent.ctx.items.length; i++) { var item = "
      "rtEvent.ctx.items[i]; %><li><%= item.name %> x<%= item.qty %></li><% } %></ul>";
  CHECK(Render(loop, true, kItems) ==
        "<ul><li>&lt;b&gt;tea&lt;/b&gt; x2</li><li>cup &amp; saucer x1</li></ul>");
  CHECK(Render(loop, false, kItems) == "<ul><li><b>tea</b> x2</li><li>cup & saucer x1</li></ul>");
  CHECK(Render("<% document.write('<b>', rtEvent.ctx.name) %>", true, kItems) ==
        "&lt;b&gt;&lt;b&gt;Ana&lt;/b&gt;");
  CHECK(Render("<% document.write('<b>') %>", false, kItems) == "<b>");
  CHECK(Render("<%- rtEvent.ctx.name %>|<%- '<i>' + rtEvent.ctx.firstName + '</i>' %>", true,
               kItems) == "<b>Ana</b>|<i>Ana</i>");
  CHECK(Render("<%= '\"' + \"'\" %>", true, kItems) == "&quot;&#39;");
}

TEST_CASE("a loop over ctx items and a condition") {
  const std::string source =
      "Dear <%= rtEvent.ctx.firstName %>,\n"
      "<% if (rtEvent.ctx.vip) { %>thank you for being a VIP.\n<% } else { %>welcome.\n<% } %>"
      "<% rtEvent.ctx.items.forEach(function (item, n) { %><%= n + 1 %>. <%- item.name %> "
      "(<%= item.qty > 1 ? item.qty + ' pieces' : 'one piece' %>)\n<% }); %>"
      "Total: <%= rtEvent.ctx.items.reduce(function (s, i) { return s + i.qty; }, 0) %>";
  CHECK(Render(source, false, kItems) ==
        "Dear Ana,\nthank you for being a VIP.\n1. <b>tea</b> (2 pieces)\n2. cup & saucer (one "
        "piece)\nTotal: 3");
  CHECK(Render(source, false, R"({"firstName":"Bo","vip":false,"items":[]})") ==
        "Dear Bo,\nwelcome.\nTotal: 0");
}

TEST_CASE("missing values render empty; objects and lists as JSON; event fields") {
  CHECK(Render("[<%= rtEvent.ctx.missing %>][<%= rtEvent.ctx.order.nope %>][<%= null %>]", true,
               kItems) == "[][][]");
  CHECK(Render("<%- rtEvent.ctx.order %> <%- rtEvent.ctx.items[1] %> <%- [1, 'a'] %>", true,
               kItems) == R"({"id":"A-1"} {"name":"cup & saucer","qty":1} [1,"a"])");
  CHECK(Render("<%= rtEvent.ctx.order %>", true, kItems) == "{&quot;id&quot;:&quot;A-1&quot;}");
  CHECK(Render("<%= rtEvent.id %> <%= batchEvent.email %> <%= rtEvent.type %> "
               "<%= rtEvent.externalId %> [<%= rtEvent.origin %>] <%= typeof rtEvent.id %> "
               "<%= rtEvent === batchEvent %>",
               false, kItems) == "42 ana@example.com ORDER_SHIPPED o-1 [] number true");
  Event big = MakeEvent("{}");
  big.id = (int64_t{1} << 53) + 1;
  auto heap = MakeHeap();
  CHECK(*RenderOn(*heap, "<%= rtEvent.id %> <%= typeof rtEvent.id %>", false, big) ==
        "9007199254740993 string");
  // No event: fields undefined, ctx {}.
  CHECK(*CompileOk("[<%= rtEvent.id %>][<%= rtEvent.email %>][<%- rtEvent.ctx %>]", false)
             .Render({}, *heap) == "[][][{}]");
}

TEST_CASE("a reference CompiledText takes reads the same keys in a template with code") {
  CHECK(Render("<% if (true) { %><%= rtEvent.ctx.first-name %> <%- batchEvent.ctx.a-b[1].c-d %>"
               "<% } %>",
               false, R"({"first-name":"Ana","a-b":[{},{"c-d":"x"}]})") == "Ana x");
}

TEST_CASE("ACC's @name form reads the JSON key of that name") {
  CHECK(Render("<%= rtEvent.ctx.@firstName %> <%= rtEvent.ctx.order.@id %>", true, kItems) ==
        "Ana A-1");
  CHECK(Render("<% var o = rtEvent.ctx.order; if (o.@id == 'A-1') { %>yes<% } %>", true, kItems) ==
        "yes");
  CHECK(Render("<%= rtEvent.ctx.items[0].@name %>", false, kItems) == "<b>tea</b>");
  // Inside strings, comments and regular expressions it is left alone.
  CHECK(Render("<%= 'x.@firstName' + \".@id\" %><% // .@firstName\n %>"
               "<%= /a.@b/.test('a.@b') %><%= 4 /2/ 1 %>",
               false, kItems) == "x.@firstName.@idtrue2");
}

TEST_CASE("ctx is data: a value that looks like code is text") {
  const std::string ctx = R"({"s":"'); while(1){} ('","t":"<%= rtEvent.id %>","u":"\"+x+\""})";
  auto heap = MakeHeap({.time_budget = absl::Milliseconds(200)});
  Event event = MakeEvent(ctx);
  CHECK(*RenderOn(*heap, "<%- rtEvent.ctx.s %>|<%- rtEvent.ctx.t %>|<%- rtEvent.ctx.u %>", false,
                  event) == "'); while(1){} ('|<%= rtEvent.id %>|\"+x+\"");
  // A template cannot evaluate it either.
  absl::StatusOr<std::string> out = RenderOn(*heap, "<%= eval(rtEvent.ctx.s) %>", false, event);
  CHECK(out.status().message() == "line 1: ReferenceError: identifier 'eval' undefined");
  out = RenderOn(*heap, "<%= Function(rtEvent.ctx.s)() %>", false, event);
  CHECK(out.status().message() ==
        "line 1: TypeError: Function(): templates cannot compile code from strings");
  out = RenderOn(*heap, "<% var m = require('fs'); %>", false, event);
  CHECK(out.status().message() == "line 1: ReferenceError: identifier 'require' undefined");
}

TEST_CASE("helpers per locale") {
  const std::string source =
      "<%= formatDate(rtEvent.ctx.date, '%2D/%2M/%4Y %2H:%2N') %>|"
      "<%= formatDate(rtEvent.ctx.date, 'long') %>|<%= formatDate(rtEvent.ctx.ms, 'd MMMM yyyy') "
      "%>|"
      "<%= formatNumber(rtEvent.ctx.n, 2) %>|<%= formatCurrency(rtEvent.ctx.price, 'EUR') %>|"
      "<%- escapeXMLString(rtEvent.ctx.s) %>|<%= encodeURIComponent(rtEvent.ctx.s) %>";
  const std::string ctx =
      R"({"date":"2024-03-05T14:07:09+01:00","ms":1709647629000,"n":1234.5,"price":12.5,
          "s":"a&b <c>"})";
  CHECK(Render(source, false, ctx, "en", "US") ==
        "05/03/2024 14:07|March 5, 2024|5 March 2024|1,234.50|€12.50|a&amp;b "
        "&lt;c&gt;|a%26b%20%3Cc%3E");
  CHECK(Render(source, false, ctx, "fr", "FR") ==
        "05/03/2024 14:07|5 mars 2024|5 mars 2024|1\u202F234,50|12,50\u00A0€|a&amp;b "
        "&lt;c&gt;|a%26b%20%3Cc%3E");
  CHECK(Render(source, false, ctx, "de", "DE") ==
        "05/03/2024 14:07|5. März 2024|5 März 2024|1.234,50|12,50\u00A0€|a&amp;b "
        "&lt;c&gt;|a%26b%20%3Cc%3E");
  CHECK(Render(source, false, ctx, "ja", "JP") ==
        "05/03/2024 14:07|2024年3月5日|5 3月 2024|1,234.50|€12.50|a&amp;b "
        "&lt;c&gt;|a%26b%20%3Cc%3E");
  // No language: en_US.
  CHECK(Render("<%= formatCurrency(1234.5, 'USD') %>", false, "{}", "", "") == "$1,234.50");
  // In an HTML body the helper's result is escaped like any value.
  CHECK(Render("<%= formatCurrency(12.5, 'EUR') %>", true, "{}", "fr", "FR") == "12,50\u00A0€");
}

TEST_CASE("compile errors name the template's line and column") {
  CHECK(CompileError("Hello <%= rtEvent.ctx.firstName %>,\n"
                     "<% if (rtEvent.ctx.vip) { %>VIP<% } %>\n"
                     "Total: <% var t = (1 + ; %>\n") ==
        "line 3, column 11: SyntaxError: empty expression not allowed");
  CHECK(CompileError("a\n<% for (var i = 0;\n      i < 3;\n      i++ {\n} %>") ==
        "line 4, column 7: SyntaxError: parse error");
  CHECK(CompileError("é\nça <% if (x) { %>\nnever closed") ==
        "line 3, column 13: SyntaxError: empty expression not allowed (end of input)");
  CHECK(CompileError("<p>\n  <%= rtEvent.ctx.a </p>") ==
        "line 2, column 3: tag opened with '<%' is never closed with '%>'");
  CHECK(CompileError("x\n <%=  %>") == "line 2, column 2: empty expression");
  CHECK(CompileError("<%@ include view='header' %>").rfind("line 1, column 1: ACC directives", 0) ==
        0);
  CHECK(CompileError("<%= 'abc %>") == "line 1, column 5: SyntaxError: unterminated string");
  // An expression ending in a comment still compiles.
  CHECK(Render("<%= 1 + 1 // two %>!", false, "{}") == "2!");
}

TEST_CASE("budgets and throws fail the render, and the same heap renders the next one") {
  auto heap = MakeHeap({.time_budget = absl::Milliseconds(30), .memory_budget = 2 << 20});
  Event event = MakeEvent(kItems);
  const std::string good = "Hi <%= rtEvent.ctx.firstName %> <%= rtEvent.ctx.@firstName %>";
  auto expect_good = [&] { CHECK(*RenderOn(*heap, good, true, event) == "Hi Ana Ana"); };

  absl::StatusOr<std::string> out = RenderOn(*heap, "a<% while(true){} %>b", true, event);
  CHECK(out.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(out.status().message() == "the template ran past its time budget (30 ms)");
  expect_good();

  out = RenderOn(*heap, "<% var a = []; for (;;) a.push(new Array(1000).join('x') + a.length); %>",
                 true, event);
  CHECK(out.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(out.status().message() == "the template ran past its memory budget (2097152 bytes)");
  expect_good();

  out = RenderOn(*heap, "line 1\nline 2\n<% throw new Error('x') %>", true, event);
  CHECK(out.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(out.status().message() == "line 3: Error: x");
  expect_good();

  out = RenderOn(*heap, "\n\n\n\n<%= rtEvent.ctx.nope.deeper %>", true, event);
  CHECK(out.status().message() == "line 5: TypeError: cannot read property 'deeper' of undefined");
  out = RenderOn(*heap, "<%\nvar d = 'not a date';\nformatDate(d, 'long');\n%>", true, event);
  CHECK(out.status().message().rfind("line 3: TypeError: formatDate: 'not a date' is not an ISO "
                                     "8601 date",
                                     0) == 0);
  expect_good();

  out = RenderOn(*heap, "<% for (;;) document.write('xxxxxxxxxxxxxxxx'); %>", true, event);
  CHECK(out.status().code() == absl::StatusCode::kResourceExhausted);
  CHECK(out.status().message() == "the template ran past its output budget (1048576 bytes)");
  expect_good();
}

TEST_CASE(
    "ACC-style sloppy code: undeclared loop variables, and nothing leaks to the next "
    "render") {
  auto heap = MakeHeap();
  Event event = MakeEvent(kItems);
  CHECK(*RenderOn(*heap,
                  "<% total = 0; for (i = 0; i < rtEvent.ctx.items.length; i++) { total += "
                  "rtEvent.ctx.items[i].qty; } %><%= total %>",
                  false, event) == "3");
  CHECK(*RenderOn(*heap, "<%= typeof total %> <%= typeof i %>", false, event) ==
        "undefined undefined");
}

TEST_CASE("the same ScriptedText renders the same on heaps of its own") {
  ScriptedText text = CompileOk("<%= rtEvent.ctx.firstName.toUpperCase() %>", true);
  auto a = MakeHeap(), b = MakeHeap();
  Event event = MakeEvent(kItems);
  for (int i = 0; i < 3; ++i) {
    CHECK(*text.Render(event.input(), *a) == "ANA");
    CHECK(*text.Render(event.input(), *b) == "ANA");
  }
}

}  // namespace
}  // namespace mc::personalisation
