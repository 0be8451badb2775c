// The control's TemplateRepository against a real PostgreSQL: authored fields and seeds round
// trip, a taken name is ALREADY_EXISTS, a published template cannot be deleted, a publication
// records each instance's outcome and takes the version only when published.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>

#include "common/testing/shared_postgres.h"
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
  CHECK(templates.RecordPublication("ghost", 1, {}, true).status() == missing);
}

TEST_CASE_METHOD(Fixture, "a publication takes the version only when published; delete waits") {
  REQUIRE(templates.Create(Make("shipped")).ok());
  absl::StatusOr<AuthoredTemplate> refused = templates.RecordPublication(
      "shipped", 1, {{.account = "acme", .code = 9, .message = "refused"}}, false);
  REQUIRE(refused.ok());
  CHECK(refused->status == TemplateStatus::kEditing);
  CHECK(refused->version == 0);
  CHECK(Publications("shipped") == 1);

  absl::StatusOr<AuthoredTemplate> taken = templates.RecordPublication(
      "shipped", 1, {{.account = "acme", .code = 0}, {.account = "beta", .code = 14}}, true);
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
