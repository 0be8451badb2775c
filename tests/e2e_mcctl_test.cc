// End to end through the operator's command line only: the real mcctl binary, run as a
// subprocess (stdout, stderr and exit code captured), against a control instance and an
// execution instance (real binaries on port 0, a real PostgreSQL, a real SMTP server and SMS
// provider on loopback). Accounts, workflows, templates from files, events from JSON files,
// archiving and reports, in tables and in JSON; then every error class and its exit code, and
// mutual TLS.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/pgcluster/free_port.h"
#include "common/process/subprocess.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/mcctl_run.h"
#include "tests/support/test_certificates.h"

namespace mc::e2e {
namespace {

using nlohmann::json;

constexpr char kPusherToken[] = "pusher-token-for-mcctl-0123";

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<sinks::HttpSink> sms;
  std::unique_ptr<process::ServiceProcess> control;
  std::unique_ptr<process::ServiceProcess> execution;
  std::string dir;  // input files of the test
};

Cluster& TheCluster() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.sms = *sinks::HttpSink::Start();
    const std::string tokens = absl::StrCat("--auth_tokens=", kToken, ",pusher:", kPusherToken);
    c.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("mcctl_control"),
                     {"--noarchiving_scheduler", tokens}));
    c.execution = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), testing::FreshSchema("mcctl_exec"),
        {"--smtp_url=" + c.smtp->url(), "--sms_url=" + c.sms->url(), "--retry_base_ms=100",
         "--max_tries=2", "--workflow_refresh_ms=100", "--batch_poll_ms=100", tokens}));
    c.dir = (std::filesystem::temp_directory_path() / absl::StrCat("mc-e2e-mcctl-", ::getpid()))
                .string();
    std::filesystem::create_directories(c.dir);
    return c;
  }();
  return c;
}

// Writes `text` to a file of the test's folder; returns its path.
std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = TheCluster().dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

struct Cli {
  std::string command;
  int code = -1;
  std::string out, err;

  json Json() const {
    json j = json::parse(out, nullptr, false);
    INFO(command << "\nstdout:\n" << out << "stderr:\n" << err);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }
};

// Runs mcctl with the cluster's addresses and the test token in its environment; `env`
// entries ("NAME=value") override those.
Cli Mcctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  const Cluster& c = TheCluster();
  std::vector<std::string> all = {"MC_CONTROL=" + c.control->address(),
                                  "MC_EXECUTION=" + c.execution->address(),
                                  std::string("MC_TOKEN=") + kToken, "MC_TOKEN_FILE="};
  all.insert(all.end(), env.begin(), env.end());
  McctlRun r = RunMcctl(MC_MCCTL_BIN, args, all);
  return {.command = std::move(r.command),
          .code = r.code,
          .out = std::move(r.out),
          .err = std::move(r.err)};
}

// Runs mcctl and requires exit code `expected`.
Cli Expect(int expected, const std::vector<std::string>& args,
           const std::vector<std::string>& env = {}) {
  Cli r = Mcctl(args, env);
  INFO(r.command << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
  REQUIRE(r.code == expected);
  return r;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Proto JSON writes 64-bit integers as strings.
int64_t Int(const json& j) {
  if (j.is_string()) return std::stoll(j.get<std::string>());
  return j.get<int64_t>();
}

// The line of `table` whose first column is `key`.
std::string Row(const std::string& table, const std::string& key) {
  for (absl::string_view line : absl::StrSplit(table, '\n')) {
    if (absl::StartsWith(line, key + " ")) return std::string(line);
  }
  return "";
}

// Lists events through mcctl until there are `count`, all final (or 60 s); returns the list.
json WaitAllFinal(size_t count) {
  json listed;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    listed = Expect(0, {"events", "list", "--limit", "100", "--json"}).Json();
    bool all_final = listed["events"].size() == count;
    for (const json& e : listed["events"]) {
      const std::string status = e["status"];
      all_final &= status != "EVENT_STATUS_PENDING" && status != "EVENT_STATUS_PENDING_DELIVERY";
    }
    if (all_final || std::chrono::steady_clock::now() > deadline) return listed;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

TEST_CASE("mcctl accounts: create, list, get, test, init; the credential never shows") {
  const Cluster& c = TheCluster();
  const std::string credential =
      WriteFile("exec_a.token", absl::StrCat("# the control's token for exec_a\n", kToken, "\n"));
  Cli created = Expect(0, {"accounts", "create", "exec_a", "--endpoint", c.execution->address(),
                           "--credential-file", credential, "--label", "Instance A"});
  CHECK(Contains(created.out, "Created account exec_a."));
  CHECK(Contains(created.out, "credential:   set"));
  CHECK_FALSE(Contains(created.out + created.err, kToken));

  Cli dup = Expect(3, {"accounts", "create", "exec_a", "--endpoint", c.execution->address(),
                       "--credential-file", credential});
  CHECK(dup.err.rfind("mcctl: accounts create exec_a: ", 0) == 0);
  CHECK(Contains(dup.err, "hint: it is there already: see `mcctl accounts list`"));
  CHECK(Contains(dup.err, "(ALREADY_EXISTS)"));

  // A table for people: aligned columns under a header.
  Cli listed = Expect(0, {"accounts", "list"});
  const std::string header = Row(listed.out, "NAME");
  const std::string row = Row(listed.out, "exec_a");
  REQUIRE_FALSE(row.empty());
  CHECK(header.find("ENDPOINT") == row.find(c.execution->address()));
  CHECK(header.find("INSTANCE ID") == row.rfind("-"));
  CHECK(Contains(row, "Instance A"));

  json accounts = Expect(0, {"--json", "accounts", "list"}).Json();
  REQUIRE(accounts["accounts"].size() == 1);
  CHECK(accounts["accounts"][0]["internalName"] == "exec_a");
  CHECK(accounts["accounts"][0]["hasCredential"] == true);
  CHECK(accounts["accounts"][0]["credential"] == "");
  CHECK(accounts["accounts"][0]["connectionMethod"] == "CONNECTION_METHOD_INSECURE");

  Cli tested = Expect(0, {"accounts", "test", "exec_a"});
  CHECK(tested.out.rfind("Reached exec_a at " + c.execution->address(), 0) == 0);
  CHECK(Contains(tested.out, MC_VERSION));
  CHECK(Contains(Row(tested.out, "rtEventsProcessing"), "stopped"));
  json test = Expect(0, {"accounts", "test", "exec_a", "--json"}).Json();
  CHECK(test["version"] == MC_VERSION);
  CHECK(test["workflowsStarted"] == false);
  CHECK(test["workflows"].size() == 4);

  json init = Expect(0, {"accounts", "init", "exec_a", "--json"}).Json();
  const std::string instance_id = init["instanceId"];
  CHECK(instance_id.rfind("exec_a-", 0) == 0);
  CHECK(Contains(Expect(0, {"accounts", "get", "exec_a"}).out, "instance id:  " + instance_id));

  // An instance nobody listens for: the control answers UNAVAILABLE naming it (exit 4).
  const std::string nowhere = absl::StrCat("127.0.0.1:", *pgcluster::FreeLoopbackPort());
  Expect(0, {"accounts", "create", "gone", "--endpoint", nowhere, "--credential-file", credential});
  Cli gone = Expect(4, {"accounts", "test", "gone"});
  CHECK(Contains(gone.err, nowhere));
  CHECK(Contains(gone.err, "answered, but could not reach the service named above"));
  CHECK(Contains(Expect(0, {"accounts", "delete", "gone"}).out, "Deleted account gone"));
  Expect(3, {"accounts", "get", "gone"});
}

TEST_CASE("mcctl templates and workflows: authored from files, refused, then published") {
  const std::string html = WriteFile("order.html", "<p>Hello <%= rtEvent.ctx.name %></p>\n");
  const std::string text = WriteFile("order.txt", "Hello <%= rtEvent.ctx.name %>\n");
  const std::string seed = WriteFile("seed.json", R"({"name":"<Zoé>","order":{"id":"S-1"}})");
  Cli created = Expect(0, {"templates", "create", "orderShipped", "--event-type", "ORDER_SHIPPED",
                           "--channel", "email", "--label", "Order shipped", "--subject",
                           "Order <%= rtEvent.ctx.order.id %> shipped", "--html-file", html,
                           "--text-file", text, "--seed", "seed@example.com=" + seed});
  CHECK(Contains(created.out, "status:      editing"));
  const std::string sms = WriteFile("order.sms", "Order <%= rtEvent.ctx.order.id %> shipped");
  Expect(0, {"templates", "create", "orderShippedSms", "--event-type", "ORDER_SHIPPED", "--channel",
             "sms", "--sms-file", sms});

  const std::string broken = WriteFile("broken.html", "<p>\n<%= rtEvent.ctx.name");
  Cli refused = Expect(3, {"templates", "create", "broken", "--event-type", "ORDER_SHIPPED",
                           "--channel", "email", "--subject", "Hi", "--html-file", broken});
  INFO(refused.err);
  CHECK(Contains(refused.err, "html_body: line 2, column 1"));
  CHECK(Contains(refused.err, "(INVALID_ARGUMENT)"));

  Cli preview = Expect(0, {"templates", "preview", "orderShipped"});
  CHECK(Contains(preview.out, "to:         seed@example.com"));
  CHECK(Contains(preview.out, "subject:    Order S-1 shipped"));
  CHECK(Contains(preview.out, "html body:  <p>Hello &lt;Zoé&gt;</p>"));
  CHECK(Contains(preview.out, "text body:  Hello <Zoé>"));

  // Not ready: the workflows are stopped and there is no archiving workflow.
  Cli early = Expect(3, {"templates", "publish", "orderShipped"});
  CHECK(early.err.rfind("mcctl: templates publish orderShipped: ", 0) == 0);
  CHECK(Contains(early.err, "technical workflows not started"));
  CHECK(Contains(early.err, "no archiving workflow (create mcSynch_exec_a)"));
  CHECK(Contains(early.err, "(FAILED_PRECONDITION)"));

  Cli workflows = Expect(0, {"workflows", "list"});
  for (const char* name :
       {"rtEventsProcessing", "batchEventsProcessing", "updateEventStatus", "webhookDelivery"}) {
    CHECK(Contains(Row(workflows.out, name), "stopped"));
    CHECK(Expect(0, {"workflows", "start", name}).out == absl::StrCat(name, ": started\n"));
  }
  json listed = Expect(0, {"workflows", "list", "--json"}).Json();
  for (const json& w : listed["workflows"]) CHECK(w["state"] == "WORKFLOW_STATE_STARTED");
  CHECK(Expect(0, {"workflows", "pause", "updateEventStatus"}).out ==
        "updateEventStatus: paused\n");
  Expect(0, {"workflows", "start", "updateEventStatus"});
  Expect(3, {"workflows", "start", "noSuchWorkflow"});

  Cli archiving = Expect(0, {"archiving", "create", "exec_a"});
  CHECK(Contains(archiving.out, "Created and started mcSynch_exec_a."));
  const std::string row = Row(Expect(0, {"archiving", "list"}).out, "mcSynch_exec_a");
  CHECK(Contains(row, " exec_a "));
  CHECK(Contains(row, " started "));
  CHECK(Contains(row, "3600"));
  CHECK(Expect(0, {"archiving", "schedule", "mcSynch_exec_a", "--every-seconds", "600"})
            .out.rfind("mcSynch_exec_a: every 600 s", 0) == 0);

  Cli published = Expect(0, {"templates", "publish", "orderShipped"});
  CHECK(Contains(published.out, "Published orderShipped version 1."));
  CHECK(Contains(Row(published.out, "exec_a"), "ok"));
  json again = Expect(0, {"templates", "publish", "orderShipped", "--json"}).Json();
  CHECK(again["version"] == 2);
  REQUIRE(again["outcomes"].size() == 1);
  CHECK(again["outcomes"][0]["account"] == "exec_a");
  CHECK(again["outcomes"][0]["code"] == 0);
  Expect(0, {"templates", "publish", "orderShippedSms"});

  // Update changes only what is given.
  Expect(0, {"templates", "update", "orderShipped", "--label", "Order shipped (v2)"});
  json got = Expect(0, {"templates", "get", "orderShipped", "--json"}).Json();
  CHECK(got["label"] == "Order shipped (v2)");
  CHECK(got["subject"] == "Order <%= rtEvent.ctx.order.id %> shipped");
  CHECK(got["seeds"].size() == 1);
  CHECK(got["status"] == "TEMPLATE_STATUS_PUBLISHED");
  CHECK(Contains(Row(Expect(0, {"templates", "list"}).out, "orderShipped "), "published"));
  Cli undeletable = Expect(3, {"templates", "delete", "orderShipped"});
  CHECK(Contains(undeletable.err, "(FAILED_PRECONDITION)"));
}

TEST_CASE("mcctl blocks and a template from one JSON file: variants, sender, attachments") {
  const std::string footer = WriteFile("footer.html", "<p>Brand, Paris</p>");
  Cli created = Expect(0, {"blocks", "create", "footer", "--file", footer, "--label", "Footer"});
  CHECK(Contains(created.out, "Created block footer."));
  CHECK(Contains(created.out, "version:  1"));
  const std::string file = WriteFile("welcome.json", R"({
    "eventType": "WELCOME", "channel": "CHANNEL_EMAIL", "defaultLanguage": "en",
    "subject": "Welcome", "htmlBody": "<p>Hi</p><%@ include view='footer' %>",
    "variants": [{"language": "fr", "subject": "Bienvenue",
                  "htmlBody": "<p>Salut</p><%@ include view=\"footer\" %>"}],
    "sender": {"from": "Brand <shop@brand.test>",
               "headers": [{"name": "X-Campaign", "value": "welcome"}],
               "listUnsubscribe": "<https://brand.test/u>", "listUnsubscribePost": true},
    "attachments": [{"url": "https://brand.test/terms.pdf", "filename": "Terms.pdf"}]})");
  Cli t = Expect(0, {"templates", "create", "welcome", "--file", file, "--label", "Welcome"});
  CHECK(Contains(t.out, "subject [fr]:"));
  CHECK(Contains(t.out, "from:"));
  CHECK(Contains(t.out, "header:"));
  CHECK(Contains(t.out, "X-Campaign: welcome"));
  CHECK(Contains(t.out, "<https://brand.test/u> (one-click)"));
  CHECK(Contains(t.out, "https://brand.test/terms.pdf as Terms.pdf"));
  Cli published = Expect(0, {"templates", "publish", "welcome"});
  CHECK(Contains(published.out, "Published welcome version 1."));
  json got = Expect(0, {"templates", "get", "welcome", "--json"}).Json();
  CHECK(got["label"] == "Welcome");
  CHECK(got["variants"][0]["language"] == "fr");
  CHECK(got["sender"]["listUnsubscribePost"] == true);
  CHECK(got["publishedBlocks"][0]["name"] == "footer");
  CHECK(got["publishedBlocks"][0]["version"] == 1);

  const std::string footer2 = WriteFile("footer2.html", "<p>Brand, Lyon</p>");
  Cli updated = Expect(0, {"blocks", "update", "footer", "--file", footer2});
  CHECK(Contains(updated.out, "Updated block footer to version 2"));
  CHECK(Contains(Row(Expect(0, {"blocks", "list"}).out, "footer"), " 2 "));
  Cli in_use = Expect(3, {"blocks", "delete", "footer"});
  CHECK(Contains(in_use.err, "block 'footer' is included by template 'welcome'"));
  CHECK(Contains(in_use.err, "(FAILED_PRECONDITION)"));
  // Update from the file: what it holds replaces, the rest (the label) stays.
  const std::string no_variants = WriteFile("welcome2.json", R"({"variants": []})");
  Expect(0, {"templates", "update", "welcome", "--file", no_variants});
  got = Expect(0, {"templates", "get", "welcome", "--json"}).Json();
  CHECK(got["label"] == "Welcome");
  CHECK(got.value("variants", json::array()).empty());
  Cli unknown = Expect(3, {"templates", "update", "welcome", "--html-file",
                           WriteFile("bad.html", "<%@ include view='nope' %>")});
  CHECK(Contains(unknown.err, "html_body: includes block 'nope', which does not exist"));
  Expect(0, {"templates", "unpublish", "welcome"});
}

TEST_CASE("mcctl events, archiving and reports: what was pushed is what the reports count") {
  const std::string ctx = R"("ctx":{"name":"Ana","order":{"id":"A-1"}})";
  std::vector<std::string> events;
  for (int i = 0; i < 3; ++i) {
    events.push_back(absl::StrCat(R"({"type":"ORDER_SHIPPED","email":"user)", i,
                                  R"(@a.test","externalId":"order-)", i, R"(",)", ctx, "}"));
  }
  events.push_back(R"({"type":"NO_TEMPLATE","email":"x@a.test"})");
  events.push_back(
      absl::StrCat(R"({"type":"ORDER_SHIPPED","email":"bounce-1@example.com",)", ctx, "}"));
  events.push_back(
      R"({"type":"ORDER_SHIPPED","wishedChannel":"CHANNEL_SMS","mobilePhone":"+33612345678",)" +
      ctx + "}");
  events.push_back(R"({"type":"ORDER_SHIPPED","email":"not-an-email"})");
  const std::string file = WriteFile("events.json", "[" + absl::StrJoin(events, ",\n") + "]");

  // One event of seven is invalid: the others are stored, the exit code says 3.
  Cli pushed = Expect(3, {"events", "push", "--queue", "rt", file, "--json"});
  CHECK(Contains(pushed.err, "1 of 7 events rejected"));
  json results = pushed.Json();
  CHECK(results["accepted"] == 6);
  CHECK(results["rejected"] == 1);
  REQUIRE(results["results"].size() == 7);
  CHECK(Int(results["results"][6]["id"]) == 0);
  CHECK(results["results"][6]["rejection"]["field"] == "email");
  const int64_t bounce_id = Int(results["results"][4]["id"]);
  WaitAllFinal(6);

  // Again, for people: those with an external id are duplicates, the others are new (the
  // bounced address is in quarantine now).
  Cli human = Expect(3, {"events", "push", "--queue", "rt", file});
  CHECK(Contains(Row(human.out, "0"), "duplicate"));
  CHECK(Contains(Row(human.out, "4"), "queued"));
  CHECK(Contains(Row(human.out, "6"), "rejected (INVALID_ARGUMENT): "));
  CHECK(Contains(human.out, "6 accepted, 1 rejected (rt)."));

  const std::string single =
      WriteFile("batch.json", absl::StrCat(R"({"type":"ORDER_SHIPPED","email":"batch@a.test",)",
                                           R"("externalId":"batch-1",)", ctx, "}"));
  Cli queued = Expect(0, {"events", "push", "--queue", "batch", single});
  CHECK(queued.out.rfind("Queued event ", 0) == 0);
  CHECK(Contains(Expect(0, {"events", "push", "--queue", "batch", single}).out, "Duplicate of"));

  // 6 + 3 new from the second push + 1 batch.
  const json listed = WaitAllFinal(10);
  std::map<std::string, int> by_status;
  for (const json& e : listed["events"]) by_status[e["status"]]++;
  CHECK(listed["events"].size() == 10);
  CHECK(by_status["EVENT_STATUS_SENT"] == 6);
  CHECK(by_status["EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT"] == 2);
  CHECK(by_status["EVENT_STATUS_DELIVERY_FAILED"] == 1);
  CHECK(by_status["EVENT_STATUS_IGNORED_BY_DELIVERY"] == 1);

  Cli bounced = Expect(0, {"events", "get", absl::StrCat(bounce_id)});
  CHECK(Contains(bounced.out, "status:        Delivery failed"));
  CHECK(Contains(bounced.out, "address:       bounce-1@example.com"));
  CHECK(Contains(bounced.out, "tries:         1\n"));
  CHECK(Contains(bounced.out, "last failure:  hard: SMTP 550 5.1.1"));
  CHECK(Contains(bounced.out, "  delivery outcome  Delivery failed  "));
  json batch =
      Expect(0, {"events", "get", "--external-id", "batch-1", "--queue", "batch", "--json"}).Json();
  CHECK(batch["queue"] == "QUEUE_BATCH");
  CHECK(batch["status"] == "EVENT_STATUS_SENT");
  CHECK(batch["event"]["ctx"]["order"]["id"] == "A-1");
  CHECK(Contains(batch["story"]["messageId"].get<std::string>(),
                 absl::StrCat("<ev-batch-", Int(batch["id"]), "@")));
  CHECK(batch["story"]["timeline"].back()["step"] == "TIMELINE_STEP_FINAL");
  Cli by_address = Expect(0, {"events", "list", "--address", "BOUNCE-1@example.com"});
  CHECK(Contains(by_address.out, "No events."));  // the local part is compared as given
  by_address = Expect(0, {"events", "list", "--address", "bounce-1@EXAMPLE.COM", "--json"});
  CHECK(by_address.Json()["events"].size() == 2);  // the bounce and the one it quarantined
  Cli failed = Expect(0, {"events", "list", "--status", "failed"});
  CHECK(Contains(failed.out, "bounce-1@example.com"));
  CHECK_FALSE(Contains(failed.out, "user0@a.test"));
  Cli missing = Expect(3, {"events", "get", "999999999"});
  CHECK(Contains(missing.err, "(NOT_FOUND)"));

  // Archive: every final event once, then nothing new.
  Cli run = Expect(0, {"archiving", "run", "mcSynch_exec_a"});
  CHECK(Contains(run.out, "events copied:         10"));
  CHECK(Contains(run.out, "error:                 -"));
  json second = Expect(0, {"archiving", "run", "mcSynch_exec_a", "--json"}).Json();
  CHECK(Int(second["eventsCopied"]) == 0);
  CHECK(second["error"] == "");
  Cli runs = Expect(0, {"archiving", "runs", "mcSynch_exec_a"});
  CHECK(Contains(runs.out, "RUN"));
  CHECK(std::count(runs.out.begin(), runs.out.end(), '\n') == 3);

  // The archive searched: by email (its domain in another case), by external id as JSON, a
  // page at a time, then one event's story.
  Cli search = Expect(0, {"archive", "search", "--email", "user1@A.TEST"});
  const std::string user1 = Row(search.out, "exec_a");
  CHECK(Contains(search.out, "MESSAGE-ID"));
  CHECK(Contains(user1, "order-1"));
  CHECK(Contains(user1, "orderShipped@"));
  CHECK(Contains(user1, "Sent"));
  CHECK(Contains(user1, "@"));
  CHECK_FALSE(Contains(search.out, "next page"));
  json by_id = Expect(0, {"archive", "search", "--external-id", "order-1", "--json"}).Json();
  REQUIRE(by_id["events"].size() == 1);
  CHECK(by_id["events"][0]["address"] == "user1@a.test");
  CHECK(Contains(user1, by_id["events"][0]["messageId"].get<std::string>()));
  Cli page1 = Expect(0, {"archive", "search", "--type", "ORDER_SHIPPED", "--limit", "3"});
  const size_t at = page1.out.find("next page: --page-token ");
  REQUIRE(at != std::string::npos);
  const std::string token = page1.out.substr(at + 24, page1.out.find('\n', at) - at - 24);
  Cli page2 = Expect(
      0, {"archive", "search", "--type", "ORDER_SHIPPED", "--limit", "10", "--page-token", token});
  CHECK(std::count(page1.out.begin(), page1.out.end(), '\n') == 5);  // header, 3, next
  CHECK(std::count(page2.out.begin(), page2.out.end(), '\n') == 6);  // header, the other 5
  Cli other = Expect(3, {"archive", "search", "--type", "NO_TEMPLATE", "--page-token", token});
  CHECK(Contains(other.err, "page_token: not a token SearchEvents issued for this filter"));
  Cli story =
      Expect(0, {"archive", "get", "exec_a", by_id["events"][0]["eventId"].get<std::string>()});
  CHECK(Contains(story.out, "template:"));
  CHECK(Contains(story.out, "orderShipped@"));
  CHECK(Contains(story.out, "delivery outcome"));
  CHECK(Contains(story.out, "received"));
  CHECK(Contains(Expect(3, {"archive", "get", "exec_a", "999999999"}).err, "(NOT_FOUND)"));

  // Reports, for people and as JSON.
  Cli level = Expect(0, {"reports", "service-level", "--hours", "1"});
  CHECK(level.out.rfind("Service level over 1.00 h.", 0) == 0);
  CHECK(Contains(Row(level.out, "exec_a"), "10"));
  CHECK_FALSE(Row(level.out, "(total)").empty());
  json sl = Expect(0, {"reports", "service-level", "--hours", "1", "--json"}).Json();
  REQUIRE(sl["rows"].size() == 2);
  CHECK(sl["rows"][0]["account"] == "exec_a");
  CHECK(Int(sl["rows"][0]["incomingEvents"]) == 10);
  CHECK(Int(sl["rows"][0]["outgoingMessages"]) == 6);
  CHECK(Int(sl["rows"][0]["notTakenIntoAccount"]) == 2);
  CHECK(Int(sl["rows"][0]["deliveryFailed"]) == 1);
  CHECK(Int(sl["rows"][0]["ignored"]) == 1);
  CHECK(sl["rows"][0]["errorRate"].get<double>() == Approx(0.4));
  CHECK(sl["rows"][1]["account"] == "");
  CHECK(Int(sl["rows"][1]["incomingEvents"]) == 10);
  json sms =
      Expect(0, {"reports", "service-level", "--hours", "1", "--channel", "sms", "--json"}).Json();
  CHECK(Int(sms["rows"][0]["incomingEvents"]) == 2);
  CHECK(Int(sms["rows"][0]["outgoingMessages"]) == 2);

  json counts = Expect(0, {"reports", "statuses", "--account", "exec_a", "--json"}).Json();
  std::map<std::string, int64_t> archived;
  for (const json& r : counts["rows"]) archived[r["status"]] = Int(r["events"]);
  CHECK(archived["EVENT_STATUS_SENT"] == 6);
  CHECK(archived["EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT"] == 2);
  const Cli statuses = Expect(0, {"reports", "statuses"});
  INFO(statuses.out);
  CHECK(Contains(Row(statuses.out, "exec_a   Sent"), "6"));

  json history = Expect(0, {"reports", "history", "--json"}).Json();
  std::map<std::string, int64_t> per_type;
  for (const json& r : history["rows"]) per_type[r["eventType"]] += Int(r["events"]);
  CHECK(per_type["ORDER_SHIPPED"] == 8);
  CHECK(per_type["NO_TEMPLATE"] == 2);
  Cli times = Expect(0, {"reports", "processing-time", "--event-type", "ORDER_SHIPPED"});
  CHECK_FALSE(Row(times.out, "exec_a").empty());
  CHECK(Contains(times.out, "AVG QUEUING (S)"));
}

TEST_CASE("mcctl errors: each class has its exit code and says what to do") {
  const Cluster& c = TheCluster();
  // Authentication: a wrong token, none, one whose role may not do this (exit 5).
  const std::string wrong = "wrong-token-0123456789abc";
  Cli bad = Expect(5, {"accounts", "list"}, {"MC_TOKEN=" + wrong});
  CHECK(bad.err.rfind("mcctl: accounts list: ", 0) == 0);
  CHECK(Contains(bad.err, "check --token / --token-file / MC_TOKEN"));
  CHECK_FALSE(Contains(bad.err + bad.out, wrong));
  CHECK(Contains(Expect(5, {"accounts", "list"}, {"MC_TOKEN="}).err, "no token was given"));
  Cli denied = Expect(5, {"accounts", "list"}, {std::string("MC_TOKEN=") + kPusherToken});
  CHECK(Contains(denied.err, "its role does not allow this"));
  CHECK(Contains(denied.err, "(PERMISSION_DENIED)"));
  Expect(0, {"events", "list", "--limit", "1"}, {std::string("MC_TOKEN=") + kPusherToken});
  const std::string token_file = WriteFile("token", absl::StrCat(kToken, "\n"));
  Expect(0, {"accounts", "list", "--token-file", token_file}, {"MC_TOKEN="});
  Expect(5, {"--token", wrong, "workflows", "list"});

  // Unreachable (exit 4): the address and where it came from.
  const std::string nowhere = absl::StrCat("127.0.0.1:", *pgcluster::FreeLoopbackPort());
  Cli control = Expect(4, {"--control", nowhere, "accounts", "list"});
  CHECK(Contains(control.err, "cannot reach the control instance at " + nowhere));
  CHECK(Contains(control.err, "check that the control instance at " + nowhere + " is running"));
  CHECK(Contains(control.err, "(now from --control)"));
  Cli exec = Expect(4, {"workflows", "list"}, {"MC_EXECUTION=" + nowhere});
  CHECK(Contains(exec.err, "--execution or MC_EXECUTION (now from MC_EXECUTION)"));
  // The control is not the execution instance: it does not serve that call (exit 1).
  CHECK(
      Contains(Expect(1, {"--execution", c.control->address(), "workflows", "list"}).err,
               absl::StrCat("(", absl::StatusCodeToString(absl::StatusCode::kUnimplemented), ")")));

  // Usage (exit 2): says what is expected.
  CHECK(Contains(Expect(2, {"accounts", "frobnicate"}).err,
                 "unknown command 'accounts frobnicate' (accounts takes create, update, list"));
  CHECK(Contains(Expect(2, {"templates", "create", "x", "--channel", "email"}).err,
                 "missing --event-type TYPE"));
  CHECK(Contains(Expect(2, {"events", "push", "--queue", "rt", c.dir + "/none.json"}).err,
                 "cannot read " + c.dir + "/none.json"));
  CHECK(Contains(Expect(2, {"events", "push", "--queue", "rt", WriteFile("bad.json", "[{]")}).err,
                 "not valid JSON"));
  CHECK(Contains(Expect(2, {"events", "push", "--queue", "rt",
                            WriteFile("typo.json", R"({"type":"X","emial":"a@b.c"})")})
                     .err,
                 "emial"));
  CHECK(Contains(Expect(2, {"accounts", "list", "--colour"}).err, "unknown flag --colour"));
  CHECK(Contains(Expect(0, {"--help"}).out, "Exit codes:"));
}

TEST_CASE("mcctl over mutual TLS: the CA, a client certificate, a server name override") {
  const TestCertificates made("mcctl");
  const std::string& certs = made.dir();
  process::ServiceProcess control =
      StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("mcctl_tls"),
                   {"--noarchiving_scheduler", "--tls_cert=" + certs + "/server.crt",
                    "--tls_key=" + certs + "/server.key", "--tls_client_ca=" + certs + "/ca.crt"});
  const std::vector<std::string> env = {"MC_CONTROL=" + control.address()};
  const std::string ca = certs + "/ca.crt";
  Cli listed = Expect(0,
                      {"--tls-ca", ca, "--tls-cert", certs + "/client.crt", "--tls-key",
                       certs + "/client.key", "accounts", "list"},
                      env);
  CHECK(Contains(listed.out, "No accounts"));
  Expect(0,
         {"--tls-ca", ca, "--tls-cert", certs + "/client.crt", "--tls-key", certs + "/client.key",
          "--tls-server-name", "localhost", "accounts", "list"},
         env);
  // Without a client certificate, or in clear: the handshake fails (exit 4).
  CHECK(Contains(Expect(4, {"--tls-ca", ca, "--timeout-seconds", "5", "accounts", "list"}, env).err,
                 "TLS is on: check --tls-ca, --tls-cert, --tls-key"));
  CHECK(Contains(Expect(4, {"--timeout-seconds", "5", "accounts", "list"}, env).err,
                 "if it serves TLS, add --tls or --tls-ca FILE"));
  CHECK(Contains(
      Expect(2, {"--tls-ca", ca, "--tls-cert", certs + "/client.crt", "accounts", "list"}, env).err,
      "--tls-cert and --tls-key go together"));
}

}  // namespace
}  // namespace mc::e2e
