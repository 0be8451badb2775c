// Block expansion without a database: ACC's include forms, blocks in blocks, the versions
// used, variants, and the refusals (unknown block, cycle, depth, another <%@ directive), each
// naming the part and the block.
#include "control-service/templates/block_expansion.h"

#include <catch2/catch.hpp>

namespace mc::control {
namespace {

BlocksByName Blocks(std::vector<Block> list) {
  BlocksByName out;
  for (Block& b : list) out.emplace(b.name, std::move(b));
  return out;
}

std::string Expand(const std::string& text, const BlocksByName& blocks) {
  std::map<std::string, int> used;
  absl::StatusOr<std::string> out = ExpandText("html_body", text, blocks, {}, used);
  return out.ok() ? *out : "error: " + std::string(out.status().message());
}

TEST_CASE("ACC's include forms are replaced by the block's content") {
  const BlocksByName blocks = Blocks({{.name = "footer", .content = "F", .version = 3}});
  for (const char* form : {"<%@ include view='footer' %>", "<%@ include view=\"footer\" %>",
                           "<%@include view='footer'%>", "<%@  include  view = 'footer'  %>",
                           "<%@\ninclude\tview='footer'\n%>"}) {
    INFO(form);
    CHECK(Expand(std::string("a") + form + "b", blocks) == "aFb");
  }
  CHECK(Expand("no include <%= rtEvent.id %>", blocks) == "no include <%= rtEvent.id %>");
  CHECK(Expand("<%@ include view='footer' %><%@ include view='footer' %>", blocks) == "FF");
}

TEST_CASE("blocks include blocks; the versions used are listed once, by name") {
  const BlocksByName blocks =
      Blocks({{.name = "a", .content = "A[<%@ include view='b' %>]", .version = 2},
              {.name = "b", .content = "B", .version = 5},
              {.name = "unused", .content = "U", .version = 1}});
  personalisation::TemplateContent c{
      .subject = "<%@ include view='b' %>",
      .html_body = "<%@ include view='a' %>",
      .variants = {{.language = "fr", .text_body = "fr <%@ include view='a' %>"}}};
  absl::StatusOr<personalisation::TemplateContent> out = ExpandBlocks(c, blocks);
  REQUIRE(out.ok());
  CHECK(out->subject == "B");
  CHECK(out->html_body == "A[B]");
  CHECK(out->variants[0].text_body == "fr A[B]");
  REQUIRE(out->blocks.size() == 2);
  CHECK(out->blocks[0].name == "a");
  CHECK(out->blocks[0].version == 2);
  CHECK(out->blocks[1].name == "b");
  CHECK(out->blocks[1].version == 5);
  // A content without includes uses none (and drops what `blocks` said).
  c = {.text_body = "plain", .blocks = {{.name = "stale", .version = 1}}};
  out = ExpandBlocks(c, blocks);
  REQUIRE(out.ok());
  CHECK(out->blocks.empty());
}

TEST_CASE("refusals name the part and the block") {
  const BlocksByName blocks =
      Blocks({{.name = "a", .content = "<%@ include view='b' %>", .version = 1},
              {.name = "b", .content = "<%@ include view='a' %>", .version = 1},
              {.name = "bad", .content = "x\n <%@ page x %>", .version = 1},
              {.name = "ghostly", .content = "<%@ include view='ghost' %>", .version = 1}});
  CHECK(Expand("<%@ include view='ghost' %>", blocks) ==
        "error: html_body: includes block 'ghost', which does not exist (create it, or remove "
        "the include)");
  CHECK(Expand("<%@ include view='ghostly' %>", blocks) ==
        "error: html_body: block 'ghostly' includes block 'ghost', which does not exist (create "
        "it, or remove the include)");
  CHECK(Expand("<%@ include view='a' %>", blocks) ==
        "error: html_body: block 'a' includes itself: a > b > a");
  CHECK(Expand("é\n  <%@ include file='x' %>", blocks) ==
        "error: html_body: line 2, column 3: <%@ is only <%@ include view='NAME' %> (a block's "
        "name)");
  CHECK(Expand("<%@ include view='bad' %>", blocks) ==
        "error: html_body: block 'bad': line 2, column 2: <%@ is only <%@ include view='NAME' "
        "%> (a block's name)");
  CHECK(Expand("<%@ include view='' %>", blocks).rfind("error: html_body: line 1, column 1: ", 0) ==
        0);
  personalisation::TemplateContent c{
      .variants = {{.language = "de", .sms_text = "<%@ include view='ghost' %>"}}};
  CHECK(ExpandBlocks(c, blocks).status().message() ==
        "variants[de].sms_text: includes block 'ghost', which does not exist (create it, or "
        "remove the include)");
}

TEST_CASE("at most 5 blocks deep") {
  std::vector<Block> chain;
  for (int i = 1; i <= 6; ++i) {
    chain.push_back({.name = "b" + std::to_string(i),
                     .content = i < 6 ? "<%@ include view='b" + std::to_string(i + 1) + "' %>"
                                      : std::string("end"),
                     .version = 1});
  }
  BlocksByName blocks = Blocks(chain);
  CHECK(Expand("<%@ include view='b2' %>", blocks) == "end");  // b2..b6: 5 deep
  CHECK(Expand("<%@ include view='b1' %>", blocks) ==
        "error: html_body: blocks nested deeper than 5: b1 > b2 > b3 > b4 > b5 > b6");
}

TEST_CASE("a part too long once expanded is refused") {
  const BlocksByName blocks = Blocks(
      {{.name = "big", .content = std::string(kMaxExpandedBytes / 2 + 1, 'x'), .version = 1}});
  CHECK(Expand("<%@ include view='big' %>", blocks).size() == kMaxExpandedBytes / 2 + 1);
  CHECK(Expand("<%@ include view='big' %><%@ include view='big' %>", blocks) ==
        "error: html_body: longer than 4194304 bytes once its blocks are included");
}

TEST_CASE("IncludedNames: the blocks a text includes directly, once each") {
  CHECK(IncludedNames("<%@ include view='a' %> <%@ include view=\"b\"%> <%@ include view='a' %> "
                      "<%@ page %>") == std::vector<std::string>{"a", "b"});
  CHECK(IncludedNames("none").empty());
}

}  // namespace
}  // namespace mc::control
