// ScriptedText: one personalised text whose template has code, as Adobe Campaign Classic (ACC)
// writes it, compiled once per template version into one JavaScript function and run per event
// on a ScriptHeap (common/script/script_heap.h: the sandbox, the budgets, the helpers).
// Templates without code keep CompiledText (compiled_text.h), the fast path: NeedsScript says
// which one a text needs.
//
// Syntax, on top of CompiledText's:
//   <% for (var i = 0; i < rtEvent.ctx.items.length; i++) { %> ... <% } %>   code, inlined
//   <%= expression %>   its value, HTML-escaped (& < > " ' as HtmlEscape) in an HTML body
//   <%- expression %>   its value as it is
//   document.write(x)   inside code: as <%= x %> (escaped in an HTML body too)
// A tag ends at the first "%>", also one inside a string of its code (as in ACC). Values: nothing
// for undefined and null, JSON for arrays and plain objects, else the value as a string. A tag
// that is a reference CompiledText takes reads what CompiledText reads, also keys with a '-'
// (<%= rtEvent.ctx.first-name %> is the key "first-name", not a subtraction). ACC's
// XML attribute references are accepted for JSON keys: `rtEvent.ctx.@firstName` and
// `rtEvent.ctx.order.@id` read the keys "firstName" and "id" (`.@name` is rewritten to
// `["name"]` outside strings, comments and regular expression literals). Helpers (the event's
// language and country pick the locale): formatDate, formatNumber, formatCurrency,
// escapeXMLString, encodeURIComponent. Note for ported templates: ACC's <%= %> does not escape,
// so an ACC template's <%= escapeXMLString(x) %> escapes twice here in an HTML body: write
// <%= x %> (or <%- escapeXMLString(x) %>).
//
// The event, the one argument given as both rtEvent and batchEvent: id, type, email,
// mobilePhone, externalId, origin, language, country (strings; undefined when the input has no
// event) and ctx (the event's ctx decoded as data, never evaluated; {} when there is none;
// numbers past 2^53 lose precision). id is a number when it is at most 2^53 in magnitude (so it
// compares and adds as one), else a string of its digits (a double would change them): either
// way <%= rtEvent.id %> writes the digits CompiledText writes. Assignments to the event or its
// ctx stay within the render.
//
// Failure modes:
//   Compile: INVALID_ARGUMENT "line L, column C: why" (1-based, counted in characters of the
//     template) for an unterminated tag (as CompiledText says it), an empty expression, an ACC
//     directive (<%@ include ... %>), or Duktape's syntax error ("line 3, column 5: SyntaxError:
//     parse error": the line of the template Duktape names, the column where that line's code
//     starts; at the end of the template for an unclosed block).
//   Render: RESOURCE_EXHAUSTED "the template ran past its time budget (50 ms)", "... memory budget
//     (8388608 bytes)", "... output budget (1048576 bytes)"; INVALID_ARGUMENT "line L: TypeError:
//     ..." for what the code throws (the template's line; the bare message when Duktape names no
//     line, e.g. a thrown string). A failure fails that one render; the heap goes on.
// Thread safety: a ScriptedText is immutable after Compile (copyable, shareable between threads);
// Render uses the caller's heap, which is one thread's at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/personalisation/render_input.h"
#include "common/script/script_heap.h"

namespace mc::personalisation {

class ScriptedText {
 public:
  // Whether `source` has a <% code %> block, an ACC directive, or a <%= %> / <%- %> whose
  // content is not a reference CompiledText accepts (an empty one stays CompiledText's to
  // refuse). An unterminated tag ends the scan.
  static bool NeedsScript(absl::string_view source);

  [[nodiscard]] static absl::StatusOr<ScriptedText> Compile(absl::string_view source, bool html);

  [[nodiscard]] absl::StatusOr<std::string> Render(const RenderInput& input,
                                                   script::ScriptHeap& heap) const;

  // The JavaScript the template became (for tests and diagnostics).
  const std::string& javascript() const { return javascript_; }

  // Where in the template a line of javascript() comes from.
  struct Position {
    int line = 0;
    int column = 0;
  };

 private:
  std::string javascript_;
  uint64_t key_ = 0;  // javascript_'s fingerprint: the heap's cache key
  bool html_ = false;
  std::vector<Position> lines_;  // per line of javascript_: where in the template it comes from
};

}  // namespace mc::personalisation
