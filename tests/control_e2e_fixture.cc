// The control end-to-end fixture: tests/control_e2e_fixture.h.
#include "tests/control_e2e_fixture.h"

#include <google/protobuf/util/json_util.h>

#include <catch2/catch.hpp>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::control_e2e {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;
namespace {

Execution StartInstance(const std::string& name, const Cluster& c) {
  Execution e{.name = name, .schema = testing::FreshSchema(name)};
  e.service = std::make_unique<process::ServiceProcess>(StartExecution(
      testing::SharedPostgresDsn(), e.schema,
      {"--smtp_url=" + c.smtp->url(), "--sms_url=" + c.sms->url(), "--retry_base_ms=100",
       "--max_tries=2", "--message_id_domain=mc.test", "--workflow_refresh_ms=100",
       "--batch_poll_ms=100", "--partition_period_seconds=2"}));
  e.client = std::make_unique<ExecClient>(e.service->address());
  return e;
}

v1::Event Sms(const std::string& phone) {
  v1::Event e;
  e.set_type("ORDER_SHIPPED");
  e.set_wished_channel(v1::CHANNEL_SMS);
  e.set_mobile_phone(phone);
  return e;
}

}  // namespace

Cluster& TheCluster() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.sms = *sinks::HttpSink::Start();
    c.control_schema = testing::FreshSchema("control");
    c.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), c.control_schema, {"--noarchiving_scheduler"}));
    c.client = std::make_unique<ControlClient>(c.control->address());
    c.a = StartInstance("exec_a", c);
    c.b = StartInstance("exec_b", c);
    return c;
  }();
  return c;
}

v1::Event Email(const std::string& type, const std::string& address) {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  (void)google::protobuf::util::JsonStringToMessage(R"({"name":"Ana","order":{"id":"A-1"}})",
                                                    e.mutable_ctx());
  return e;
}

// Pushes `emails` sendable emails and one event of every other outcome; waits until final.
Expected PushEveryOutcome(Execution& e, int emails) {
  ExecClient& c = *e.client;
  std::vector<int64_t> ids;
  for (int i = 0; i < emails; ++i) {
    ids.push_back(
        c.Push(i % 2 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME,
               Email("ORDER_SHIPPED", absl::StrCat("user", i, "@", e.name.substr(5), ".test"))));
  }
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Sms("+33612345678")));
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Sms("+9991234567")));
  const std::string bounce = absl::StrCat("bounce-", e.name, "@example.com");
  const int64_t bounced = c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", bounce));
  REQUIRE(c.WaitFinal(bounced).status() == v1::EVENT_STATUS_DELIVERY_FAILED);
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", bounce)));  // ignored
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("ORDER_SHIPPED", "busy-1@example.com")));
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, Email("NO_TEMPLATE", "x@example.com")));
  v1::Event late = Email("ORDER_SHIPPED", "late@example.com");
  late.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  ids.push_back(c.Push(v1::QUEUE_REAL_TIME, late));
  for (int64_t id : ids) REQUIRE(c.WaitFinal(id).status() >= v1::EVENT_STATUS_SENT);
  return {.incoming = emails + 7,
          .sent = emails + 1,
          .failed = 2,
          .ignored = 1,
          .expired = 2,
          .not_taken = 1,
          .sms = 2,
          .sms_sent = 1};
}

pb::Template OrderShipped() {
  pb::Template t;
  t.set_internal_name("orderShipped");
  t.set_label("Order shipped");
  t.set_event_type("ORDER_SHIPPED");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_subject("Order <%= rtEvent.ctx.order.id %> shipped");
  t.set_html_body("<p>Hello <%= rtEvent.ctx.name %></p>");
  t.set_text_body("Hello <%= rtEvent.ctx.name %>");
  pb::Seed* seed = t.add_seeds();
  seed->set_address("seed@example.com");
  (void)google::protobuf::util::JsonStringToMessage(R"({"name":"<Zoé>","order":{"id":"S-1"}})",
                                                    seed->mutable_ctx());
  return t;
}

pb::Template OrderShippedSms() {
  pb::Template t;
  t.set_internal_name("orderShippedSms");
  t.set_event_type("ORDER_SHIPPED");
  t.set_channel(v1::CHANNEL_SMS);
  t.set_sms_text("Your order shipped");
  return t;
}

grpc::Status Publish(const std::string& name, pb::PublishTemplateResponse* out) {
  pb::PublishTemplateRequest req;
  req.set_internal_name(name);
  return TheCluster().client->templates().PublishTemplate(Context().get(), req, out);
}

}  // namespace mc::e2e::control_e2e
