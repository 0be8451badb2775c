// Unit tests of mcctl without a server: the argument parser, the settings, the table printer,
// the exit codes, and RunCli's usage errors and help (suppressions: the channel an address says,
// the kinds, states and failure types, the page of one account); the template file (every field
// a template has, those it holds replacing the template's) and the blocks commands' usage.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_join.h"
#include "control-service/mcctl/arg_parser.h"
#include "control-service/mcctl/cli.h"
#include "control-service/mcctl/client_settings.h"
#include "control-service/mcctl/event_story_view.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "control-service/mcctl/template_file.h"

namespace mc::mcctl {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Result {
  int code;
  std::string out, err;
};

Result Run(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = RunCli(args, Env({}), out, err);
  return {code, out.str(), err.str()};
}

TEST_CASE("flags resolve in the command's scope first, then the global one") {
  const std::vector<FlagSpec> command = {{"tls", "", ""}, {"seed", "X", "", true}};
  const std::vector<FlagSpec> global = {{"tls", "", ""}, {"control", "HOST:PORT", ""}};
  const std::vector<std::string> args = {"--tls",     "accounts", "create", "a",
                                         "--tls",     "--seed=1", "--seed", "2",
                                         "--control", "h:1",      "--",     "--x"};
  ParsedFlags g, c;
  std::vector<std::string> words;
  size_t pos = 0;
  REQUIRE(ParseArgs(args, &pos, {{&global, &g}}, &words, 2).ok());
  CHECK(words == std::vector<std::string>{"accounts", "create"});
  REQUIRE(ParseArgs(args, &pos, {{&command, &c}, {&global, &g}}, &words, 100).ok());
  CHECK(words == std::vector<std::string>{"accounts", "create", "a", "--x"});
  CHECK(g.Get("tls") == "true");
  CHECK(c.Get("tls") == "true");
  CHECK(c.All("seed") == std::vector<std::string>{"1", "2"});
  CHECK(g.Get("control") == "h:1");

  ParsedFlags twice;
  std::vector<std::string> more;
  pos = 0;
  const std::vector<std::string> dup = {"--control", "a", "--control", "b"};
  CHECK(ParseArgs(dup, &pos, {{&global, &twice}}, &more, 9).message() == "--control given twice");
  pos = 0;
  const std::vector<std::string> missing = {"--control"};
  ParsedFlags fresh;
  CHECK(ParseArgs(missing, &pos, {{&global, &fresh}}, &more, 9).message().find("needs a value") !=
        std::string::npos);
}

TEST_CASE("settings: flags over environment over defaults; TLS files go together") {
  ParsedFlags none;
  absl::StatusOr<ClientSettings> s = ResolveSettings(none, Env({}));
  REQUIRE(s.ok());
  CHECK(s->control == kDefaultControl);
  CHECK(s->execution == kDefaultExecution);
  CHECK(s->token.empty());
  CHECK_FALSE(s->tls);
  s = ResolveSettings(none, Env({{"MC_CONTROL", "c:1"}, {"MC_TOKEN", "secret-token-value"}}));
  REQUIRE(s.ok());
  CHECK(s->control == "c:1");
  CHECK(s->control_source == "MC_CONTROL");
  CHECK(s->token == "secret-token-value");
  ParsedFlags flags;
  flags.Add("control", "f:2");
  flags.Add("tls-cert", "/nonexistent.pem");
  s = ResolveSettings(flags, Env({{"MC_CONTROL", "c:1"}}));
  CHECK(s.status().message() == "--tls-cert and --tls-key go together (mutual TLS)");
  flags.Add("tls-key", "/nonexistent.key");
  s = ResolveSettings(flags, Env({}));
  CHECK(s.status().message().find("--tls-cert: cannot read TLS file /nonexistent.pem") == 0);
}

TEST_CASE("tables align columns by characters, numbers to the right") {
  Table t({{"NAME"}, {"N", Table::Align::kRight}, {"NOTE"}});
  t.AddRow({"Zoé", "5", "a\nb"});
  t.AddRow({"ab", "123", ""});
  std::ostringstream out;
  t.Print(out);
  CHECK(out.str() == "NAME    N  NOTE\nZoé     5  a b\nab    123\n");
  std::ostringstream empty;
  Table({{"X"}}).Print(empty, "Nothing.");
  CHECK(empty.str() == "Nothing.\n");
  std::ostringstream fields;
  FieldList().Add("id", "1").Add("html body", "<p>\nhi").Add("empty", "").Print(fields);
  CHECK(fields.str() == "id:         1\nhtml body:  <p>\n            hi\nempty:\n");
}

TEST_CASE("exit codes follow the status classes") {
  CHECK(ExitCodeFor(grpc::StatusCode::OK) == 0);
  CHECK(ExitCodeFor(grpc::StatusCode::INVALID_ARGUMENT) == 3);
  CHECK(ExitCodeFor(grpc::StatusCode::FAILED_PRECONDITION) == 3);
  CHECK(ExitCodeFor(grpc::StatusCode::ALREADY_EXISTS) == 3);
  CHECK(ExitCodeFor(grpc::StatusCode::NOT_FOUND) == 3);
  CHECK(ExitCodeFor(grpc::StatusCode::OUT_OF_RANGE) == 3);
  CHECK(ExitCodeFor(grpc::StatusCode::UNAVAILABLE) == 4);
  CHECK(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED) == 4);
  CHECK(ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED) == 5);
  CHECK(ExitCodeFor(grpc::StatusCode::PERMISSION_DENIED) == 5);
  CHECK(ExitCodeFor(grpc::StatusCode::INTERNAL) == 1);
  CHECK(StatusCodeName(16) == "UNAUTHENTICATED");

  std::ostringstream err;
  FailedCall call{.what = "accounts list",
                  .group = "accounts",
                  .server = "the control instance at 127.0.0.1:1",
                  .address_setting = "--control or MC_CONTROL (now from --control)"};
  CHECK(ReportFailure(call, grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"),
                      err) == 4);
  CHECK(err.str() ==
        "mcctl: accounts list: cannot reach the control instance at 127.0.0.1:1: connection "
        "refused\nhint: check that the control instance at 127.0.0.1:1 is running and reachable "
        "from here; the address is set by --control or MC_CONTROL (now from --control); if it "
        "serves TLS, add --tls or --tls-ca FILE (mutual TLS: also --tls-cert and --tls-key) "
        "(UNAVAILABLE)\n");
}

TEST_CASE("names: words in, words out") {
  CHECK(*ParseChannel("SMS") == messagecenter::v1::CHANNEL_SMS);
  CHECK(*ParseQueue("rt") == messagecenter::v1::QUEUE_REAL_TIME);
  CHECK(*ParseEventStatus("not_taken") == messagecenter::v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
  CHECK(*ParseEventStatus("2") == messagecenter::v1::EVENT_STATUS_SENT);
  CHECK_FALSE(ParseEventStatus("9").ok());
  CHECK(absl::ToUnixSeconds(*ParseTime("1970-01-01T01:00:00+01:00")) == 0);
  CHECK_FALSE(ParseTime("yesterday").ok());
  google::protobuf::Timestamp ts;
  CHECK(FormatTimestamp(ts) == "-");
  ts.set_seconds(86400);
  CHECK(FormatTimestamp(ts) == "1970-01-02T00:00:00Z");
}

namespace v1 = messagecenter::v1;

google::protobuf::Timestamp Ts(int64_t seconds, int32_t millis = 0) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(millis * 1000000);
  return ts;
}

TEST_CASE("events get prints the story: a header, then the timeline oldest first") {
  v1::StoredEvent e;
  e.set_id(42);
  e.set_queue(v1::QUEUE_REAL_TIME);
  e.set_status(v1::EVENT_STATUS_SENT);
  e.mutable_event()->set_type("SHIP");
  e.mutable_event()->set_email("someone@Example.TEST");
  e.mutable_event()->set_mobile_phone("+33612345678");
  *e.mutable_created() = Ts(86400);
  *e.mutable_updated() = Ts(86402);
  v1::EventStory* s = e.mutable_story();
  s->set_template_name("shipped");
  s->set_template_version(3);
  s->set_message_id("<ev-rt-42@mc.test>");
  s->set_tries(2);
  s->set_last_failure_type(v1::FAILURE_TYPE_SOFT);
  s->set_last_failure_reason("451 later");
  const auto add = [&](v1::TimelineStep step, v1::EventStatus status, int64_t seconds, int millis) {
    v1::TimelineEntry* t = s->add_timeline();
    t->set_step(step);
    t->set_status(status);
    *t->mutable_at() = Ts(seconds, millis);
    return t;
  };
  add(v1::TIMELINE_STEP_RECEIVED, v1::EVENT_STATUS_PENDING, 86400, 0);
  add(v1::TIMELINE_STEP_TAKEN_UP, v1::EVENT_STATUS_PENDING_DELIVERY, 86400, 5);
  v1::TimelineEntry* retried =
      add(v1::TIMELINE_STEP_RETRIED, v1::EVENT_STATUS_PENDING_DELIVERY, 86400, 250);
  retried->set_try_number(1);
  retried->set_failure_type(v1::FAILURE_TYPE_SOFT);
  retried->set_reason("451 later");
  *retried->mutable_next_try() = Ts(86401);
  add(v1::TIMELINE_STEP_DELIVERY_OUTCOME, v1::EVENT_STATUS_SENT, 86401, 500)->set_try_number(2);
  add(v1::TIMELINE_STEP_FINAL, v1::EVENT_STATUS_SENT, 86402, 0);
  std::ostringstream out;
  PrintEvent(e, out);
  CHECK(out.str() ==
        "id:            42\n"
        "queue:         rt\n"
        "status:        Sent\n"
        "type:          SHIP\n"
        "template:      shipped@3\n"
        "channel:       email\n"
        "address:       someone@Example.TEST\n"
        "message-id:    <ev-rt-42@mc.test>\n"
        "tries:         2\n"
        "next try:      -\n"
        "last failure:  soft: 451 later\n"
        "created:       1970-01-02T00:00:00Z\n"
        "updated:       1970-01-02T00:00:02Z\n"
        "ctx:           -\n"
        "\n"
        "TIME                      STEP              STATUS            TRY  REASON\n"
        "1970-01-02T00:00:00.000Z  received          Pending\n"
        "1970-01-02T00:00:00.005Z  taken up          Pending delivery\n"
        "1970-01-02T00:00:00.250Z  retried           Pending delivery    1  soft: 451 later; next "
        "try 1970-01-02T00:00:01.000Z\n"
        "1970-01-02T00:00:01.500Z  delivery outcome  Sent                2\n"
        "1970-01-02T00:00:02.000Z  final             Sent\n");

  // Before it is routed: dashes, and the address of its wished channel.
  v1::StoredEvent pending;
  pending.mutable_event()->set_wished_channel(v1::CHANNEL_SMS);
  pending.mutable_event()->set_mobile_phone("+33612345678");
  std::ostringstream bare;
  PrintEvent(pending, bare);
  CHECK(bare.str().find("template:      -\n") != std::string::npos);
  CHECK(bare.str().find("address:       +33612345678\n") != std::string::npos);
  CHECK(bare.str().find("last failure:  -\n") != std::string::npos);
  CHECK(bare.str().find("TIME") == std::string::npos);  // no timeline, no table
  CHECK(TimelineStepName(v1::TIMELINE_STEP_UNSPECIFIED) == "step 0");
}

TEST_CASE("usage errors exit 2 and say what is expected; help exits 0") {
  Result r = Run({});
  CHECK(r.code == 2);
  CHECK(r.err.find("mcctl: missing command") == 0);
  r = Run({"--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("Exit codes:") != std::string::npos);
  CHECK(r.out.find("  accounts create NAME ") != std::string::npos);
  r = Run({"accounts", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("mcctl accounts create NAME --endpoint HOST:PORT") != std::string::npos);
  r = Run({"bogus"});
  CHECK(r.code == 2);
  CHECK(r.err.find("unknown command 'bogus' (one of accounts, workflows, archiving, templates, "
                   "blocks, webhooks, events, reports, archive, suppressions)") !=
        std::string::npos);
  r = Run({"accounts"});
  CHECK(r.code == 2);
  CHECK(r.err.find("missing what to do with accounts (one of create, update, list") !=
        std::string::npos);
  r = Run({"accounts", "frobnicate"});
  CHECK(r.code == 2);
  r = Run({"accounts", "create"});
  CHECK(r.code == 2);
  CHECK(r.err.find("mcctl: accounts create: missing NAME\nusage: mcctl accounts create NAME") == 0);
  r = Run({"accounts", "create", "a", "--credential-file", "/dev/null"});
  CHECK(r.code == 2);
  CHECK(r.err.find("missing --endpoint HOST:PORT") != std::string::npos);
  r = Run({"accounts", "list", "--bogus"});
  CHECK(r.code == 2);
  CHECK(r.err.find("accounts list: unknown flag --bogus") != std::string::npos);
  r = Run({"accounts", "get", "a", "b"});
  CHECK(r.code == 2);
  CHECK(r.err.find("unexpected argument 'b'") != std::string::npos);
  r = Run({"templates", "create", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("--seed ADDRESS=JSON_FILE") != std::string::npos);
  r = Run({"events", "list", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("--address ADDRESS") != std::string::npos);
  CHECK(r.out.find("--external-id KEY") != std::string::npos);
  CHECK(r.out.find("--template NAME") != std::string::npos);
  r = Run({"events", "get", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("its story") != std::string::npos);
  r = Run({"events", "push", "--queue", "nope", "/dev/null"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--queue: 'nope' is not a queue (one of rt, batch)") != std::string::npos);
  r = Run({"reports", "statuses", "--from", "yesterday"});
  CHECK(r.code == 2);
  r = Run({"archive", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("mcctl archive search [--email ADDRESS]") != std::string::npos);
  CHECK(r.out.find("mcctl archive get ACCOUNT EVENT_ID") != std::string::npos);
  r = Run({"archive", "search"});
  CHECK(r.code == 2);
  CHECK(r.err.find("archive search: give at least one of --email, --phone, --address") !=
        std::string::npos);
  r = Run({"archive", "search", "--account", "exec_a"});  // accounts alone are no filter
  CHECK(r.code == 2);
  r = Run({"archive", "search", "--email", "jane@example.com", "--phone", "+33612345678"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--email, --phone and --address exclude each other") != std::string::npos);
  r = Run({"archive", "search", "--email", "jane"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--email: 'jane' is not an email address") != std::string::npos);
  r = Run({"archive", "search", "--phone", "call me"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--phone: 'call me' is not a phone number") != std::string::npos);
  r = Run({"archive", "search", "--type", "RECEIPT", "--limit", "1001"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--limit: at most 1000") != std::string::npos);
  r = Run({"archive", "search", "--status", "lost"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--status: 'lost' is not a status") != std::string::npos);
  r = Run({"archive", "get", "exec_a"});
  CHECK(r.code == 2);
  CHECK(r.err.find("archive get: missing EVENT_ID") != std::string::npos);
  r = Run({"archive", "get", "exec_a", "x1"});
  CHECK(r.code == 2);
  CHECK(r.err.find("'x1' is not an event id") != std::string::npos);
  r = Run({"--timeout-seconds", "0", "accounts", "list"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--timeout-seconds: must be at least 1") != std::string::npos);
}

TEST_CASE("webhooks: usage and flags are checked before anything is sent") {
  Result r = Run({"--help"});
  CHECK(r.out.find("  webhooks create NAME ") != std::string::npos);
  CHECK(r.out.find("  webhooks rotate-secret NAME ") != std::string::npos);
  r = Run({"webhooks", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("mcctl webhooks create NAME --url URL [--status STATUS ...] [--event-type TYPE "
                   "...] [--every-attempt] [--max-batch N]") != std::string::npos);
  CHECK(r.out.find("mcctl webhooks replay NAME --since RFC3339 [--account NAME ...]") !=
        std::string::npos);
  CHECK(r.out.find("mcctl webhooks publish\n") != std::string::npos);
  r = Run({"webhooks", "rotate-secret", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("--overlap DURATION") != std::string::npos);
  r = Run({"webhooks", "create", "crm"});
  CHECK(r.code == 2);
  CHECK(r.err.find("webhooks create: missing --url URL") != std::string::npos);
  r = Run({"webhooks", "create", "crm", "--url", "https://h.test/", "--status", "bogus"});
  CHECK(r.code == 2);
  CHECK(r.err.find("mcctl: webhooks create: --status: 'bogus' is not a status (one of pending, "
                   "pending-delivery, sent, ignored, failed, not-taken, expired, cancelled, or 0 "
                   "to 7)") == 0);
  r = Run({"webhooks", "create", "crm", "--url", "https://h.test/", "--max-batch", "x"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--max-batch: 'x' is not a whole number") != std::string::npos);
  r = Run({"webhooks", "create", "crm", "--url", "u", "--secret", "a", "--secret-file", "f"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--secret and --secret-file exclude each other") != std::string::npos);
  r = Run({"webhooks", "create", "crm", "--url", "u", "--secret-file", "/nonexistent/secret"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--secret-file: ") != std::string::npos);
  r = Run({"webhooks", "rotate-secret", "crm", "--overlap", "0s"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--overlap: '0s' is not a positive duration (like 24h, 90m, 3600s)") !=
        std::string::npos);
  r = Run({"webhooks", "rotate-secret", "crm", "--overlap", "a day"});
  CHECK(r.code == 2);
  r = Run({"webhooks", "replay", "crm"});
  CHECK(r.code == 2);
  CHECK(r.err.find("webhooks replay: missing --since RFC3339") != std::string::npos);
  r = Run({"webhooks", "replay", "crm", "--since", "yesterday"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--since: 'yesterday' is not an RFC 3339 time") != std::string::npos);
  r = Run({"webhooks", "states"});
  CHECK(r.code == 2);
  CHECK(r.err.find("webhooks states: missing NAME") != std::string::npos);
  r = Run({"webhooks", "publish", "extra"});
  CHECK(r.code == 2);
}

TEST_CASE("suppressions: arguments and flags are checked before anything is sent") {
  Result r = Run({"--help"});
  CHECK(r.out.find("  suppressions list ") != std::string::npos);
  CHECK(r.out.find("  suppressions add [CHANNEL] ADDRESS ") != std::string::npos);
  r = Run({"suppressions", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("mcctl suppressions list [--account NAME] [--channel CHANNEL] [--address "
                   "ADDRESS] [--kind KIND] [--state STATE ...] [--failure-type TYPE] [--limit N] "
                   "[--page-token TOKEN]") != std::string::npos);
  CHECK(r.out.find("mcctl suppressions add [CHANNEL] ADDRESS --reason TEXT [--kind KIND] "
                   "[--actor NAME] [--account NAME ...]") != std::string::npos);
  CHECK(r.out.find("mcctl suppressions remove [CHANNEL] ADDRESS [--actor NAME] [--account NAME "
                   "...]") != std::string::npos);
  CHECK(r.out.find("mcctl suppressions reactivate [CHANNEL] ADDRESS") != std::string::npos);
  r = Run({"suppressions", "add", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("deny (default) or quarantine") != std::string::npos);

  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> usage_errors = {
      {{"suppressions", "add"}, "mcctl: suppressions add: missing ADDRESS\n"},
      {{"suppressions", "add", "jane@example.com"}, "suppressions add: missing --reason TEXT"},
      {{"suppressions", "add", "tok-1", "--reason", "r"},
       "'tok-1' is neither an email address nor a phone number: give its channel first (email, "
       "sms, ios, android), e.g. `ios tok-1`"},
      {{"suppressions", "add", "pigeon", "tok-1", "--reason", "r"},
       "'pigeon' is not a channel (one of email, sms, ios, android)"},
      {{"suppressions", "add", "a@b.test", "--reason", "r", "--kind", "maybe"},
       "--kind: 'maybe' is not a kind (one of deny, quarantine)"},
      {{"suppressions", "add", "email", "a@b.test", "extra", "--reason", "r"},
       "unexpected argument 'extra'"},
      {{"suppressions", "remove"}, "suppressions remove: missing ADDRESS"},
      {{"suppressions", "reactivate", "a", "b", "c"}, "unexpected argument 'c'"},
      {{"suppressions", "list", "--state", "gone"},
       "--state: 'gone' is not a state (one of active, counting, expired, removed)"},
      {{"suppressions", "list", "--kind", "soft"},
       "--kind: 'soft' is not a kind (one of deny, quarantine)"},
      {{"suppressions", "list", "--failure-type", "medium"},
       "--failure-type: 'medium' is not a failure type (one of hard, soft)"},
      {{"suppressions", "list", "--channel", "fax"},
       "--channel: 'fax' is not a channel (one of email, sms, ios, android)"},
      {{"suppressions", "list", "--limit", "1001"},
       "--limit: at most 1000 per instance (then --page-token)"},
      {{"suppressions", "list", "--limit", "0"}, "--limit: "},
      {{"suppressions", "list", "--page-token", "abc"},
       "--page-token continues one instance's list: give its --account too"},
      {{"suppressions", "list", "--account", "a", "--account", "b"}, "--account given twice"},
      {{"suppressions", "list", "extra"}, "unexpected argument 'extra'"},
  };
  for (const Case& c : usage_errors) {
    INFO(absl::StrJoin(c.args, " "));
    r = Run(c.args);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.error) != std::string::npos);
  }

  // What parses is sent: the address alone says its channel (an email address, a phone number
  // with separators), or the channel comes first; here to a control nobody serves (exit 4).
  for (const std::vector<std::string>& ok :
       {std::vector<std::string>{"suppressions", "add", "jane@example.com", "--reason", "r"},
        {"suppressions", "add", "+33 6 12 34 56 78", "--reason", "r", "--kind", "quarantine"},
        {"suppressions", "add", "ios", "device-token", "--reason", "r", "--actor", "ana"},
        {"suppressions", "remove", "jane@example.com", "--account", "a", "--account", "b"},
        {"suppressions", "reactivate", "sms", "+33612345678"},
        {"suppressions", "list", "--account", "a", "--page-token", "t", "--state", "active",
         "--state", "removed", "--kind", "deny", "--failure-type", "hard", "--limit", "5"}}) {
    std::vector<std::string> args = {"--control", "127.0.0.1:1", "--timeout-seconds", "2"};
    args.insert(args.end(), ok.begin(), ok.end());
    INFO(absl::StrJoin(args, " "));
    r = Run(args);
    CHECK(r.code == 4);
    CHECK(r.err.find("cannot reach the control instance at 127.0.0.1:1") != std::string::npos);
  }
}

TEST_CASE("template file: every field, those it holds replacing the template's") {
  namespace pb = messagecenter::control::v1;
  pb::Template t;
  t.set_internal_name("welcome");
  t.set_label("Kept");
  t.set_subject("Old subject");
  t.add_variants()->set_language("de");
  t.mutable_sender()->set_reply_to("old@brand.test");
  t.add_seeds()->set_address("qa@brand.test");
  const std::string file = R"({
    "internalName": "welcome",
    "subject": "Welcome",
    "default_language": "en",
    "variants": [{"language": "fr", "subject": "Bienvenue", "textBody": "Salut"},
                 {"language": "pt-BR", "subject": "Oi", "html_body": "<p>Oi</p>"}],
    "sender": {"from": "Brand <shop@brand.test>",
               "headers": [{"name": "X-Campaign", "value": "w"}],
               "listUnsubscribe": "<https://brand.test/u>", "listUnsubscribePost": true},
    "attachments": [{"url": "https://brand.test/t.pdf", "filename": "T.pdf",
                     "contentType": "application/pdf"}, {"ctxPath": "invoice"}],
    "status": "TEMPLATE_STATUS_PUBLISHED", "version": 7,
    "publishedBlocks": [{"name": "footer", "version": 2}]
  })";
  REQUIRE(ApplyTemplateJson(file, "t.json", "welcome", &t).ok());
  CHECK(t.internal_name() == "welcome");
  CHECK(t.label() == "Kept");  // not in the file
  CHECK(t.seeds_size() == 1);
  CHECK(t.subject() == "Welcome");
  CHECK(t.default_language() == "en");
  REQUIRE(t.variants_size() == 2);  // replaced, not appended
  CHECK(t.variants(0).language() == "fr");
  CHECK(t.variants(0).text_body() == "Salut");
  CHECK(t.variants(1).html_body() == "<p>Oi</p>");
  CHECK(t.sender().from() == "Brand <shop@brand.test>");
  CHECK(t.sender().reply_to().empty());  // the file's sender is the whole sender
  REQUIRE(t.sender().headers_size() == 1);
  CHECK(t.sender().headers(0).value() == "w");
  CHECK(t.sender().list_unsubscribe_post());
  REQUIRE(t.attachments_size() == 2);
  CHECK(t.attachments(0).content_type() == "application/pdf");
  CHECK(t.attachments(1).ctx_path() == "invoice");
  // What the control keeps is not the file's to say.
  CHECK(t.status() == pb::TEMPLATE_STATUS_EDITING);
  CHECK(t.version() == 0);
  CHECK(t.published_blocks_size() == 0);

  // A field given empty empties it.
  REQUIRE(ApplyTemplateJson(R"({"variants": [], "subject": ""})", "t.json", "welcome", &t).ok());
  CHECK(t.variants_size() == 0);
  CHECK(t.subject().empty());
  CHECK(t.attachments_size() == 2);

  auto why = [&](const std::string& text) {
    pb::Template x;
    absl::Status s = ApplyTemplateJson(text, "t.json", "welcome", &x);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    return std::string(s.message());
  };
  CHECK(why("{") == "t.json: not valid JSON");
  CHECK(why("[]") == "t.json: expected one template object");
  CHECK(why(R"({"internalName": "other"})") ==
        "t.json: internalName 'other' is not the template's name 'welcome'");
  CHECK(why(R"({"variantz": []})").rfind("t.json: ", 0) == 0);
  CHECK(why(R"({"sender": {"from": 3}})").rfind("t.json: ", 0) == 0);
}

TEST_CASE("templates and blocks: usage and files are checked before anything is sent") {
  const std::string path = "mcctl_test_template.json";
  {
    std::ofstream f(path);
    f << R"({"eventType": "WELCOME", "channel": "CHANNEL_EMAIL", "bogus": 1})";
  }
  Result r = Run({"templates", "create", "welcome", "--file", path});
  CHECK(r.code == 2);
  CHECK(r.err.find("mcctl: templates create: --file mcctl_test_template.json: ") == 0);
  std::remove(path.c_str());
  r = Run({"templates", "create", "welcome", "--file", "/nonexistent/t.json"});
  CHECK(r.code == 2);
  CHECK(r.err.find("cannot read /nonexistent/t.json") != std::string::npos);
  r = Run({"templates", "create", "welcome", "--channel", "email"});
  CHECK(r.code == 2);
  CHECK(r.err.find("templates create: missing --event-type TYPE") != std::string::npos);
  r = Run({"templates", "create", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("--file FILE") != std::string::npos);
  CHECK(r.out.find("--default-language LANG") != std::string::npos);

  r = Run({"--help"});
  CHECK(r.out.find("  blocks create NAME ") != std::string::npos);
  r = Run({"blocks", "--help"});
  CHECK(r.code == 0);
  CHECK(r.out.find("mcctl blocks create NAME --file FILE [--label LABEL]") != std::string::npos);
  CHECK(r.out.find("mcctl blocks update NAME [--file FILE] [--label LABEL]") != std::string::npos);
  CHECK(r.out.find("mcctl blocks delete NAME") != std::string::npos);
  r = Run({"blocks", "create", "footer"});
  CHECK(r.code == 2);
  CHECK(r.err.find("missing --file FILE") != std::string::npos);
  r = Run({"blocks", "create", "footer", "--file", "/nonexistent/footer.html"});
  CHECK(r.code == 2);
  CHECK(r.err.find("--file: cannot read /nonexistent/footer.html") != std::string::npos);
  r = Run({"blocks", "get"});
  CHECK(r.code == 2);
  CHECK(r.err.find("blocks get: missing NAME") != std::string::npos);
}

}  // namespace
}  // namespace mc::mcctl
