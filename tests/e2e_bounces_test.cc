// End to end: late bounces and complaints against the real services. A real SMTP relay on
// loopback accepts each message (its envelope sender is the event's signed VERP return path on
// the bounce domain); the test then plays the receiving MTA and hands a report for it to the
// execution instance's bounce listener over SMTP, in the shapes real systems write (Postfix,
// Exim, Exchange, Gmail, qmail; a delayed DSN; an ARF complaint from a feedback loop; an
// out-of-office reply). Then: a hard bounce turns Sent into Delivery failed with the DSN's
// reason (the story says BOUNCED), quarantines the address (the next event to it is Ignored),
// sends the webhook of the change, and after the next archiving run the control's archive and
// its StatusCounts report say Delivery failed too (the event had been archived as Sent).
// Forged reports (an edited signature, a signed return path of an event that does not exist,
// an address that is not a return path) change nothing and are counted in
// mc_inbound_reports_total. Removing the quarantine entry lets the next event through; a soft
// entry stops suppressing once expired.
#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/pgcluster/free_port.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/bounces/testing/report_builder.h"
#include "execution-service/bounces/verp.h"
#include "messagecenter/v1/suppressions.grpc.pb.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/metrics_scrape.h"
#include "tests/support/smtp_client.h"
#include "tests/support/webhook_check.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;
namespace reports = execution::testing;

constexpr char kBounceDomain[] = "bounces.mc.test";
constexpr char kAccount[] = "exec_bounces";

struct Cluster {
  std::string exec_schema, control_schema;
  int bounce_port = 0;
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<sinks::WebhookSink> hooks;
  std::unique_ptr<process::ServiceProcess> exec, control;
  std::unique_ptr<ExecClient> client;
  std::unique_ptr<ControlClient> ctl;
  std::unique_ptr<v1::SuppressionService::Stub> suppressions;
  std::mutex mu;
  std::vector<v1::WebhookPayload> payloads;  // every webhook received

  std::vector<v1::WebhookPayload> Payloads() {
    std::lock_guard<std::mutex> lock(mu);
    return payloads;
  }
};

Cluster& TheCluster() {
  static const std::unique_ptr<Cluster> cluster = [] {
    auto c = std::make_unique<Cluster>();
    c->exec_schema = testing::FreshSchema("bounces");
    c->control_schema = testing::FreshSchema("bounces_ctl");
    c->bounce_port = *pgcluster::FreeLoopbackPort();
    c->smtp = *sinks::SmtpSink::Start({});
    c->hooks = *sinks::WebhookSink::Start();
    c->hooks->SetResponder([c = c.get()](const sinks::WebhookSink::Request& r) {
      std::optional<v1::WebhookPayload> p = ParsePayload(r.body);
      std::lock_guard<std::mutex> lock(c->mu);
      if (p) c->payloads.push_back(*p);
      return 200;
    });
    c->exec = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), c->exec_schema,
        {"--smtp_url=" + c->smtp->url(), "--smtp_from=Shop <shop@brand.test>",
         "--message_id_domain=mc.test", "--workflow_refresh_ms=100", "--batch_poll_ms=100",
         "--status_update_pause_ms=20", std::string("--bounce_domain=") + kBounceDomain,
         absl::StrCat("--bounce_listen=127.0.0.1:", c->bounce_port), "--soft_bounce_threshold=2",
         "--webhook_allow_private_networks", "--webhook_allow_http",
         "--webhook_retry_base_ms=100"}));
    c->client = std::make_unique<ExecClient>(c->exec->address());
    c->suppressions = v1::SuppressionService::NewStub(Channel(c->exec->address()));
    REQUIRE(c->client->StartAllWorkflows().ok());
    REQUIRE(c->client->ChangeWorkflow("webhookDelivery", v1::WORKFLOW_STATE_STARTED).ok());
    v1::Template t;
    t.set_internal_name("bounceShipped");
    t.set_event_type("BOUNCE_SHIPPED");
    t.set_channel(v1::CHANNEL_EMAIL);
    t.set_version(1);
    t.set_subject("Your order");
    t.set_text_body("Your order <%= rtEvent.ctx.order %> is on its way.");
    const grpc::Status published = c->client->Publish(t);
    INFO(published.error_message());
    REQUIRE(published.ok());
    WebhookClient hooks(c->exec->address());
    REQUIRE(hooks
                .Put(Subscription("bounces", c->hooks->url("/hooks"), {},
                                  {{NewTestSecret().value, std::nullopt}}))
                .ok());

    c->control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), c->control_schema));
    c->ctl = std::make_unique<ControlClient>(c->control->address());
    c->ctl->CreateAccount(kAccount, c->exec->address(), kToken);
    REQUIRE(c->ctl->InitializeConnection(kAccount).ok());
    REQUIRE(c->ctl->CreateArchivingWorkflow(kAccount).ok());
    return c;
  }();
  return *cluster;
}

v1::Event Email(const std::string& address) {
  v1::Event e;
  e.set_type("BOUNCE_SHIPPED");
  e.set_email(address);
  (*e.mutable_ctx()->mutable_fields())["order"].set_string_value("A-17");
  return e;
}

// What the relay accepted for `address` last.
sinks::ReceivedMail AcceptedFor(const std::string& address) {
  std::optional<sinks::ReceivedMail> last;
  for (const sinks::ReceivedMail& m : TheCluster().smtp->Messages()) {
    if (m.recipients == std::vector<std::string>{address}) last = m;
  }
  if (!last) FAIL("the relay has no message for " << address);
  return *last;
}

std::string Header(const sinks::ReceivedMail& m, const std::string& name) {
  for (const std::string& line : testing::HeaderLines(m.data)) {
    if (absl::StartsWithIgnoreCase(line, name + ": ")) return line.substr(name.size() + 2);
  }
  return "";
}

// Pushes one event to `address` and waits until it is Sent; returns its id and what the relay
// got.
std::pair<int64_t, sinks::ReceivedMail> SendOne(const std::string& address) {
  ExecClient& client = *TheCluster().client;
  const int64_t id = client.Push(v1::QUEUE_REAL_TIME, Email(address));
  const v1::StoredEvent e = client.WaitFinal(id);
  REQUIRE(e.status() == v1::EVENT_STATUS_SENT);
  return {id, AcceptedFor(address)};
}

reports::BounceSpec SpecFor(const sinks::ReceivedMail& m, const std::string& address) {
  reports::BounceSpec spec;
  spec.to = m.from;
  spec.original_recipient = address;
  std::string id = Header(m, "Message-ID");
  if (absl::StartsWith(id, "<") && absl::EndsWith(id, ">")) id = id.substr(1, id.size() - 2);
  spec.original_message_id = id;
  spec.original_return_path = m.from;
  return spec;
}

// Hands `data` to the bounce listener, as the bounce domain's MX would.
void HandOver(const std::vector<std::string>& recipients, const std::string& data) {
  absl::StatusOr<SmtpReply> reply = SendMail(TheCluster().bounce_port, "", recipients, data);
  REQUIRE(reply.ok());
  INFO(reply->text);
  REQUIRE(reply->code == 250);
}

v1::StoredEvent WaitStatus(int64_t id, v1::EventStatus status) {
  ExecClient& client = *TheCluster().client;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  v1::StoredEvent e = client.Get(id);
  while (e.status() != status && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    e = client.Get(id);
  }
  return e;
}

std::vector<v1::Suppression> SuppressionsOf(const std::string& address) {
  v1::ListSuppressionsRequest req;
  req.set_address(address);
  v1::ListSuppressionsResponse resp;
  const grpc::Status s = TheCluster().suppressions->ListSuppressions(Context().get(), req, &resp);
  REQUIRE(s.ok());
  return {resp.suppressions().begin(), resp.suppressions().end()};
}

bool HasStep(const v1::StoredEvent& e, v1::TimelineStep step) {
  for (const v1::TimelineEntry& t : e.story().timeline()) {
    if (t.step() == step) return true;
  }
  return false;
}

double Reports(const std::string& outcome, const std::string& type = "") {
  std::map<std::string, std::string> labels = {{"outcome", outcome}};
  if (!type.empty()) labels["type"] = type;
  return MetricSum(Scrape(TheCluster().exec->metrics_port()), "mc_inbound_reports_total", labels);
}

std::map<int, int64_t> ArchivedCounts() {
  pb::ReportFilter filter;
  filter.add_accounts(kAccount);
  filter.mutable_from()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 3600);
  filter.mutable_to()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 60);
  pb::StatusCountsResponse counts;
  REQUIRE(TheCluster().ctl->reports().StatusCounts(Context().get(), filter, &counts).ok());
  std::map<int, int64_t> out;
  for (const auto& r : counts.rows()) out[r.status()] += r.events();
  return out;
}

pb::ArchivedEventStory Archived(int64_t id) {
  pb::GetArchivedEventRequest get;
  get.set_account(kAccount);
  get.set_event_id(id);
  pb::ArchivedEventStory story;
  const grpc::Status s = TheCluster().ctl->archive().GetArchivedEvent(Context().get(), get, &story);
  INFO(s.error_message());
  REQUIRE(s.ok());
  return story;
}

TEST_CASE("a DSN after the relay accepted: Delivery failed, quarantined, webhook, archive") {
  Cluster& c = TheCluster();
  const std::string address = "late-ana@example.test";
  auto [id, mail] = SendOne(address);
  // The envelope sender is the event's signed return path; the From header stays the shop's.
  CHECK(absl::EndsWith(mail.from, std::string("@") + kBounceDomain));
  CHECK(absl::StrContains(mail.from, absl::StrCat("-1-", id, "-")));
  CHECK(Header(mail, "From") == "Shop <shop@brand.test>");

  // Archived as Sent first: the bounce comes after the archiving run.
  const pb::ArchiveRun first = c.ctl->RunNow(std::string("mcSynch_") + kAccount);
  REQUIRE(first.error().empty());
  CHECK(Archived(id).status() == v1::EVENT_STATUS_SENT);
  const std::map<int, int64_t> before = ArchivedCounts();

  reports::BounceSpec spec = SpecFor(mail, address);
  spec.diagnostic = "550 5.1.1 <late-ana@example.test>: Recipient address rejected: User unknown";
  HandOver({mail.from}, reports::PostfixDsn(spec));

  const v1::StoredEvent failed = WaitStatus(id, v1::EVENT_STATUS_DELIVERY_FAILED);
  REQUIRE(failed.status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  CHECK(failed.story().last_failure_type() == v1::FAILURE_TYPE_HARD);
  CHECK(absl::StrContains(failed.story().last_failure_reason(), "User unknown"));
  CHECK(HasStep(failed, v1::TIMELINE_STEP_BOUNCED));

  // Quarantined, hard, naming the event; the next event to the address is Ignored.
  const std::vector<v1::Suppression> entries = SuppressionsOf(address);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].kind() == v1::SUPPRESSION_QUARANTINE);
  CHECK(entries[0].failure_type() == "hard");
  CHECK(entries[0].state() == v1::SUPPRESSION_ACTIVE);
  CHECK(entries[0].event_id() == id);
  CHECK(absl::StrContains(entries[0].reason(), "5.1.1"));
  const int64_t next = c.client->Push(v1::QUEUE_REAL_TIME, Email(address));
  CHECK(c.client->WaitFinal(next).status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);

  // The webhook of the change.
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  bool hooked = false;
  while (!hooked && absl::Now() < deadline) {
    for (const v1::WebhookPayload& p : c.Payloads()) {
      hooked |= p.data().event_id() == id &&
                p.data().status() == v1::EVENT_STATUS_DELIVERY_FAILED &&
                p.data().failure_type() == v1::FAILURE_TYPE_HARD &&
                absl::StrContains(p.data().reason(), "User unknown");
    }
    if (!hooked) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(hooked);

  // The next archiving run rewrites the archived event; the report moves by one.
  const pb::ArchiveRun second = c.ctl->RunNow(std::string("mcSynch_") + kAccount);
  REQUIRE(second.error().empty());
  const pb::ArchivedEventStory story = Archived(id);
  CHECK(story.status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  bool bounced_step = false;
  for (const v1::TimelineEntry& t : story.timeline()) {
    bounced_step |= t.step() == v1::TIMELINE_STEP_BOUNCED;
  }
  CHECK(bounced_step);
  const std::map<int, int64_t> after = ArchivedCounts();
  auto count = [](const std::map<int, int64_t>& m, v1::EventStatus status) {
    auto it = m.find(status);
    return it == m.end() ? int64_t{0} : it->second;
  };
  CHECK(count(after, v1::EVENT_STATUS_SENT) == count(before, v1::EVENT_STATUS_SENT) - 1);
  CHECK(count(after, v1::EVENT_STATUS_DELIVERY_FAILED) ==
        count(before, v1::EVENT_STATUS_DELIVERY_FAILED) + 1);
  // The event Ignored because of the quarantine is archived as such.
  CHECK(count(after, v1::EVENT_STATUS_IGNORED_BY_DELIVERY) ==
        count(before, v1::EVENT_STATUS_IGNORED_BY_DELIVERY) + 1);
  // The same report again changes nothing more.
  HandOver({mail.from}, reports::PostfixDsn(spec));
  CHECK(Reports("duplicate", "dsn") >= 1);

  // Removed by an operator: the next event to the address is sent.
  v1::SuppressionRef ref;
  ref.set_channel(0);
  ref.set_address(address);
  ref.set_actor("e2e operator");
  v1::Suppression removed;
  REQUIRE(c.suppressions->RemoveSuppression(Context().get(), ref, &removed).ok());
  CHECK(removed.state() == v1::SUPPRESSION_REMOVED);
  CHECK(removed.changed_by() == "e2e operator");
  const int64_t after_removal = c.client->Push(v1::QUEUE_REAL_TIME, Email(address));
  CHECK(c.client->WaitFinal(after_removal).status() == v1::EVENT_STATUS_SENT);
}

TEST_CASE("real-world DSN shapes each fail their event and quarantine the address") {
  struct Shape {
    std::string name;
    std::string (*build)(const reports::BounceSpec&);
    std::string status;
  };
  const std::vector<Shape> shapes = {{"postfix", reports::PostfixDsn, "5.1.1"},
                                     {"exim", reports::EximDsn, "5.1.1"},
                                     {"exchange", reports::ExchangeDsn, "5.1.10"},
                                     {"gmail", reports::GmailDsn, "5.1.1"},
                                     {"qmail", reports::QmailBounce, "5.1.1"}};
  for (const Shape& shape : shapes) {
    CAPTURE(shape.name);
    const std::string address = absl::StrCat("shape-", shape.name, "@example.test");
    auto [id, mail] = SendOne(address);
    reports::BounceSpec spec = SpecFor(mail, address);
    spec.status = shape.status;
    HandOver({mail.from}, shape.build(spec));
    const v1::StoredEvent e = WaitStatus(id, v1::EVENT_STATUS_DELIVERY_FAILED);
    CHECK(e.status() == v1::EVENT_STATUS_DELIVERY_FAILED);
    CHECK(e.story().last_failure_type() == v1::FAILURE_TYPE_HARD);
    CHECK(absl::StrContains(e.story().last_failure_reason(), shape.status));
    const std::vector<v1::Suppression> entries = SuppressionsOf(address);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].state() == v1::SUPPRESSION_ACTIVE);
    CHECK(entries[0].failure_type() == "hard");
  }
}

TEST_CASE("a complaint denies the address; soft bounces count, then expire; auto-replies pass") {
  Cluster& c = TheCluster();
  // ARF from a feedback loop, to a fixed address on the bounce domain: traced by the
  // complained-of message's Return-Path.
  {
    const std::string address = "complainer@example.test";
    auto [id, mail] = SendOne(address);
    HandOver({std::string("fbl@") + kBounceDomain}, reports::ArfReport(SpecFor(mail, address)));
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    std::vector<v1::Suppression> entries;
    while (entries.empty() && absl::Now() < deadline) {
      entries = SuppressionsOf(address);
      if (entries.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].kind() == v1::SUPPRESSION_DENY);
    CHECK(entries[0].reason() == "complaint");
    CHECK(entries[0].event_id() == id);
    const v1::StoredEvent e = c.client->Get(id);
    CHECK(e.status() == v1::EVENT_STATUS_SENT);  // it was delivered: it stays Sent
    CHECK(HasStep(e, v1::TIMELINE_STEP_COMPLAINED));
    const int64_t next = c.client->Push(v1::QUEUE_REAL_TIME, Email(address));
    CHECK(c.client->WaitFinal(next).status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
  }
  // Two delayed DSNs (the threshold is 2): the soft entry suppresses; once expired, it no
  // longer does.
  {
    const std::string address = "mailbox-full@example.test";
    for (int i = 0; i < 2; ++i) {
      auto [id, mail] = SendOne(address);
      reports::BounceSpec spec = SpecFor(mail, address);
      spec.status = "4.2.2";
      spec.diagnostic = "452 4.2.2 Mailbox full";
      HandOver({mail.from}, reports::DelayedDsn(spec));
      const absl::Time deadline = absl::Now() + absl::Seconds(20);
      v1::StoredEvent e = c.client->Get(id);
      while (!HasStep(e, v1::TIMELINE_STEP_BOUNCED) && absl::Now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        e = c.client->Get(id);
      }
      CHECK(HasStep(e, v1::TIMELINE_STEP_BOUNCED));
      CHECK(e.status() == v1::EVENT_STATUS_SENT);  // a soft bounce does not fail the message
      const std::vector<v1::Suppression> entries = SuppressionsOf(address);
      REQUIRE(entries.size() == 1);
      CHECK(entries[0].failure_type() == "soft");
      CHECK(entries[0].errors() == i + 1);
      CHECK(entries[0].state() == (i == 0 ? v1::SUPPRESSION_COUNTING : v1::SUPPRESSION_ACTIVE));
      if (i == 0) continue;
      const int64_t ignored = c.client->Push(v1::QUEUE_REAL_TIME, Email(address));
      CHECK(c.client->WaitFinal(ignored).status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
    }
    // A week later (the entry aged in the database): expired, the next event is sent.
    {
      pqxx::connection conn(testing::SharedPostgresDsn());
      pqxx::work tx(conn);
      tx.exec("SET search_path TO " + c.exec_schema);
      tx.exec(
          "UPDATE quarantine SET expires_at = now() - interval '1 second' "
          "WHERE address = 'mailbox-full@example.test'");
      tx.commit();
    }
    CHECK(SuppressionsOf(address)[0].state() == v1::SUPPRESSION_EXPIRED);
    const int64_t sent = c.client->Push(v1::QUEUE_REAL_TIME, Email(address));
    CHECK(c.client->WaitFinal(sent).status() == v1::EVENT_STATUS_SENT);
  }
  // An out-of-office reply to the return path: counted, nothing changes.
  {
    const std::string address = "on-holiday@example.test";
    auto [id, mail] = SendOne(address);
    const double before = Reports("auto_reply", "auto_reply");
    HandOver({mail.from}, reports::AutoReply(SpecFor(mail, address)));
    CHECK(Reports("auto_reply", "auto_reply") == before + 1);
    CHECK(c.client->Get(id).status() == v1::EVENT_STATUS_SENT);
    CHECK(SuppressionsOf(address).empty());
  }
}

TEST_CASE("forged bounces change nothing and are counted") {
  Cluster& c = TheCluster();
  const std::string address = "forged-target@example.test";
  auto [id, mail] = SendOne(address);
  reports::BounceSpec spec = SpecFor(mail, address);

  // The signature edited (its last character before the '@').
  std::string forged = mail.from;
  const size_t at = forged.find('@');
  forged[at - 1] = forged[at - 1] == 'a' ? 'b' : 'a';
  const double bad_before = Reports("bad_signature");
  spec.to = forged;
  spec.original_return_path = forged;
  HandOver({forged}, reports::PostfixDsn(spec));
  CHECK(Reports("bad_signature") == bad_before + 1);

  // A signed return path of an event that does not exist (as if the key had leaked): counted as
  // unknown, nothing failed.
  std::string key;
  {
    pqxx::connection conn(testing::SharedPostgresDsn());
    pqxx::work tx(conn);
    tx.exec("SET search_path TO " + c.exec_schema);
    pqxx::binarystring bytes(tx.exec1("SELECT key FROM bounce_key")[0]);
    key = bytes.str();
  }
  const execution::VerpCodec verp(key, kBounceDomain);
  const std::string name = mail.from.substr(0, mail.from.find('-'));  // the instance, as signed
  const std::string unknown = verp.Encode(name, execution::Queue::kRealTime, 987654321);
  const double unknown_before = Reports("unknown_event");
  spec.to = unknown;
  spec.original_return_path = unknown;
  HandOver({unknown}, reports::PostfixDsn(spec));
  CHECK(Reports("unknown_event") == unknown_before + 1);

  // Not a return path at all, and none in the returned headers.
  const double stray_before = Reports("unknown_return_path");
  spec.to = std::string("postmaster@") + kBounceDomain;
  spec.original_return_path.clear();
  HandOver({spec.to}, reports::PostfixDsn(spec));
  CHECK(Reports("unknown_return_path") == stray_before + 1);

  // Another domain: refused at RCPT, never an open relay.
  absl::StatusOr<SmtpReply> relay = SendMail(c.bounce_port, "", {"someone@elsewhere.test"}, "x");
  REQUIRE(relay.ok());
  CHECK(relay->code / 100 == 5);

  // The targeted event is untouched.
  const v1::StoredEvent e = c.client->Get(id);
  CHECK(e.status() == v1::EVENT_STATUS_SENT);
  CHECK_FALSE(HasStep(e, v1::TIMELINE_STEP_BOUNCED));
  CHECK(SuppressionsOf(address).empty());
}

}  // namespace
}  // namespace mc::e2e
