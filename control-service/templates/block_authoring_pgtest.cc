// Personalisation blocks against a real PostgreSQL, with a scripted execution instance
// (FakeExecutionGateway): blocks are created, updated (each time the next version) and
// deleted only when nothing includes them; a publication sends the parts with every include
// expanded (blocks in blocks, variants too) and the versions of the blocks used, and records
// them; a block changed later changes nothing published until the template is published
// again; saving, previewing and publishing refuse an unknown block naming the part; and every
// field a template carries beside its parts reaches the instance.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/metrics/metrics.h"
#include "common/testing/shared_postgres.h"
#include "common/testing/template_samples.h"
#include "control-service/execution/fake_execution_gateway.h"
#include "control-service/migrations/migrations.h"
#include "control-service/templates/block_authoring.h"
#include "control-service/templates/template_authoring.h"

namespace mc::control {
namespace {

using Instance = FakeExecutionGateway::Instance;

constexpr char kEndpoint[] = "exec_a:50051";

struct Fixture {
  Fixture() {
    REQUIRE(accounts
                .Create({.internal_name = "exec_a",
                         .endpoint = kEndpoint,
                         .credential = "0123456789abcdef"})
                .ok());
    REQUIRE(accounts.SetInstanceId("exec_a", "inst-a").ok());
    REQUIRE(archiving.Create("exec_a", 3600).ok());
    gateway.Set(kEndpoint, Instance{.summary = {.instance_id = "inst-a",
                                                .workflows_started = true,
                                                .workflows = {{"rtEventsProcessing", "started"}}}});
  }

  // What the instance was sent, last first.
  TemplatePublication LastSent() {
    const std::vector<TemplatePublication> sent = gateway.Get(kEndpoint).published;
    REQUIRE(!sent.empty());
    return sent.back();
  }

  const std::string schema = testing::FreshSchema("blocks", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  TemplateRepository templates{pool};
  BlockRepository block_store{pool};
  AccountRepository accounts{pool};
  ArchivingRepository archiving{pool};
  FakeExecutionGateway gateway;
  metrics::Metrics metrics;
  ControlMetrics control_metrics{metrics.registry()};
  TemplateAuthoring authoring{templates, block_store, accounts,
                              archiving, gateway,     control_metrics};
  BlockAuthoring blocks{block_store, templates};
};

AuthoredTemplate Shipped() {
  return {.internal_name = "shipTpl",
          .event_type = "ORDER_SHIPPED",
          .channel = 0,
          .subject = "Order <%= rtEvent.ctx.order %>",
          .html_body = "<p>Shipped.</p><%@ include view='footer' %>",
          .text_body = "Shipped.\n<%@include view = \"footer\"%>",
          .default_language = "en",
          .variants = {{.language = "fr",
                        .subject = "Commande <%= rtEvent.ctx.order %>",
                        .text_body = "Expédiée.\n<%@ include view=\"legal\" %>"}}};
}

TEST_CASE("blocks: created at version 1, each update the next; names and lengths checked") {
  Fixture f;
  absl::StatusOr<Block> b =
      f.blocks.Create({.name = "footer", .label = "Footer", .content = "Brand, Paris"});
  REQUIRE(b.ok());
  CHECK(b->version == 1);
  CHECK(b->content == "Brand, Paris");
  CHECK(f.blocks.Create({.name = "footer"}).status() ==
        absl::AlreadyExistsError("a block named 'footer' already exists"));
  b = f.blocks.Update({.name = "footer", .label = "Footer", .content = "Brand, Lyon"});
  REQUIRE(b.ok());
  CHECK(b->version == 2);
  b = f.blocks.Update({.name = "footer", .label = "Pied", .content = "Brand, Lyon"});
  REQUIRE(b.ok());
  CHECK(b->version == 3);
  CHECK(f.blocks.Get("footer")->label == "Pied");
  CHECK(f.blocks.Get("footer")->version == 3);
  CHECK(f.blocks.Update({.name = "ghost"}).status() ==
        absl::NotFoundError("no block named 'ghost'"));
  CHECK(f.blocks.Get("ghost").status() == absl::NotFoundError("no block named 'ghost'"));
  CHECK(
      f.blocks.Create({.name = "9lives"}).status() ==
      absl::InvalidArgumentError("name: required; a letter then letters, digits, '_', '-' or '.'"));
  CHECK(f.blocks.Create({.name = "long", .label = std::string(256, 'l')}).status() ==
        absl::InvalidArgumentError("label: longer than 255 characters"));
  CHECK(f.blocks.Create({.name = "big", .content = std::string(kMaxBlockContent + 1, 'x')})
            .status() == absl::InvalidArgumentError("content: longer than 1000000 characters"));
  // A block's includes name blocks that exist, and never come back to it.
  CHECK(f.blocks.Create({.name = "outer", .content = "<%@ include view='inner' %>"}).status() ==
        absl::InvalidArgumentError(
            "content: block 'outer' includes block 'inner', which does not exist (create it, or "
            "remove the include)"));
  REQUIRE(f.blocks.Create({.name = "inner", .content = "in"}).ok());
  REQUIRE(f.blocks.Create({.name = "outer", .content = "<%@ include view='inner' %>"}).ok());
  CHECK(
      f.blocks.Update({.name = "inner", .content = "<%@ include view='outer' %>"}).status() ==
      absl::InvalidArgumentError("content: block 'inner' includes itself: inner > outer > inner"));
  absl::StatusOr<std::vector<Block>> all = f.blocks.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].name == "footer");
  CHECK((*all)[1].name == "inner");
}

TEST_CASE("a publication sends the parts with their blocks and the blocks' versions") {
  Fixture f;
  REQUIRE(f.blocks.Create({.name = "legal", .content = "Mentions légales."}).ok());
  REQUIRE(
      f.blocks
          .Create({.name = "footer",
                   .content = "<p>Brand <%= rtEvent.ctx.city %></p><%@ include view='legal' %>"})
          .ok());
  REQUIRE(f.authoring.Create(Shipped()).ok());
  absl::StatusOr<PublicationResult> published = f.authoring.Publish("shipTpl");
  REQUIRE(published.ok());
  CHECK(published->version == 1);
  TemplatePublication sent = f.LastSent();
  CHECK(sent.html_body == "<p>Shipped.</p><p>Brand <%= rtEvent.ctx.city %></p>Mentions légales.");
  CHECK(sent.text_body == "Shipped.\n<p>Brand <%= rtEvent.ctx.city %></p>Mentions légales.");
  REQUIRE(sent.variants.size() == 1);
  CHECK(sent.variants[0].text_body == "Expédiée.\nMentions légales.");
  REQUIRE(sent.blocks.size() == 2);
  CHECK(sent.blocks[0].name == "footer");
  CHECK(sent.blocks[0].version == 1);
  CHECK(sent.blocks[1].name == "legal");
  CHECK(sent.blocks[1].version == 1);
  // The control records them with the publication; the template keeps its includes.
  REQUIRE(published->template_.published_blocks.size() == 2);
  CHECK(published->template_.published_blocks[0].name == "footer");
  CHECK(f.authoring.Get("shipTpl")->html_body == Shipped().html_body);

  // A block changed later: nothing is sent, what was published stays as it was.
  REQUIRE(f.blocks.Update({.name = "legal", .content = "Legal notice, v2."}).ok());
  CHECK(f.gateway.Get(kEndpoint).published.size() == 1);
  CHECK(f.LastSent().html_body ==
        "<p>Shipped.</p><p>Brand <%= rtEvent.ctx.city %></p>Mentions légales.");
  absl::StatusOr<AuthoredTemplate> stored = f.authoring.Get("shipTpl");
  REQUIRE(stored.ok());
  CHECK(stored->version == 1);
  CHECK(stored->published_blocks[1].version == 1);

  // Published again, it takes the block's new content and version.
  published = f.authoring.Publish("shipTpl");
  REQUIRE(published.ok());
  CHECK(published->version == 2);
  sent = f.LastSent();
  CHECK(sent.version == 2);
  CHECK(sent.html_body == "<p>Shipped.</p><p>Brand <%= rtEvent.ctx.city %></p>Legal notice, v2.");
  CHECK(sent.variants[0].text_body == "Expédiée.\nLegal notice, v2.");
  REQUIRE(sent.blocks.size() == 2);
  CHECK(sent.blocks[1].name == "legal");
  CHECK(sent.blocks[1].version == 2);
  CHECK(f.authoring.Get("shipTpl")->published_blocks[1].version == 2);
}

TEST_CASE("a block a template or another block includes cannot be deleted") {
  Fixture f;
  REQUIRE(f.blocks.Create({.name = "legal", .content = "Legal."}).ok());
  REQUIRE(f.blocks.Create({.name = "footer", .content = "<%@ include view='legal' %>"}).ok());
  REQUIRE(f.authoring.Create(Shipped()).ok());
  CHECK(f.blocks.Delete("legal") ==
        absl::FailedPreconditionError("block 'legal' is included by template 'shipTpl', block "
                                      "'footer': remove those includes first"));
  CHECK(f.blocks.Delete("footer") ==
        absl::FailedPreconditionError(
            "block 'footer' is included by template 'shipTpl': remove those includes first"));
  AuthoredTemplate plain = Shipped();
  plain.html_body = "<p>Shipped.</p>";
  plain.text_body = "Shipped.";
  plain.variants[0].text_body = "Expédiée.";
  REQUIRE(f.authoring.Update(plain).ok());
  CHECK(f.blocks.Delete("footer").ok());
  CHECK(f.blocks.Delete("legal").ok());
  CHECK(f.blocks.Delete("legal") == absl::NotFoundError("no block named 'legal'"));
}

TEST_CASE("an unknown block is refused naming the part and the block") {
  Fixture f;
  REQUIRE(f.blocks.Create({.name = "footer", .content = "Brand"}).ok());
  CHECK(f.authoring.Create(Shipped()).status() ==
        absl::InvalidArgumentError(
            "variants[fr].text_body: includes block 'legal', which does not exist (create it, or "
            "remove the include)"));
  REQUIRE(f.blocks.Create({.name = "legal", .content = "Legal."}).ok());
  AuthoredTemplate t = Shipped();
  t.seeds = {{.address = "qa@brand.test", .ctx_json = R"({"order":"A-1"})"}};
  REQUIRE(f.authoring.Create(t).ok());
  absl::StatusOr<RenderedPreview> preview = f.authoring.Preview("shipTpl", 0);
  REQUIRE(preview.ok());
  CHECK(preview->html_body == "<p>Shipped.</p>Brand");
  // A block that goes away under a template (deleted behind the check's back): publishing
  // refuses it, and nothing is sent.
  REQUIRE(f.block_store.Delete("legal").ok());
  absl::StatusOr<PublicationResult> refused = f.authoring.Publish("shipTpl");
  CHECK(refused.status() ==
        absl::InvalidArgumentError(
            "variants[fr].text_body: includes block 'legal', which does not exist (create it, or "
            "remove the include)"));
  CHECK(f.gateway.Get(kEndpoint).published.empty());
  CHECK(f.authoring.Preview("shipTpl", 0).status().code() == absl::StatusCode::kInvalidArgument);
  // The expanded text is what is checked: a block with a fault fails the part that includes it.
  REQUIRE(f.blocks.Create({.name = "legal", .content = "Legal.\n  <%= rtEvent.nope %>"}).ok());
  refused = f.authoring.Publish("shipTpl");
  CHECK(refused.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(refused.status().message().rfind("variants[fr].text_body: line 3, column 15: ", 0) == 0);
}

TEST_CASE("every field a template carries beside its parts reaches the instance") {
  Fixture f;
  const personalisation::TemplateContent full = testing::FullTemplateContent();
  AuthoredTemplate t{.internal_name = full.internal_name,
                     .label = full.label,
                     .event_type = full.event_type,
                     .channel = full.channel,
                     .subject = full.subject,
                     .html_body = full.html_body,
                     .text_body = full.text_body,
                     .sms_text = full.sms_text,
                     .default_language = full.default_language,
                     .variants = full.variants,
                     .sender = full.sender,
                     .attachments = full.attachments};
  REQUIRE(f.authoring.Create(t).ok());
  REQUIRE(f.authoring.Publish(full.internal_name).ok());
  personalisation::TemplateContent want = full;
  want.version = 1;
  want.blocks.clear();  // it includes none
  testing::CheckSameContent(f.LastSent(), want);
}

}  // namespace
}  // namespace mc::control
