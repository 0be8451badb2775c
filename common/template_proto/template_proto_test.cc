// A template version's content through messagecenter.v1.Template and back: every field kept,
// and an empty message reads as an empty content.
#include "common/template_proto/template_proto.h"

#include <catch2/catch.hpp>

#include "common/testing/template_samples.h"

namespace mc::templateproto {
namespace {

TEST_CASE("every field goes into the message and comes back") {
  const personalisation::TemplateContent c = testing::FullTemplateContent();
  messagecenter::v1::Template p;
  TemplateToProto(c, &p);
  CHECK(p.default_language() == "en");
  REQUIRE(p.variants_size() == 2);
  CHECK(p.variants(1).language() == "pt-BR");
  CHECK(p.sender().headers(0).name() == "X-Campaign");
  CHECK(p.sender().list_unsubscribe_post());
  REQUIRE(p.attachments_size() == 2);
  CHECK(p.attachments(1).ctx_path() == "invoice.file");
  REQUIRE(p.blocks_size() == 2);
  CHECK(p.blocks(1).version() == 7);
  // Over the wire too.
  messagecenter::v1::Template parsed;
  REQUIRE(parsed.ParseFromString(p.SerializeAsString()));
  testing::CheckSameContent(TemplateFromProto(parsed), c);
}

TEST_CASE("an empty message is an empty content; a conversion replaces what the message held") {
  const personalisation::TemplateContent empty = TemplateFromProto({});
  testing::CheckSameContent(empty, personalisation::TemplateContent{});
  messagecenter::v1::Template p;
  TemplateToProto(testing::FullTemplateContent(), &p);
  TemplateToProto(empty, &p);
  CHECK(p.variants_size() == 0);
  CHECK(p.sender().headers_size() == 0);
  CHECK(p.attachments_size() == 0);
  CHECK(p.blocks_size() == 0);
}

}  // namespace
}  // namespace mc::templateproto
