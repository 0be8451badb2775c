// End to end, control (ctest e2e_control_test, fixture tests/control_e2e_fixture.h): the copies
// of published templates every execution instance holds: removed by unpublishing; with the
// personalisation blocks expanded into them, changed there only by the next publication.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/control_e2e_fixture.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::control_e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

TEST_CASE("unpublish removes a template from every instance; then it may be deleted") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::CreateTemplateRequest create;
  *create.mutable_template_() = OrderShipped();
  create.mutable_template_()->set_internal_name("flashSale");
  create.mutable_template_()->set_event_type("FLASH_SALE");
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::PublishTemplateResponse published;
  REQUIRE(Publish("flashSale", &published).ok());

  pb::UnpublishTemplateRequest unpublish;
  unpublish.set_internal_name("flashSale");
  pb::UnpublishTemplateResponse unpublished;
  REQUIRE(control.templates().UnpublishTemplate(Context().get(), unpublish, &unpublished).ok());
  CHECK(unpublished.template_().status() == pb::TEMPLATE_STATUS_EDITING);
  REQUIRE(unpublished.outcomes_size() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    v1::ListTemplatesResponse listed;
    REQUIRE(e->client->templates().ListTemplates(Context().get(), {}, &listed).ok());
    for (const auto& t : listed.templates()) CHECK(t.template_().internal_name() != "flashSale");
    // Its events are no longer routed.
    int64_t id = e->client->Push(v1::QUEUE_REAL_TIME, Email("FLASH_SALE", "sale@example.com"));
    CHECK(e->client->WaitFinal(id).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  }
  pb::DeleteTemplateRequest del;
  del.set_internal_name("flashSale");
  pb::DeleteTemplateResponse deleted;
  CHECK(control.templates().DeleteTemplate(Context().get(), del, &deleted).ok());
}

pb::Block MakeBlock(const std::string& name, const std::string& content) {
  pb::Block b;
  b.set_name(name);
  b.set_content(content);
  return b;
}

// The copies of `name` an instance holds, newest version first.
std::vector<v1::Template> Copies(Execution& e, const std::string& name) {
  v1::ListTemplatesResponse listed;
  REQUIRE(e.client->templates().ListTemplates(Context().get(), {}, &listed).ok());
  std::vector<v1::Template> out;
  for (const v1::PublishedTemplate& t : listed.templates()) {
    if (t.template_().internal_name() == name) out.push_back(t.template_());
  }
  std::sort(out.begin(), out.end(),
            [](const v1::Template& a, const v1::Template& b) { return a.version() > b.version(); });
  return out;
}

TEST_CASE("blocks: every instance stores a template's includes expanded, with the versions") {
  Cluster& c = TheCluster();
  ControlClient& control = *c.client;
  pb::Block block;
  pb::CreateBlockRequest create_block;
  *create_block.mutable_block() = MakeBlock("legal", "Legal v1");
  REQUIRE(control.blocks().CreateBlock(Context().get(), create_block, &block).ok());
  CHECK(block.version() == 1);
  *create_block.mutable_block() =
      MakeBlock("footer", "<p>Brand for <%= rtEvent.ctx.name %></p><%@ include view='legal' %>");
  REQUIRE(control.blocks().CreateBlock(Context().get(), create_block, &block).ok());

  pb::CreateTemplateRequest create;
  pb::Template& t = *create.mutable_template_();
  t.set_internal_name("welcome");
  t.set_event_type("WELCOME");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_subject("Welcome");
  t.set_html_body("<p>Hi</p><%@ include view='footer' %>");
  t.set_text_body("Hi <%@ include view=\"footer\" %>");
  t.set_default_language("en");
  v1::TemplateVariant* fr = t.add_variants();
  fr->set_language("fr");
  fr->set_subject("Bienvenue");
  fr->set_text_body("Salut <%@ include view='legal' %>");
  t.mutable_sender()->set_from("Brand <shop@brand.test>");
  v1::TemplateHeader* h = t.mutable_sender()->add_headers();
  h->set_name("X-Campaign");
  h->set_value("welcome");
  t.add_attachments()->set_ctx_path("invoice");
  pb::Template created;
  REQUIRE(control.templates().CreateTemplate(Context().get(), create, &created).ok());
  CHECK(created.variants_size() == 1);
  CHECK(created.html_body() == "<p>Hi</p><%@ include view='footer' %>");

  pb::PublishTemplateResponse published;
  REQUIRE(Publish("welcome", &published).ok());
  for (const auto& o : published.outcomes()) CHECK(o.code() == 0);
  REQUIRE(published.template_().published_blocks_size() == 2);
  CHECK(published.template_().published_blocks(1).name() == "legal");
  CHECK(published.template_().published_blocks(1).version() == 1);
  const std::string v1_html = "<p>Hi</p><p>Brand for <%= rtEvent.ctx.name %></p>Legal v1";
  for (Execution* e : {&c.a, &c.b}) {
    INFO(e->name);
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 2);  // real-time and batch
    for (const v1::Template& copy : copies) {
      CHECK(copy.html_body() == v1_html);
      CHECK(copy.text_body() == "Hi <p>Brand for <%= rtEvent.ctx.name %></p>Legal v1");
      CHECK(copy.default_language() == "en");
      REQUIRE(copy.variants_size() == 1);
      CHECK(copy.variants(0).text_body() == "Salut Legal v1");
      CHECK(copy.sender().from() == "Brand <shop@brand.test>");
      CHECK(copy.sender().headers(0).name() == "X-Campaign");
      CHECK(copy.attachments(0).ctx_path() == "invoice");
      REQUIRE(copy.blocks_size() == 2);
      CHECK(copy.blocks(0).name() == "footer");
      CHECK(copy.blocks(0).version() == 1);
      CHECK(copy.blocks(1).name() == "legal");
      CHECK(copy.blocks(1).version() == 1);
    }
  }

  // A block changed: the published copies stay as they were until the next publication.
  pb::UpdateBlockRequest update;
  *update.mutable_block() = MakeBlock("legal", "Legal v2");
  REQUIRE(control.blocks().UpdateBlock(Context().get(), update, &block).ok());
  CHECK(block.version() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 2);
    CHECK(copies[0].html_body() == v1_html);
    CHECK(copies[0].blocks(1).version() == 1);
  }
  pb::DeleteBlockRequest del_block;
  del_block.set_name("legal");
  pb::DeleteBlockResponse block_deleted;
  grpc::Status in_use = control.blocks().DeleteBlock(Context().get(), del_block, &block_deleted);
  CHECK(in_use.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(in_use.error_message() ==
        "block 'legal' is included by template 'welcome', block 'footer': remove those includes "
        "first");

  REQUIRE(Publish("welcome", &published).ok());
  CHECK(published.version() == 2);
  CHECK(published.template_().published_blocks(1).version() == 2);
  for (Execution* e : {&c.a, &c.b}) {
    INFO(e->name);
    const std::vector<v1::Template> copies = Copies(*e, "welcome");
    REQUIRE(copies.size() == 4);
    CHECK(copies[0].version() == 2);
    CHECK(copies[0].html_body() == "<p>Hi</p><p>Brand for <%= rtEvent.ctx.name %></p>Legal v2");
    CHECK(copies[0].variants(0).text_body() == "Salut Legal v2");
    CHECK(copies[0].blocks(0).version() == 1);
    CHECK(copies[0].blocks(1).version() == 2);
    CHECK(copies[3].html_body() == v1_html);  // version 1 as it was published
  }

  // An unknown block is refused before anything is stored.
  t.set_internal_name("welcomeBroken");
  t.set_html_body("<%@ include view='nope' %>");
  grpc::Status unknown = control.templates().CreateTemplate(Context().get(), create, &created);
  CHECK(unknown.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(unknown.error_message() ==
        "html_body: includes block 'nope', which does not exist (create it, or remove the "
        "include)");

  pb::ListBlocksResponse blocks;
  REQUIRE(control.blocks().ListBlocks(Context().get(), {}, &blocks).ok());
  REQUIRE(blocks.blocks_size() == 2);
  CHECK(blocks.blocks(0).name() == "footer");
  CHECK(blocks.blocks(1).version() == 2);
  pb::UnpublishTemplateRequest unpublish;
  unpublish.set_internal_name("welcome");
  pb::UnpublishTemplateResponse unpublished;
  REQUIRE(control.templates().UnpublishTemplate(Context().get(), unpublish, &unpublished).ok());
}

}  // namespace
}  // namespace mc::e2e::control_e2e
