// TemplateAuthoring's publication against a real PostgreSQL (templates, accounts, archiving
// workflows) and scripted execution instances (FakeExecutionGateway): each enabled instance's
// outcome, the control's own refusals (no identifier, no archiving workflow, technical
// workflows not started), a version spent only when some instance took it, unpublication
// everywhere; a preview rendered from a seed (its language picking the variant); and a proof:
// the template as the next publication would send it, with every seed, to one named instance,
// nothing published.
#include <algorithm>
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/metrics/metrics.h"
#include "common/testing/shared_postgres.h"
#include "control-service/execution/fake_execution_gateway.h"
#include "control-service/migrations/migrations.h"
#include "control-service/templates/template_authoring.h"

namespace mc::control {
namespace {

using Instance = FakeExecutionGateway::Instance;

const std::vector<std::pair<std::string, std::string>> kStarted = {{"rtEvent", "started"},
                                                                   {"batchEvent", "started"}};

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

// "account code message" per outcome, in the result's order.
std::vector<std::string> Outcomes(const PublicationResult& r) {
  std::vector<std::string> out;
  for (const InstanceOutcome& o : r.outcomes) {
    out.push_back(absl::StrCat(o.account, " ", o.code, " ", o.message));
  }
  return out;
}

struct Fixture {
  Fixture()
      : schema(testing::FreshSchema("publication", Migrations())),
        pool({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}),
        templates(pool),
        blocks(pool),
        accounts(pool),
        archiving(pool),
        control_metrics(metrics.registry()),
        authoring(templates, blocks, accounts, archiving, gateway, control_metrics) {
    // exec_a is ready; exec_b has no identifier nor archiving workflow; exec_c has a paused
    // technical workflow; exec_d is out of reach; exec_e is disabled; exec_f refuses itself.
    for (const char* name : {"exec_a", "exec_b", "exec_c", "exec_d", "exec_e", "exec_f"}) {
      const std::string n = name;
      REQUIRE(
          accounts
              .Create(
                  {.internal_name = n, .endpoint = Endpoint(n), .credential = "0123456789abcdef"})
              .ok());
      Instance instance{.summary = {.workflows_started = true, .workflows = kStarted}};
      if (n != "exec_b") {
        REQUIRE(accounts.SetInstanceId(n, "inst-" + n).ok());
        REQUIRE(archiving.Create(n, 3600).ok());
        instance.summary.instance_id = "inst-" + n;
      }
      gateway.Set(Endpoint(n), instance);
    }
    gateway.Change(Endpoint("exec_c"), [](Instance& i) {
      i.summary.workflows_started = false;
      i.summary.workflows[1].second = "paused";
    });
    gateway.Change(Endpoint("exec_d"), [](Instance& i) {
      i.down = absl::UnavailableError(
          "execution instance 'exec_d' at exec_d:50051 is "
          "unreachable: gone");
    });
    REQUIRE(accounts.SetEnabled("exec_e", false).ok());
    gateway.Change(Endpoint("exec_f"), [](Instance& i) {
      i.publish = absl::InvalidArgumentError(
          "execution instance 'exec_f' at exec_f:50051: "
          "html_body: line 1, column 1: no");
    });
    REQUIRE(authoring
                .Create({.internal_name = "shipTpl",
                         .label = "Shipped",
                         .event_type = "ORDER_SHIPPED",
                         .channel = 0,
                         .subject = "Order <%= rtEvent.ctx.order %>",
                         .text_body = "Shipped."})
                .ok());
  }

  static std::string Endpoint(const std::string& account) { return account + ":50051"; }

  // The Publish calls the instances got, sorted (they are made in parallel).
  std::vector<std::string> PublishCalls() {
    std::vector<std::string> out;
    for (const std::string& c : gateway.calls()) {
      if (c.rfind("Publish", 0) == 0) out.push_back(c);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // "account version code" per recorded outcome.
  std::vector<std::string> Recorded() {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::read_transaction tx(c);
    std::vector<std::string> out;
    for (const pqxx::row& r :
         tx.exec("SELECT account, version, code FROM " + tx.quote_name(schema) +
                 ".publications ORDER BY version, account")) {
      out.push_back(absl::StrCat(r[0].as<std::string>(), " ", r[1].as<int>(), " ", r[2].as<int>()));
    }
    return out;
  }

  const std::string schema;
  pg::ConnectionPool pool;
  TemplateRepository templates;
  BlockRepository blocks;
  AccountRepository accounts;
  ArchivingRepository archiving;
  FakeExecutionGateway gateway;
  metrics::Metrics metrics;
  ControlMetrics control_metrics;
  TemplateAuthoring authoring;
};

TEST_CASE("a publication goes to every enabled instance, each with its outcome") {
  Fixture f;
  absl::StatusOr<PublicationResult> result = f.authoring.Publish("shipTpl");
  REQUIRE(result.ok());
  CHECK(result->version == 1);
  CHECK(Outcomes(*result) ==
        std::vector<std::string>{
            "exec_a 0 ",
            "exec_b 9 execution instance 'exec_b' at exec_b:50051 cannot take publications: no "
            "execution-instance identifier (run Initialize connection); no archiving workflow "
            "(create mcSynch_exec_b)",
            "exec_c 9 execution instance 'exec_c' at exec_c:50051 cannot take publications: "
            "technical workflows not started: batchEvent (paused)",
            "exec_d 14 execution instance 'exec_d' at exec_d:50051 is unreachable: gone",
            "exec_f 3 execution instance 'exec_f' at exec_f:50051: html_body: line 1, column 1: "
            "no"});
  CHECK(result->outcomes[0].instance_id == "inst-exec_a");
  // Only the instances that passed the control's checks were asked; the disabled one never.
  CHECK(f.PublishCalls() == std::vector<std::string>{"Publish v1 exec_a", "Publish v1 exec_f"});
  for (const std::string& c : f.gateway.calls()) CHECK(c.find("exec_e") == std::string::npos);
  const std::vector<TemplatePublication> taken = f.gateway.Get("exec_a:50051").published;
  REQUIRE(taken.size() == 1);
  CHECK(taken[0].internal_name == "shipTpl");
  CHECK(taken[0].event_type == "ORDER_SHIPPED");
  CHECK(taken[0].version == 1);
  CHECK(taken[0].subject == "Order <%= rtEvent.ctx.order %>");
  CHECK(taken[0].text_body == "Shipped.");
  CHECK(result->template_.status == TemplateStatus::kPublished);
  CHECK(result->template_.version == 1);
  CHECK(f.Recorded() == std::vector<std::string>{"exec_a 1 0", "exec_b 1 9", "exec_c 1 9",
                                                 "exec_d 1 14", "exec_f 1 3"});
  const std::string text = f.metrics.Render();
  CHECK(Has(text, "mc_publications_total{outcome=\"ok\"} 1"));
  CHECK(Has(text, "mc_publications_total{outcome=\"refused\"} 3"));
  CHECK(Has(text, "mc_publications_total{outcome=\"error\"} 1"));

  // The next publication is the next version.
  result = f.authoring.Publish("shipTpl");
  REQUIRE(result.ok());
  CHECK(result->version == 2);
  CHECK(f.gateway.Get("exec_a:50051").published.back().version == 2);
}

TEST_CASE("a publication no instance took spends no version") {
  Fixture f;
  f.gateway.Change("exec_a:50051",
                   [](Instance& i) { i.down = absl::UnavailableError("exec_a unreachable"); });
  absl::StatusOr<PublicationResult> result = f.authoring.Publish("shipTpl");
  CHECK(result.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(result.status().message().rfind(
            "template 'shipTpl' was published nowhere: exec_a unreachable | execution instance "
            "'exec_b' at exec_b:50051 cannot take publications: ",
            0) == 0);
  absl::StatusOr<AuthoredTemplate> t = f.authoring.Get("shipTpl");
  REQUIRE(t.ok());
  CHECK(t->version == 0);
  CHECK(t->status == TemplateStatus::kEditing);
  // Each instance's answer is recorded all the same.
  CHECK(f.Recorded().size() == 5);

  SECTION("only out of reach everywhere: UNAVAILABLE, worth retrying") {
    for (const char* n : {"exec_b", "exec_c", "exec_f"}) {
      REQUIRE(f.accounts.SetEnabled(n, false).ok());
    }
    result = f.authoring.Publish("shipTpl");
    CHECK(result.status().code() == absl::StatusCode::kUnavailable);
    REQUIRE(f.authoring.Get("shipTpl").ok());
    CHECK(f.authoring.Get("shipTpl")->version == 0);
  }
  SECTION("the version is the same once an instance takes it") {
    f.gateway.Change("exec_a:50051", [](Instance& i) { i.down = absl::OkStatus(); });
    result = f.authoring.Publish("shipTpl");
    REQUIRE(result.ok());
    CHECK(result->version == 1);
    CHECK(result->template_.version == 1);
    CHECK(f.gateway.Get("exec_a:50051").published.at(0).version == 1);
  }
}

TEST_CASE("no enabled instance: nothing to publish to") {
  Fixture f;
  for (const char* n : {"exec_a", "exec_b", "exec_c", "exec_d", "exec_f"}) {
    REQUIRE(f.accounts.SetEnabled(n, false).ok());
  }
  absl::StatusOr<PublicationResult> result = f.authoring.Publish("shipTpl");
  CHECK(result.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(result.status().message() ==
        "no enabled execution instance: create and enable an external account first");
  CHECK(f.gateway.calls().empty());
}

TEST_CASE("an unpublication reaches every account; one failing keeps the template published") {
  Fixture f;
  REQUIRE(f.authoring.Publish("shipTpl").ok());
  absl::StatusOr<PublicationResult> result = f.authoring.Unpublish("shipTpl");
  CHECK(result.status().code() == absl::StatusCode::kUnavailable);
  CHECK(result.status().message() ==
        "template 'shipTpl' is still published somewhere: execution instance 'exec_d' at "
        "exec_d:50051 is unreachable: gone");
  CHECK(f.authoring.Get("shipTpl")->status == TemplateStatus::kPublished);
  // The disabled account too: none may keep routing to it.
  CHECK(f.gateway.Get("exec_e:50051").unpublished == std::vector<std::string>{"shipTpl"});

  f.gateway.Change("exec_d:50051", [](Instance& i) { i.down = absl::OkStatus(); });
  result = f.authoring.Unpublish("shipTpl");
  REQUIRE(result.ok());
  CHECK(result->outcomes.size() == 6);
  CHECK(result->version == 1);
  CHECK(result->template_.status == TemplateStatus::kEditing);
}

TEST_CASE("a preview renders a seed as the event: its address on the template's channel") {
  Fixture f;
  REQUIRE(f.authoring
              .Create({.internal_name = "smsTpl",
                       .event_type = "CODE",
                       .channel = 1,
                       .sms_text = "<%= rtEvent.mobilePhone %>[<%= rtEvent.email %>] "
                                   "<%= rtEvent.type %> <%= rtEvent.id %> <%= rtEvent.ctx.code %>",
                       .seeds = {{.address = "+33612345678", .ctx_json = R"({"code":"42"})"}}})
              .ok());
  absl::StatusOr<RenderedPreview> preview = f.authoring.Preview("smsTpl", 0);
  REQUIRE(preview.ok());
  CHECK(preview->address == "+33612345678");
  CHECK(preview->sms_text == "+33612345678[] CODE 0 42");
  preview = f.authoring.Preview("shipTpl", 0);
  CHECK(preview.status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("a draft previews unsaved edits with the stored seeds, and nothing is saved") {
  Fixture f;
  REQUIRE(f.authoring
              .Create({.internal_name = "smsTpl",
                       .event_type = "CODE",
                       .channel = 1,
                       .sms_text = "Code <%= rtEvent.ctx.code %>",
                       .seeds = {{.address = "+33612345678", .ctx_json = R"({"code":"42"})"}}})
              .ok());
  AuthoredTemplate draft{
      .event_type = "CODE", .channel = 1, .sms_text = "Your code: <%= rtEvent.ctx.code %>!"};
  absl::StatusOr<RenderedPreview> preview = f.authoring.Preview("smsTpl", 0, &draft);
  REQUIRE(preview.ok());
  CHECK(preview->sms_text == "Your code: 42!");
  CHECK(f.authoring.Get("smsTpl")->sms_text == "Code <%= rtEvent.ctx.code %>");
  // A draft is checked as a saved template is.
  draft.sms_text = "<%= unclosed";
  CHECK(f.authoring.Preview("smsTpl", 0, &draft).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.authoring.Preview("nope", 0, &draft).status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("a preview renders the variant the seed's language picks, formatted for its country") {
  Fixture f;
  REQUIRE(f.authoring
              .Create({.internal_name = "frTpl",
                       .event_type = "ORDER",
                       .channel = 0,
                       .subject = "Total <%= formatNumber(rtEvent.ctx.total) %>",
                       .text_body = "Thanks.",
                       .default_language = "en",
                       .variants = {{.language = "fr",
                                     .subject = "Total <%= formatNumber(rtEvent.ctx.total) %>",
                                     .text_body = "Merci."}},
                       .seeds = {{.address = "ana@example.test", .ctx_json = R"({"total":1234.5})"},
                                 {.address = "zoe@example.fr",
                                  .ctx_json = R"({"total":1234.5})",
                                  .language = "fr",
                                  .country = "FR"}}})
              .ok());
  absl::StatusOr<RenderedPreview> en = f.authoring.Preview("frTpl", 0);
  REQUIRE(en.ok());
  CHECK(en->subject == "Total 1,234.5");
  CHECK(en->text_body == "Thanks.");
  absl::StatusOr<RenderedPreview> fr = f.authoring.Preview("frTpl", 1);
  REQUIRE(fr.ok());
  CHECK(fr->subject == "Total 1\u202f234,5");
  CHECK(fr->text_body == "Merci.");
  // Stored with the template: read back as written.
  absl::StatusOr<AuthoredTemplate> t = f.authoring.Get("frTpl");
  REQUIRE(t.ok());
  REQUIRE(t->seeds.size() == 2);
  CHECK(t->seeds[1].language == "fr");
  CHECK(t->seeds[1].country == "FR");
  CHECK(t->seeds[0].language.empty());
}

TEST_CASE("a proof goes to the named instance with every seed, as the next publication would") {
  Fixture f;
  REQUIRE(f.blocks.Create({.name = "footer", .content = "Brand footer"}).ok());
  REQUIRE(f.authoring
              .Create({.internal_name = "proofTpl",
                       .event_type = "ORDER",
                       .channel = 0,
                       .subject = "Order <%= rtEvent.ctx.order %>",
                       .text_body = "Thanks. <%@ include view='footer' %>",
                       .seeds = {{.address = "ana@example.test", .ctx_json = R"({"order":"A-1"})"},
                                 {.address = "zoe@example.fr",
                                  .ctx_json = R"({"order":"A-2"})",
                                  .language = "fr",
                                  .country = "FR"}}})
              .ok());
  absl::StatusOr<ProofResult> r = f.authoring.SendProof("proofTpl", "exec_a");
  REQUIRE(r.ok());
  CHECK(r->account == "exec_a");
  REQUIRE(r->outcomes.size() == 2);
  CHECK(r->outcomes[0].address == "ana@example.test");
  CHECK(r->outcomes[0].code == 0);
  CHECK(r->outcomes[1].language == "fr");
  const Instance a = f.gateway.Get(Fixture::Endpoint("exec_a"));
  REQUIRE(a.proofs.size() == 1);
  CHECK(a.proofs[0].first.text_body == "Thanks. Brand footer");  // the blocks of now
  CHECK(a.proofs[0].first.version == 1);
  REQUIRE(a.proofs[0].second.size() == 2);
  CHECK(a.proofs[0].second[1].ctx_json == R"({"order":"A-2"})");
  CHECK(a.proofs[0].second[1].country == "FR");
  CHECK(a.published.empty());
  // Nothing published, nothing recorded, no other instance called.
  absl::StatusOr<AuthoredTemplate> t = f.authoring.Get("proofTpl");
  REQUIRE(t.ok());
  CHECK(t->status == TemplateStatus::kEditing);
  CHECK(t->version == 0);
  CHECK(f.Recorded().empty());
  for (const std::string& call : f.gateway.calls()) CHECK(call == "SendProof exec_a");

  struct Row {
    std::string name, template_name, account;
    absl::StatusCode code;
  };
  for (const Row& row : std::vector<Row>{
           {"no seed", "shipTpl", "exec_a", absl::StatusCode::kFailedPrecondition},
           {"disabled account", "proofTpl", "exec_e", absl::StatusCode::kFailedPrecondition},
           {"unknown account", "proofTpl", "nope", absl::StatusCode::kNotFound},
           {"no account", "proofTpl", "", absl::StatusCode::kInvalidArgument},
           {"unknown template", "nope", "exec_a", absl::StatusCode::kNotFound},
           {"unreachable", "proofTpl", "exec_d", absl::StatusCode::kUnavailable},
       }) {
    INFO(row.name);
    CHECK(f.authoring.SendProof(row.template_name, row.account).status().code() == row.code);
  }
}

}  // namespace
}  // namespace mc::control
