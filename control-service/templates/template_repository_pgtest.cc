// The control's TemplateRepository against a real PostgreSQL: authored fields and seeds round
// trip (the default language, variants, sender and attachments too), a taken name is
// ALREADY_EXISTS, a published template cannot be deleted, a publication records each
// instance's outcome and the blocks it was expanded from, and takes the version only when
// published.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "common/testing/shared_postgres.h"
#include "common/testing/template_samples.h"
#include "control-service/migrations/migrations.h"
#include "control-service/templates/template_repository.h"

namespace mc::control {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("ctrl_templates", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  TemplateRepository templates{pool};

  static AuthoredTemplate Make(const std::string& name) {
    return {.internal_name = name,
            .label = "Shipped",
            .event_type = "ORDER_SHIPPED",
            .channel = 0,
            .subject = "Your order {{order.id}}",
            .html_body = "<p>Hi</p>",
            .text_body = "Hi",
            .seeds = {{.address = "qa@example.test", .ctx_json = R"({"order":{"id":"A-1"}})"}}};
  }

  int64_t Publications(const std::string& name) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    return tx
        .exec_params1(
            "SELECT count(*) FROM " + tx.quote_name(schema) + ".publications WHERE template = $1",
            name)[0]
        .as<int64_t>();
  }
};

TEST_CASE_METHOD(Fixture, "templates round trip with their seeds; names are unique") {
  absl::StatusOr<AuthoredTemplate> t = templates.Create(Make("shipped"));
  REQUIRE(t.ok());
  CHECK(t->internal_name == "shipped");
  CHECK(t->subject == "Your order {{order.id}}");
  CHECK(t->status == TemplateStatus::kEditing);
  CHECK(t->version == 0);
  CHECK_FALSE(t->published.has_value());
  REQUIRE(t->seeds.size() == 1);
  CHECK(t->seeds[0].address == "qa@example.test");
  CHECK(t->seeds[0].ctx_json == R"({"order":{"id":"A-1"}})");

  CHECK(templates.Create(Make("shipped")).status() ==
        absl::AlreadyExistsError("a template named 'shipped' already exists"));
  AuthoredTemplate changed = Make("shipped");
  changed.text_body = "Hello";
  changed.seeds.clear();
  absl::StatusOr<AuthoredTemplate> updated = templates.Update(changed);
  REQUIRE(updated.ok());
  CHECK(updated->text_body == "Hello");
  CHECK(updated->seeds.empty());
  CHECK(templates.Get("shipped")->text_body == "Hello");
  REQUIRE(templates.Create(Make("another")).ok());
  absl::StatusOr<std::vector<AuthoredTemplate>> all = templates.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].internal_name == "another");

  const absl::Status missing = absl::NotFoundError("no template named 'ghost'");
  CHECK(templates.Get("ghost").status() == missing);
  CHECK(templates.Update(Make("ghost")).status() == missing);
  CHECK(templates.Delete("ghost") == missing);
  CHECK(templates.MarkUnpublished("ghost").status() == missing);
  CHECK(templates.RecordPublication("ghost", 1, {}, {}, true).status() == missing);
}

TEST_CASE_METHOD(Fixture, "the default language, variants, sender and attachments round trip") {
  // The sample's authored fields; what a publication sets (version, blocks) is not authored.
  const personalisation::TemplateContent full = testing::FullTemplateContent();
  AuthoredTemplate t = Make("full");
  t.default_language = full.default_language;
  t.variants = full.variants;
  t.sender = full.sender;
  t.attachments = full.attachments;
  auto check = [&](const AuthoredTemplate& got, const AuthoredTemplate& want) {
    personalisation::TemplateContent a{.default_language = got.default_language,
                                       .variants = got.variants,
                                       .sender = got.sender,
                                       .attachments = got.attachments};
    personalisation::TemplateContent b{.default_language = want.default_language,
                                       .variants = want.variants,
                                       .sender = want.sender,
                                       .attachments = want.attachments};
    testing::CheckSameContent(a, b);
    CHECK(got.published_blocks.empty());
  };
  absl::StatusOr<AuthoredTemplate> created = templates.Create(t);
  REQUIRE(created.ok());
  check(*created, t);
  check(*templates.Get("full"), t);
  check(templates.List()->at(0), t);

  // An update replaces them all: fewer variants, no headers, no attachments.
  t.default_language = "de";
  t.variants.pop_back();
  t.variants[0].text_body = "Changed.";
  t.sender = {.from = "other@brand.test"};
  t.attachments.clear();
  absl::StatusOr<AuthoredTemplate> updated = templates.Update(t);
  REQUIRE(updated.ok());
  check(*updated, t);
  check(*templates.Get("full"), t);
}

TEST_CASE_METHOD(Fixture, "the blocks of the published version are the template's") {
  REQUIRE(templates.Create(Make("shipped")).ok());
  // A try no instance took records its blocks; the next try of that version replaces them.
  absl::StatusOr<AuthoredTemplate> t = templates.RecordPublication(
      "shipped", 1, {{.account = "acme", .code = 14}},
      {{.name = "footer", .version = 1}, {.name = "legal", .version = 4}}, false);
  REQUIRE(t.ok());
  CHECK(t->published_blocks.empty());  // version 0 is still the template's
  t = templates.RecordPublication("shipped", 1, {{.account = "acme", .code = 0}},
                                  {{.name = "footer", .version = 2}}, true);
  REQUIRE(t.ok());
  REQUIRE(t->published_blocks.size() == 1);
  CHECK(t->published_blocks[0].name == "footer");
  CHECK(t->published_blocks[0].version == 2);
  t = templates.RecordPublication(
      "shipped", 2, {{.account = "acme", .code = 0}},
      {{.name = "legal", .version = 5}, {.name = "footer", .version = 3}}, true);
  REQUIRE(t.ok());
  REQUIRE(t->published_blocks.size() == 2);  // by name
  CHECK(t->published_blocks[0].name == "footer");
  CHECK(t->published_blocks[0].version == 3);
  CHECK(t->published_blocks[1].name == "legal");
  CHECK(t->published_blocks[1].version == 5);
  CHECK(templates.Get("shipped")->published_blocks.size() == 2);
  // Version 1's record stays.
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  CHECK(tx.exec1("SELECT count(*) FROM " + tx.quote_name(schema) +
                 ".publication_blocks WHERE version = 1")[0]
            .as<int>() == 1);
}

TEST_CASE_METHOD(Fixture, "a publication takes the version only when published; delete waits") {
  REQUIRE(templates.Create(Make("shipped")).ok());
  absl::StatusOr<AuthoredTemplate> refused = templates.RecordPublication(
      "shipped", 1, {{.account = "acme", .code = 9, .message = "refused"}}, {}, false);
  REQUIRE(refused.ok());
  CHECK(refused->status == TemplateStatus::kEditing);
  CHECK(refused->version == 0);
  CHECK(Publications("shipped") == 1);

  absl::StatusOr<AuthoredTemplate> taken = templates.RecordPublication(
      "shipped", 1, {{.account = "acme", .code = 0}, {.account = "beta", .code = 14}}, {}, true);
  REQUIRE(taken.ok());
  CHECK(taken->status == TemplateStatus::kPublished);
  CHECK(taken->version == 1);
  CHECK(taken->published.has_value());
  CHECK(Publications("shipped") == 2);  // acme's outcome replaced, beta's added

  CHECK(templates.Delete("shipped") ==
        absl::FailedPreconditionError(
            "template 'shipped' is published: unpublish it before deleting it"));
  absl::StatusOr<AuthoredTemplate> unpublished = templates.MarkUnpublished("shipped");
  REQUIRE(unpublished.ok());
  CHECK(unpublished->status == TemplateStatus::kEditing);
  CHECK(unpublished->version == 1);
  CHECK(templates.Delete("shipped").ok());
  CHECK(templates.Get("shipped").status().code() == absl::StatusCode::kNotFound);
  CHECK(Publications("shipped") == 0);
}

}  // namespace
}  // namespace mc::control
