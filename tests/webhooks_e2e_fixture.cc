// The status-webhooks end-to-end fixture: tests/webhooks_e2e_fixture.h.
#include "tests/webhooks_e2e_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e::webhooks_e2e {
namespace v1 = messagecenter::v1;
using sinks::WebhookSink;

Receiver::Receiver(Answer answer) : answer_(std::move(answer)) {
  auto sink = WebhookSink::Start();
  if (!sink.ok()) FAIL("WebhookSink: " << sink.status().ToString());
  sink_ = *std::move(sink);
  sink_->SetResponder([this](const WebhookSink::Request& r) {
    std::lock_guard<std::mutex> lock(mu_);
    const int status = answer_ ? answer_(static_cast<int64_t>(log_.size()), r) : 200;
    log_.push_back({r, status, absl::Now()});
    cv_.notify_all();
    return status;
  });
}

Receiver::~Receiver() { sink_->Stop(); }

std::string Receiver::url(const std::string& path) const { return sink_->url(path); }

void Receiver::SetAnswer(Answer answer) {
  std::lock_guard<std::mutex> lock(mu_);
  answer_ = std::move(answer);
}

std::vector<Receiver::Answered> Receiver::Log() {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

bool Receiver::WaitFor(const std::function<bool(const std::vector<Answered>&)>& done,
                       absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return done(log_); });
}

// The webhook-ids answered 2xx, each with the index of its first such answer.
std::map<std::string, size_t> Delivered(const std::vector<Receiver::Answered>& log) {
  std::map<std::string, size_t> out;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].status >= 200 && log[i].status < 300) {
      out.emplace(log[i].request.Header("webhook-id"), i);
    }
  }
  return out;
}

std::function<bool(const std::vector<Receiver::Answered>&)> DeliveredAtLeast(size_t n) {
  return [n](const std::vector<Receiver::Answered>& log) { return Delivered(log).size() >= n; };
}

v1::WebhookPayload Payload(const WebhookSink::Request& r) {
  std::optional<v1::WebhookPayload> p = ParsePayload(r.body);
  if (!p) FAIL("not a WebhookPayload: " << r.body);
  return *p;
}

// Every Standard Webhooks header of one POST, and its signature under `key` only.
void CheckHeadersAndSignature(const Receiver::Answered& a, const std::string& key,
                              const std::string& path) {
  const WebhookSink::Request& r = a.request;
  INFO("request " << r.Header("webhook-id") << ": " << r.body);
  CHECK(r.method == "POST");
  CHECK(r.path == path);
  CHECK(r.Header("content-type") == "application/json");
  CHECK(absl::StartsWith(r.Header("user-agent"), "MessageCenter-Webhooks/"));
  CHECK(absl::StartsWith(r.Header("webhook-id"), "wh_"));
  int64_t ts = 0;
  REQUIRE(absl::SimpleAtoi(r.Header("webhook-timestamp"), &ts));
  // Unix seconds of the POST: not after it arrived (the clock is shared), not long before.
  CHECK(ts <= absl::ToUnixSeconds(a.at));
  CHECK(ts > absl::ToUnixSeconds(a.at) - 120);
  CHECK(SignatureEntries(r).size() == 1);
  CHECK(SignedWith(key, r));
  // The check can fail: another key, or one byte of the body changed.
  CHECK_FALSE(SignedWith(NewTestSecret().key, r));
  WebhookSink::Request tampered = r;
  tampered.body.back() = tampered.body.back() == '}' ? ' ' : '}';
  CHECK_FALSE(SignedWith(key, tampered));
  const v1::WebhookPayload p = Payload(r);
  CHECK(p.data().webhook_id() == r.Header("webhook-id"));
}

int64_t Instance::Scalar(const std::string& sql) const {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + schema);
  pqxx::result r = tx.exec(sql);
  return r[0][0].is_null() ? 0 : r[0][0].as<int64_t>();
}

std::string Instance::Text(const std::string& sql) const {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + schema);
  pqxx::result r = tx.exec(sql);
  return r[0][0].is_null() ? "" : r[0][0].as<std::string>();
}

v1::Template EmailTemplate(const std::string& name, const std::string& type) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject("Order <%= rtEvent.ctx.order %>");
  t.set_text_body("Order <%= rtEvent.ctx.order %> shipped.");
  return t;
}

v1::Template SmsTemplate(const std::string& name, const std::string& type) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_SMS);
  t.set_version(1);
  t.set_sms_text("Order <%= rtEvent.ctx.order %> shipped.");
  return t;
}

v1::Event Email(const std::string& type, const std::string& address, const std::string& ext) {
  v1::Event e;
  e.set_type(type);
  e.set_email(address);
  e.set_external_id(ext);
  (*e.mutable_ctx()->mutable_fields())["order"].set_string_value("A-17");
  return e;
}

v1::Event Sms(const std::string& type, const std::string& phone, const std::string& ext) {
  v1::Event e;
  e.set_type(type);
  e.set_wished_channel(v1::CHANNEL_SMS);
  e.set_mobile_phone(phone);
  e.set_external_id(ext);
  (*e.mutable_ctx()->mutable_fields())["order"].set_string_value("S-9");
  return e;
}

Relays& SharedRelays() {
  static Relays r = [] {
    Relays r;
    r.smtp = *sinks::SmtpSink::Start({});
    auto seen = std::make_shared<std::set<std::string>>();
    r.sms = std::make_unique<Receiver>([seen](int64_t, const WebhookSink::Request& req) {
      const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
      const std::string to = body.is_object() ? body.value("to", "") : "";
      if (absl::StartsWith(to, "+33611") && seen->insert(to).second) return 503;
      return 200;
    });
    return r;
  }();
  return r;
}

Instance StartInstance(const std::string& label, std::vector<std::string> flags) {
  Relays& relays = SharedRelays();
  Instance i;
  i.schema = testing::FreshSchema(label);
  std::vector<std::string> all = {"--smtp_url=" + relays.smtp->url(),
                                  "--sms_url=" + relays.sms->url("/sms"),
                                  "--message_id_domain=mc.test",
                                  "--retry_base_ms=300",
                                  "--max_tries=4",
                                  "--lease_seconds=5",
                                  "--workflow_refresh_ms=100",
                                  "--batch_poll_ms=100",
                                  "--status_update_pause_ms=20"};
  all.insert(all.end(), flags.begin(), flags.end());
  i.service = std::make_unique<process::ServiceProcess>(
      StartExecution(testing::SharedPostgresDsn(), i.schema, all));
  i.client = std::make_unique<ExecClient>(i.service->address());
  i.hooks = std::make_unique<WebhookClient>(i.service->address());
  return i;
}

Instance& Main() {
  static Instance i = [] {
    Instance i = StartInstance("webhooks", {"--start_workflows", "--webhook_allow_private_networks",
                                            "--webhook_allow_http", "--webhook_retry_base_ms=100",
                                            "--webhook_retry_cap_ms=500"});
    for (const char* type :
         {"WH_FINAL", "WH_ATTEMPT", "WH_RETRY", "WH_GONE", "WH_REPLAY", "WH_ROTATE", "WH_BATCH"}) {
      REQUIRE(i.client->Publish(EmailTemplate(absl::StrCat("mail_", type), type)).ok());
    }
    for (const char* type : {"WH_ATTEMPT", "WH_RETRY", "WH_BATCH"}) {
      REQUIRE(i.client->Publish(SmsTemplate(absl::StrCat("sms_", type), type)).ok());
    }
    return i;
  }();
  return i;
}

// The Message-ID header of the mail the SMTP sink received for this event ("" when none).
std::string MailMessageId(int64_t id) {
  const std::string want = absl::StrCat("<ev-rt-", id, "@mc.test>");
  for (const auto& m : SharedRelays().smtp->Messages()) {
    const size_t at = m.data.find("Message-ID: ");
    if (at == std::string::npos) continue;
    const std::string value = m.data.substr(at + 12, m.data.find("\r\n", at) - at - 12);
    if (value == want) return value;
  }
  return "";
}

}  // namespace mc::e2e::webhooks_e2e
