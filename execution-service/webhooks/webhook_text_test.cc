// Text leaving the sender: valid UTF-8 kept, stray bytes replaced, snippets clean and bounded.
#include "execution-service/webhooks/webhook_text.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

TEST_CASE("ValidUtf8 keeps well-formed text and replaces every stray byte by U+FFFD") {
  const std::string r = "\xEF\xBF\xBD";
  const std::pair<std::string, std::string> rows[] = {
      {"", ""},
      {"plain ascii", "plain ascii"},
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"a\xFFz", "a" + r + "z"},
      {"\xC3", r},                                             // truncated sequence
      {"\xC0\xAF", r + r},                                     // overlong '/'
      {"\xE0\x80\xAF", r + r + r},                             // overlong, 3 bytes
      {"\xED\xA0\x80", r + r + r},                             // a UTF-16 surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},                     // above U+10FFFF
      {"\x80\x80", r + r},                                     // continuation bytes alone
      {std::string("nul\0in", 6), std::string("nul\0in", 6)},  // valid UTF-8, kept
  };
  for (const auto& [in, out] : rows) {
    INFO(in);
    CHECK(ValidUtf8(in) == out);
  }
}

TEST_CASE("Snippet: one clean line of at most max_bytes, cut between characters") {
  CHECK(Snippet("  {\"error\":\"busy\"}\r\n", 200) == "{\"error\":\"busy\"}");
  CHECK(Snippet("line one\r\nline two\ttab", 200) == "line one  line two tab");
  CHECK(Snippet(std::string(300, 'x'), 20) == std::string(17, 'x') + "...");
  CHECK(Snippet(std::string(20, 'x'), 20) == std::string(20, 'x'));
  // 10 x "é" (2 bytes each): a cut at 17 bytes keeps 7 whole ones.
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += "\xC3\xA9";
  const std::string cut = Snippet(accents, 17);
  CHECK(cut == accents.substr(0, 14) + "...");
  CHECK(Snippet("\xFF", 200) == "\xEF\xBF\xBD");
  CHECK(Snippet("", 200).empty());
}

}  // namespace
}  // namespace mc::execution
