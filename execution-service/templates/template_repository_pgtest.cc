// Published templates against a real PostgreSQL: every field of a version, its parts and what
// it carries beside them (default language, variants, sender, attachments, the blocks it was
// expanded from), comes back as published from each copy, by id and in the lists; a copy
// stored before those existed reads with none of them.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/testing/shared_postgres.h"
#include "common/testing/template_samples.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("templates", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  TemplateRepository templates{pool};

  void Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    tx.exec(sql);
    tx.commit();
  }
};

TEST_CASE("every field of a published version comes back from both copies") {
  Fixture f;
  const TemplateContent sent = testing::FullTemplateContent();
  absl::StatusOr<std::vector<PublishedTemplate>> copies = f.templates.Publish(sent);
  REQUIRE(copies.ok());
  REQUIRE(copies->size() == 2);
  CHECK((*copies)[0].queue != (*copies)[1].queue);
  for (const PublishedTemplate& copy : *copies) {
    INFO("copy " << copy.id);
    testing::CheckSameContent(copy.content, sent);
    absl::StatusOr<PublishedTemplate> read = f.templates.Get(copy.id);
    REQUIRE(read.ok());
    testing::CheckSameContent(read->content, sent);
  }
  absl::StatusOr<std::vector<PublishedTemplate>> listed = f.templates.List(false);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  for (const PublishedTemplate& t : *listed) testing::CheckSameContent(t.content, sent);
}

TEST_CASE("a version without extras stores and reads none; a copy from before reads the same") {
  Fixture f;
  const TemplateContent plain{.internal_name = "plain",
                              .event_type = "PLAIN",
                              .channel = 1,
                              .version = 1,
                              .sms_text = "Hi"};
  REQUIRE(f.templates.Publish(plain).ok());
  // A copy as the schema held it before migration 0011: no extras written.
  f.Sql(
      "INSERT INTO templates (internal_name, queue, event_type, channel, version, sms_text) "
      "VALUES ('older', 1, 'OLD', 1, 1, 'Hello')");
  absl::StatusOr<std::vector<PublishedTemplate>> all = f.templates.List(true);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  for (const PublishedTemplate& t : *all) {
    INFO(t.content.internal_name);
    CHECK(t.content.default_language.empty());
    CHECK(t.content.variants.empty());
    CHECK(t.content.sender.from.empty());
    CHECK(t.content.sender.headers.empty());
    CHECK_FALSE(t.content.sender.list_unsubscribe_post);
    CHECK(t.content.attachments.empty());
    CHECK(t.content.blocks.empty());
  }
  CHECK(all->back().content.sms_text == "Hello");
}

}  // namespace
}  // namespace mc::execution
