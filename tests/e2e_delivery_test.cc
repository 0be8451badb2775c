// End to end: the three technical workflows with real delivery. A real SMTP server and a real
// HTTP SMS provider on loopback; every event status of DOMAIN.md section 4 reached for real.
#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<sinks::HttpSink> sms;
  std::string schema;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

Cluster& Instance() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.sms = *sinks::HttpSink::Start();
    c.schema = testing::FreshSchema("delivery");
    c.service = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), c.schema,
        {"--smtp_url=" + c.smtp->url(), "--sms_url=" + c.sms->url(), "--retry_base_ms=100",
         "--max_tries=3", "--lease_seconds=5", "--message_id_domain=mc.test",
         "--workflow_refresh_ms=100", "--batch_poll_ms=100", "--smtp_from=Shop <shop@mc.test>"}));
    c.client = std::make_unique<ExecClient>(c.service->address());
    return c;
  }();
  return c;
}

v1::Template EmailTemplate(const std::string& name, const std::string& type, int version,
                           const std::string& subject) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(version);
  t.set_subject(subject);
  t.set_html_body(
      "<p>Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %>.</p>"
      "<%- rtEvent.ctx.signature %>");
  t.set_text_body("Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %>.");
  return t;
}

v1::Event Email(const std::string& type, const std::string& address, const std::string& name) {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  (void)google::protobuf::util::JsonStringToMessage(
      absl::StrCat(R"({"name":)", "\"", name, "\"",
                   R"(,"order":{"id":"A-17"},"signature":"<i>The shop</i>"})"),
      e.mutable_ctx());
  return e;
}

v1::Event Sms(const std::string& type, const std::string& phone) {
  v1::Event e;
  e.set_type(type);
  e.set_wished_channel(v1::CHANNEL_SMS);
  e.set_mobile_phone(phone);
  (void)google::protobuf::util::JsonStringToMessage(R"({"order":{"id":"S-9"}})", e.mutable_ctx());
  return e;
}

// The mail whose Message-ID names this event.
std::optional<sinks::ReceivedMail> MailFor(const std::string& queue, int64_t id) {
  const std::string mid = absl::StrCat("Message-ID: <ev-", queue, "-", id, "@mc.test>");
  for (const auto& m : Instance().smtp->Messages()) {
    if (m.data.find(mid) != std::string::npos) return m;
  }
  return std::nullopt;
}

// Decodes the base64 part of the given content type.
std::string Part(const std::string& data, const std::string& type) {
  size_t at = data.find("Content-Type: " + type);
  REQUIRE(at != std::string::npos);
  size_t start = data.find("\r\n\r\n", at) + 4;
  size_t end = data.find("--", start);
  std::string b64;
  for (size_t i = start; i < end; ++i) {
    if (data[i] != '\r' && data[i] != '\n') b64.push_back(data[i]);
  }
  std::string out;
  REQUIRE(absl::Base64Unescape(b64, &out));
  return out;
}

int64_t Scalar(const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + Instance().schema);
  return tx.exec(sql)[0][0].as<int64_t>();
}

TEST_CASE("templates are refused until the workflows run, then published with faults located") {
  ExecClient& client = *Instance().client;
  grpc::Status early = client.Publish(EmailTemplate("early", "EARLY", 1, "Hi"));
  CHECK(early.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(early.error_message().find("rtEventsProcessing (stopped)") != std::string::npos);
  CHECK(early.error_message().find("updateEventStatus (stopped)") != std::string::npos);

  REQUIRE(client.StartAllWorkflows().ok());
  v1::Template broken = EmailTemplate("broken", "BROKEN", 1, "Hi");
  broken.set_html_body("<p>\n  <%= rtEvent.ctx.name </p>");
  grpc::Status bad = client.Publish(broken);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message() ==
        "html_body: line 2, column 3: tag opened with '<%' is never closed with '%>'");

  REQUIRE(client
              .Publish(EmailTemplate("orderShipped", "ORDER_SHIPPED", 1,
                                     "Order <%= rtEvent.ctx.order.id %> shipped"))
              .ok());
  CHECK(client.Publish(EmailTemplate("orderShipped", "ORDER_SHIPPED", 1, "again")).error_code() ==
        grpc::StatusCode::ALREADY_EXISTS);
  v1::Template sms;
  sms.set_internal_name("orderShippedSms");
  sms.set_event_type("ORDER_SHIPPED");
  sms.set_channel(v1::CHANNEL_SMS);
  sms.set_version(1);
  sms.set_sms_text("Order <%= rtEvent.ctx.order.id %> shipped");
  REQUIRE(client.Publish(sms).ok());

  v1::ListTemplatesRequest list;
  v1::ListTemplatesResponse listed;
  REQUIRE(client.templates().ListTemplates(Context().get(), list, &listed).ok());
  CHECK(listed.templates_size() == 4);  // a real-time and a batch copy of each
}

TEST_CASE("every event status is reached by a real scenario") {
  ExecClient& client = *Instance().client;
  REQUIRE(client.StartAllWorkflows().ok());
  (void)client.Publish(EmailTemplate("orderShipped", "ORDER_SHIPPED", 1,
                                     "Order <%= rtEvent.ctx.order.id %> shipped"));

  // Sent, with the personalisation rendered and escaped.
  int64_t sent =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "ana@example.com", "<Ana & Bob>"));
  v1::StoredEvent e = client.WaitFinal(sent);
  CHECK(e.status() == v1::EVENT_STATUS_SENT);
  auto mail = MailFor("rt", sent);
  REQUIRE(mail.has_value());
  CHECK(mail->recipients == std::vector<std::string>{"ana@example.com"});
  CHECK(mail->from == "shop@mc.test");
  CHECK(mail->data.find("Subject: Order A-17 shipped\r\n") != std::string::npos);
  CHECK(Part(mail->data, "text/html") ==
        "<p>Hello &lt;Ana &amp; Bob&gt;, order A-17.</p><i>The shop</i>");
  CHECK(Part(mail->data, "text/plain") == "Hello <Ana & Bob>, order A-17.");

  // Batch queue too.
  int64_t batch = client.Push(v1::QUEUE_BATCH, Email("ORDER_SHIPPED", "bo@example.com", "Bo"));
  CHECK(client.WaitFinal(batch).status() == v1::EVENT_STATUS_SENT);
  CHECK(MailFor("batch", batch).has_value());

  // Hard bounce: Delivery failed, and the address is quarantined: the next one is ignored.
  int64_t bounced =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "bounce-1@example.com", "X"));
  CHECK(client.WaitFinal(bounced).status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  int64_t ignored =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "bounce-1@example.com", "X"));
  CHECK(client.WaitFinal(ignored).status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
  CHECK(Scalar("SELECT count(*) FROM quarantine WHERE address = 'bounce-1@example.com'") == 1);
  CHECK(Scalar(absl::StrCat("SELECT count(*) FROM delivery_logs WHERE event_id = ", bounced,
                            " AND failure_type = 'hard' AND failure_reason LIKE '%550%'")) == 1);

  // Soft failures retried with back-off until the tries run out: Expired (soft), 3 tries.
  int64_t soft =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "busy-1@example.com", "Y"));
  CHECK(client.WaitFinal(soft).status() == v1::EVENT_STATUS_EXPIRED);
  CHECK(Scalar(absl::StrCat("SELECT tries FROM delivery_logs WHERE event_id = ", soft,
                            " AND failure_type = 'soft'")) == 3);

  // No template for the type: not taken into account.
  int64_t unknown = client.Push(v1::QUEUE_REAL_TIME, Email("NO_TEMPLATE", "c@example.com", "C"));
  CHECK(client.WaitFinal(unknown).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);

  // Past its expiration before processing: Expired.
  v1::Event late = Email("ORDER_SHIPPED", "d@example.com", "D");
  late.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  int64_t expired = client.Push(v1::QUEUE_REAL_TIME, late);
  CHECK(client.WaitFinal(expired).status() == v1::EVENT_STATUS_EXPIRED);

  // Scheduled: waits until its time, then sent.
  v1::Event later = Email("ORDER_SHIPPED", "e@example.com", "E");
  later.mutable_scheduled()->set_seconds(absl::ToUnixSeconds(absl::Now()) + 3);
  int64_t scheduled = client.Push(v1::QUEUE_REAL_TIME, later);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(client.Get(scheduled).status() == v1::EVENT_STATUS_PENDING);
  CHECK(client.WaitFinal(scheduled).status() == v1::EVENT_STATUS_SENT);

  // SMS: sent through the provider, and a number it refuses.
  int64_t sms = client.Push(v1::QUEUE_REAL_TIME, Sms("ORDER_SHIPPED", "+33612345678"));
  CHECK(client.WaitFinal(sms).status() == v1::EVENT_STATUS_SENT);
  bool found = false;
  for (const std::string& body : Instance().sms->Bodies()) {
    found |= body.find(R"("text":"Order S-9 shipped")") != std::string::npos &&
             body.find(R"("to":"+33612345678")") != std::string::npos;
  }
  CHECK(found);
  int64_t refused = client.Push(v1::QUEUE_REAL_TIME, Sms("ORDER_SHIPPED", "+9991234567"));
  CHECK(client.WaitFinal(refused).status() == v1::EVENT_STATUS_DELIVERY_FAILED);

  // Exactly one delivery log per event that reached delivery.
  CHECK(Scalar("SELECT count(*) - count(DISTINCT (queue, event_id)) FROM delivery_logs") == 0);
  for (int64_t id : {sent, bounced, ignored, soft, scheduled, sms, refused}) {
    CHECK(Scalar(absl::StrCat("SELECT count(*) FROM delivery_logs WHERE queue = 1 AND event_id = ",
                              id)) == 1);
  }
  CHECK(Scalar(absl::StrCat("SELECT count(*) FROM delivery_logs WHERE event_id IN (", unknown, ",",
                            expired, ")")) == 0);
}

TEST_CASE("a hard bounce stops the same address with its domain in another case") {
  ExecClient& client = *Instance().client;
  REQUIRE(client.StartAllWorkflows().ok());
  (void)client.Publish(EmailTemplate("orderShipped", "ORDER_SHIPPED", 1,
                                     "Order <%= rtEvent.ctx.order.id %> shipped"));
  int64_t bounced =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "bounce-case@example.test", "X"));
  CHECK(client.WaitFinal(bounced).status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  const size_t refused = Instance().smtp->refused();

  int64_t upper =
      client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "bounce-case@EXAMPLE.TEST", "X"));
  v1::StoredEvent e = client.WaitFinal(upper);
  CHECK(e.status() == v1::EVENT_STATUS_IGNORED_BY_DELIVERY);
  CHECK(e.event().email() == "bounce-case@EXAMPLE.TEST");  // kept as the caller gave it
  CHECK(Instance().smtp->refused() == refused);            // the relay never saw it
  CHECK(Scalar("SELECT count(*) FROM quarantine WHERE address ILIKE 'bounce-case@%'") == 1);
  CHECK(Scalar("SELECT count(*) FROM quarantine WHERE address = 'bounce-case@example.test'") == 1);
  CHECK(Scalar(absl::StrCat("SELECT count(*) FROM delivery_logs WHERE event_id = ", upper,
                            " AND status = 3 AND address = 'bounce-case@EXAMPLE.TEST'")) == 1);
}

TEST_CASE("a republished template is used, with its version, by later events") {
  ExecClient& client = *Instance().client;
  REQUIRE(client.StartAllWorkflows().ok());
  REQUIRE(client.Publish(EmailTemplate("welcome", "WELCOME", 1, "Welcome v1")).ok());
  int64_t first = client.Push(v1::QUEUE_REAL_TIME, Email("WELCOME", "v1@example.com", "A"));
  REQUIRE(client.WaitFinal(first).status() == v1::EVENT_STATUS_SENT);
  REQUIRE(client.Publish(EmailTemplate("welcome", "WELCOME", 2, "Welcome v2")).ok());
  int64_t second = client.Push(v1::QUEUE_REAL_TIME, Email("WELCOME", "v2@example.com", "B"));
  REQUIRE(client.WaitFinal(second).status() == v1::EVENT_STATUS_SENT);
  CHECK(MailFor("rt", first)->data.find("Subject: Welcome v1\r\n") != std::string::npos);
  CHECK(MailFor("rt", second)->data.find("Subject: Welcome v2\r\n") != std::string::npos);
  CHECK(Scalar(absl::StrCat("SELECT template_version FROM rt_events WHERE id = ", second)) == 2);
  CHECK(Scalar(absl::StrCat("SELECT template_version FROM delivery_logs WHERE event_id = ",
                            first)) == 1);

  v1::UnpublishTemplateRequest unpublish;
  unpublish.set_internal_name("welcome");
  v1::UnpublishTemplateResponse unpublished;
  REQUIRE(client.templates().UnpublishTemplate(Context().get(), unpublish, &unpublished).ok());
  CHECK(unpublished.unpublished() == 4);
  int64_t third = client.Push(v1::QUEUE_REAL_TIME, Email("WELCOME", "v3@example.com", "C"));
  CHECK(client.WaitFinal(third).status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
}

TEST_CASE("a 1,000-character personalised subject arrives folded and decodes to the rendering") {
  ExecClient& client = *Instance().client;
  REQUIRE(client.StartAllWorkflows().ok());
  REQUIRE(client
              .Publish(EmailTemplate("longSubject", "LONG_SUBJECT", 1,
                                     "Bonjour <%= rtEvent.ctx.name %>"))
              .ok());
  // 1,000 characters, with a line break that must neither inject a header nor survive raw.
  std::string name = "Éloïse\\r\\nBcc: evil@example.com ";
  while (name.size() < 1130) name += "Olá Ana, ça va? ";
  v1::Event event = Email("LONG_SUBJECT", "long@example.com", name);
  std::string rendered = "Bonjour " + event.ctx().fields().at("name").string_value();
  size_t characters = 0;
  for (unsigned char c : rendered) characters += (c & 0xC0) != 0x80;
  REQUIRE(characters >= 1000);
  REQUIRE(rendered.find("\r\n") != std::string::npos);

  int64_t id = client.Push(v1::QUEUE_REAL_TIME, event);
  REQUIRE(client.WaitFinal(id).status() == v1::EVENT_STATUS_SENT);
  auto mail = MailFor("rt", id);
  REQUIRE(mail.has_value());
  for (const std::string& line : testing::HeaderLines(mail->data)) CHECK(line.size() <= 998);
  absl::StatusOr<testing::DecodedHeaders> decoded = testing::DecodeMailHeaders(mail->data);
  INFO(decoded.status());
  REQUIRE(decoded.ok());
  CHECK(decoded->Find("Bcc") == nullptr);
  REQUIRE(decoded->Find("Subject") != nullptr);
  CHECK(decoded->Find("Subject")->value ==
        absl::StrReplaceAll(rendered, {{"\r", " "}, {"\n", " "}}));
  CHECK(decoded->Find("From")->value == "Shop <shop@mc.test>");
  CHECK(decoded->Find("To")->value == "long@example.com");
}

TEST_CASE("stopped workflows leave events waiting; started, they flow") {
  ExecClient& client = *Instance().client;
  REQUIRE(client.StartAllWorkflows().ok());
  (void)client.Publish(EmailTemplate("orderShipped", "ORDER_SHIPPED", 1, "Order"));
  REQUIRE(client.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_STOPPED).ok());
  int64_t id = client.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "wait@example.com", "W"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(client.Get(id).status() == v1::EVENT_STATUS_PENDING);
  CHECK_FALSE(MailFor("rt", id).has_value());
  REQUIRE(client.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_STARTED).ok());
  CHECK(client.WaitFinal(id).status() == v1::EVENT_STATUS_SENT);

  v1::ListWorkflowsRequest req;
  v1::ListWorkflowsResponse resp;
  REQUIRE(client.workflows().ListWorkflows(Context().get(), req, &resp).ok());
  REQUIRE(resp.workflows_size() == 4);
  for (const auto& w : resp.workflows()) {
    CHECK(w.folder() == "Administration > Production > Message Center");
    CHECK(w.state() == v1::WORKFLOW_STATE_STARTED);
    // webhookDelivery had no subscription to send for.
    if (w.internal_name() != "webhookDelivery") CHECK(w.processed() > 0);
  }
}

}  // namespace
}  // namespace mc::e2e
