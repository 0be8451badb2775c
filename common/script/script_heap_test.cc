#include "common/script/script_heap.h"

#include <catch2/catch.hpp>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace mc::script {
namespace {

std::string Bracket(absl::string_view s) { return absl::StrCat("[", s, "]"); }

struct Result {
  absl::StatusCode code;
  std::string text;  // the output, or the error's message
  int line = 0;
};

Result RunOn(ScriptHeap& heap, const std::string& source, const std::string& json = "",
             std::string (*escape)(absl::string_view) = nullptr) {
  ScriptCall call{.key = absl::Hash<std::string>{}(source),
                  .source = source,
                  .argument_json = json,
                  .escape = escape,
                  .language = "en",
                  .country = "US"};
  int line = -1;
  absl::StatusOr<std::string> out = heap.Run(call, &line);
  if (!out.ok()) return {out.status().code(), std::string(out.status().message()), line};
  return {absl::StatusCode::kOk, *out, line};
}

std::unique_ptr<ScriptHeap> MakeHeap(ScriptHeapOptions options = {}) {
  auto heap = ScriptHeap::Create(options);
  REQUIRE(heap.ok());
  return *std::move(heap);
}

constexpr char kGood[] = "(function (e) { __mc_write('ok ', e.n); })";

TEST_CASE("a script writes its output, raw and escaped") {
  auto heap = MakeHeap();
  Result r = RunOn(*heap,
                   "(function (a, b) { __mc_write('<', a.x, '|'); __mc_write_escaped('<', b.x); "
                   "document.write('>'); __mc_write(null, undefined, [1,'a'], {k: true}, 2.5); })",
                   R"({"x":"v"})", &Bracket);
  CHECK(r.code == absl::StatusCode::kOk);
  CHECK(r.text == "<v|[<][v][>][1,\"a\"]{\"k\":true}2.5");
}

TEST_CASE("output is UTF-8 also for characters past U+FFFF the script made") {
  auto heap = MakeHeap();
  // Duktape keeps the source's 😀 as two surrogates; ctx strings stay as they came.
  Result r = RunOn(*heap,
                   "(function (e) { __mc_write('é😀|', e.s, '|', '\\uD83D\\uDE00', '|', "
                   "String.fromCharCode(0xD83D), '|\\u2028'); })",
                   R"({"s":"é😀"})");
  CHECK(r.text == "é😀|é😀|😀|\uFFFD|\u2028");
}

TEST_CASE("an endless loop is stopped by the time budget, and the heap goes on") {
  auto heap = MakeHeap({.time_budget = absl::Milliseconds(20)});
  Result r = RunOn(*heap, "(function () { while (true) {} })");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  CHECK(r.text == "the template ran past its time budget (20 ms)");
  // Catching the timeout does not help: Duktape throws again at every instruction.
  r = RunOn(*heap, "(function () { for (;;) { try { while (true) {} } catch (e) {} } })");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  r = RunOn(*heap, kGood, R"({"n":1})");
  CHECK(r.code == absl::StatusCode::kOk);
  CHECK(r.text == "ok 1");
}

TEST_CASE("an allocation loop is stopped by the memory budget, and the heap goes on") {
  auto heap = MakeHeap({.memory_budget = 1 << 20});
  size_t before = heap->bytes_in_use();
  Result r = RunOn(*heap, "(function () { var a = []; for (;;) a.push('x' + a.length); })");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  CHECK(r.text == "the template ran past its memory budget (1048576 bytes)");
  r = RunOn(*heap, "(function () { var s = 'x'; for (;;) s = s + s; })");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  r = RunOn(*heap, kGood, R"({"n":2})");
  CHECK(r.text == "ok 2");
  CHECK(heap->bytes_in_use() < before + (256 << 10));
}

TEST_CASE("the output budget") {
  auto heap = MakeHeap({.max_output_bytes = 1000});
  Result r = RunOn(*heap, "(function () { for (var i = 0; i < 2000; ++i) __mc_write('x'); })");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  CHECK(r.text == "the template ran past its output budget (1000 bytes)");
  r = RunOn(*heap,
            "(function () { for (var i = 0; i < 2000; ++i) try { __mc_write('x'); } catch (e) {} "
            "})");
  CHECK(r.code == absl::StatusCode::kResourceExhausted);
  CHECK(RunOn(*heap, kGood, R"({"n":3})").text == "ok 3");
}

TEST_CASE("a throw names the error and its line") {
  auto heap = MakeHeap();
  Result r = RunOn(*heap, "(function () {\n\n  throw new Error('x');\n})");
  CHECK(r.code == absl::StatusCode::kInvalidArgument);
  CHECK(r.text == "Error: x");
  CHECK(r.line == 3);
  r = RunOn(*heap, "(function (e) {\n  return e.nope.deeper;\n})");
  CHECK(r.text == "TypeError: cannot read property 'deeper' of undefined");
  CHECK(r.line == 2);
  r = RunOn(*heap, "(function (e) {\n\n\n  formatNumber('abc');\n})");
  CHECK(r.text == "TypeError: formatNumber: 'abc' is not a number");
  CHECK(r.line == 4);
  r = RunOn(*heap, "(function () { throw 'plain'; })");
  CHECK(r.text == "plain");
  CHECK(r.line == 0);
  r = RunOn(*heap, "(function () { throw {toString: function () { for (;;) {} }}; })");
  CHECK(r.text == "the template threw a value that cannot be printed");
  r = RunOn(*heap,
            "(function () { throw {toString: function () { var s = 'x'; for (;;) s += s; }}; })");
  CHECK(r.text == "the template threw a value that cannot be printed");
  // Deep recursion, also through native calls (C recursion), is an error, not a crash.
  r = RunOn(*heap, "(function () { function f() { return 1 + f(); } f(); })");
  CHECK(r.text.rfind("RangeError: ", 0) == 0);
  r = RunOn(*heap, "(function () { function f() { return [1].map(f); } f(); })");
  INFO(r.text);
  CHECK(r.text.rfind("RangeError: ", 0) == 0);
  CHECK(RunOn(*heap, kGood, R"({"n":4})").text == "ok 4");
}

TEST_CASE("syntax errors: message and line") {
  int line = 0;
  absl::Status st = ScriptHeap::CheckSyntax("(function () {\nvar x = 1;\nif (x {\n}\n})", &line);
  CHECK(st.code() == absl::StatusCode::kInvalidArgument);
  CHECK(st.message() == "SyntaxError: parse error");
  CHECK(line == 3);
  st = ScriptHeap::CheckSyntax("(function () {\nif (x) {\n\n})", &line);
  CHECK(st.message() == "SyntaxError: empty expression not allowed (end of input)");
  CHECK(line == 4);
  CHECK(ScriptHeap::CheckSyntax("(function () {})", &line).ok());
  CHECK(ScriptHeap::CheckSyntax("(function () {}) garbage", &line).code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("the sandbox: no module loading, no eval, no Duktape object, frozen built-ins") {
  auto heap = MakeHeap();
  CHECK(RunOn(*heap,
              "(function () { __mc_write(typeof require, typeof print, typeof alert, "
              "typeof Duktape, typeof eval, typeof Buffer, typeof modSearch); })")
            .text == "undefinedundefinedundefinedundefinedundefinedundefinedundefined");
  Result r = RunOn(*heap, "(function () { return Function('return 1')(); })");
  CHECK(r.text == "TypeError: Function(): templates cannot compile code from strings");
  r = RunOn(*heap, "(function () { return (function () {}).constructor('return 1')(); })");
  CHECK(r.text == "TypeError: Function(): templates cannot compile code from strings");
  r = RunOn(*heap, "(function () { return eval('1'); })");
  CHECK(r.text == "ReferenceError: identifier 'eval' undefined");
  // A template's change to a built-in does not reach the next one.
  RunOn(*heap,
        "(function () { String.prototype.trim = function () { return 'hacked'; }; "
        "Array.prototype.join = null; Math.max = null; JSON.stringify = null; })");
  CHECK(
      RunOn(*heap, "(function () { __mc_write(' a '.trim(), [1, 2].join('-'), Math.max(1, 2)); })")
          .text == "a1-22");
  r = RunOn(*heap, "(function () { 'use strict'; Object.prototype.x = 1; })");
  CHECK(r.code == absl::StatusCode::kInvalidArgument);
  // Frozen prototypes still let an object have its own toString, constructor, name.
  CHECK(RunOn(*heap,
              "(function () { function P() {} P.prototype = {}; P.prototype.constructor = P; "
              "P.prototype.toString = function () { return 'p'; }; var o = new P(); "
              "function E() {} E.prototype = Object.create(Error.prototype); "
              "E.prototype.name = 'E'; "
              "__mc_write(String(o), o.constructor === P, E.prototype.name, ({}).toString()); })")
            .text == "ptrueE[object Object]");
}

TEST_CASE("globals a call makes are gone for the next call") {
  auto heap = MakeHeap();
  CHECK(RunOn(*heap, "(function () { for (i = 0; i < 3; i++) {} leaked = 'yes'; __mc_write(i); })")
            .text == "3");
  CHECK(RunOn(*heap, "(function () { __mc_write(typeof leaked, typeof i); })").text ==
        "undefinedundefined");
  CHECK(heap->rebuilds() == 0);
  // What cannot be undone rebuilds the heap.
  CHECK(RunOn(*heap,
              "(function () { Object.defineProperty(this, 'stuck', {value: 1}); "
              "Object.preventExtensions(this); })")
            .code == absl::StatusCode::kOk);
  CHECK(heap->rebuilds() == 1);
  CHECK(RunOn(*heap, "(function () { __mc_write(typeof stuck); x = 1; __mc_write(x); })").text ==
        "undefined1");
  CHECK(RunOn(*heap, "(function () { Object.setPrototypeOf(this, null); })").code ==
        absl::StatusCode::kOk);
  CHECK(heap->rebuilds() == 2);
  CHECK(RunOn(*heap, kGood, R"({"n":5})").text == "ok 5");
}

TEST_CASE("the argument is data, never evaluated") {
  auto heap = MakeHeap({.time_budget = absl::Milliseconds(200)});
  Result r = RunOn(*heap,
                   "(function (e) { __mc_write(e.s, '|', e.__proto__ === Object.prototype, "
                   "'|', e.toString === Object.prototype.toString); })",
                   R"({"s":"'); while(1){} ('","__proto__":{"x":1},"toString":"t"})");
  CHECK(r.code == absl::StatusCode::kOk);
  CHECK(r.text == "'); while(1){} ('|false|false");
  CHECK(RunOn(*heap, "(function (e) { __mc_write(e.x); })", R"({"__proto__":{"x":1}})").text == "");
}

TEST_CASE("compiled functions are cached by key, and a key with another source recompiles") {
  auto heap = MakeHeap({.max_cached_functions = 2});
  for (int i = 0; i < 5; ++i) {
    std::string src = absl::StrCat("(function () { __mc_write(", i, "); })");
    CHECK(RunOn(*heap, src).text == std::to_string(i));
    CHECK(RunOn(*heap, src).text == std::to_string(i));
  }
  ScriptCall call{.key = 7, .source = "(function () { __mc_write('a'); })"};
  CHECK(*heap->Run(call, nullptr) == "a");
  call.source = "(function () { __mc_write('b'); })";
  CHECK(*heap->Run(call, nullptr) == "b");
  // A template cannot keep state on its own function between calls.
  const std::string counter =
      "(function () { var f = arguments.callee; f.n = 1; f.prototype.n = 1; "
      "__mc_write(typeof f.n, typeof f.prototype.n); })";
  CHECK(RunOn(*heap, counter).text == "undefinedundefined");
}

TEST_CASE("helpers are bound with the call's locale") {
  auto heap = MakeHeap();
  ScriptCall call{.key = 1,
                  .source =
                      "(function () { __mc_write(formatNumber(1234.5, 2), ' ', "
                      "formatCurrency(12.5, 'EUR'), ' ', formatDate('2024-03-05', 'long'), "
                      "' ', formatDate(0, '%4Y'), ' ', formatDate(new Date(86400000), "
                      "'%2D/%2M'), '|', formatDate(null), formatNumber(undefined), "
                      "escapeXMLString('<a href=\"x\">&\\'')); })",
                  .language = "fr",
                  .country = "FR"};
  CHECK(*heap->Run(call, nullptr) ==
        "1\u202F234,50 12,50\u00A0€ 5 mars 2024 1970 02/01|&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  call.language = "de";
  call.country = "DE";
  CHECK(*heap->Run(call, nullptr) ==
        "1.234,50 12,50\u00A0€ 5. März 2024 1970 02/01|&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace mc::script
