// The fixture of the status-webhooks end-to-end test (ctest e2e_webhooks_test): execution-service
// processes with their workflows, sharing the real SMTP sink (bounce...@ fails hard, busy...@
// softly) and an SMS provider on loopback that fails the first try of some numbers (a real soft
// failure, then a success); Receiver, a WebhookSink receiver on loopback that logs every request
// with the answer it gave; the templates and events the test cases push; and the checks of one
// webhook's headers and signature (this test's own HMAC-SHA256, tests/support/webhook_check.h).
// SharedRelays() and Main() are function-local statics: one relay pair and one main instance per
// process, started on first use and shared by the test cases, which run in the order of the
// sources in tests/CMakeLists.txt.
//
// Failure modes: a server or receiver that does not start stops the test with FAIL; a relay that
// does not start aborts the process; the helpers and checks that must hold REQUIRE or FAIL; the
// SQL reads of Instance let pqxx exceptions propagate. Thread safety: Receiver is thread-safe
// (its log is locked; the sink answers on its own thread); everything else is for the test's
// main thread (FreshSchema is not thread-safe).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/process/service_process.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "messagecenter/v1/events.pb.h"
#include "messagecenter/v1/templates.pb.h"
#include "messagecenter/v1/webhooks.pb.h"
#include "tests/support/exec_client.h"
#include "tests/support/webhook_check.h"

namespace mc::e2e::webhooks_e2e {

// A receiver that logs every request with the answer it got and when it came.
class Receiver {
 public:
  struct Answered {
    sinks::WebhookSink::Request request;
    int status = 0;
    absl::Time at;
  };
  // answer(n, request): the status for the n-th request (from 0); unset: 200.
  using Answer = std::function<int(int64_t, const sinks::WebhookSink::Request&)>;

  explicit Receiver(Answer answer = nullptr);
  ~Receiver();

  std::string url(const std::string& path = "/webhook") const;
  void SetAnswer(Answer answer);
  std::vector<Answered> Log();
  bool WaitFor(const std::function<bool(const std::vector<Answered>&)>& done,
               absl::Duration timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  Answer answer_;
  std::vector<Answered> log_;
  std::unique_ptr<sinks::WebhookSink> sink_;  // last: stopped first
};

// The webhook-ids answered 2xx, each with the index of its first such answer.
std::map<std::string, size_t> Delivered(const std::vector<Receiver::Answered>& log);

// A WaitFor predicate: at least `n` webhook-ids answered 2xx.
std::function<bool(const std::vector<Receiver::Answered>&)> DeliveredAtLeast(size_t n);

// The body as a WebhookPayload (FAIL when it is not one).
messagecenter::v1::WebhookPayload Payload(const sinks::WebhookSink::Request& r);

// Every Standard Webhooks header of one POST, and its signature under `key` only.
void CheckHeadersAndSignature(const Receiver::Answered& a, const std::string& key,
                              const std::string& path);

// One execution instance: its schema, process, clients, and one-value reads of its schema.
struct Instance {
  std::string schema;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
  std::unique_ptr<WebhookClient> hooks;

  // The first column of the first row of `sql` in the schema (0 / "" when NULL).
  int64_t Scalar(const std::string& sql) const;
  std::string Text(const std::string& sql) const;
};

// Version 1 email / SMS templates for events of `type`, rendering ctx.order.
messagecenter::v1::Template EmailTemplate(const std::string& name, const std::string& type);
messagecenter::v1::Template SmsTemplate(const std::string& name, const std::string& type);

// Events of `type` with external id `ext` and ctx.order set.
messagecenter::v1::Event Email(const std::string& type, const std::string& address,
                               const std::string& ext);
messagecenter::v1::Event Sms(const std::string& type, const std::string& phone,
                             const std::string& ext);

// The SMTP relay and the SMS provider every instance of this test uses. The provider answers
// 503 to the first POST for a number starting "+33611" (a soft failure, tried again), 200 to
// everything else.
struct Relays {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<Receiver> sms;
};

// The process's one Relays (a function-local static), started on the first call.
Relays& SharedRelays();

// Starts an instance on a fresh schema `label`, on the shared relays, with the test's retry and
// polling flags and then `flags`.
Instance StartInstance(const std::string& label, std::vector<std::string> flags);

// The instance most cases share: private networks and http allowed (the receivers are on
// loopback), quick webhook retries, no pause within a test's time. A function-local static,
// started with its templates published on the first call.
Instance& Main();

// The Message-ID header of the mail the SMTP sink received for this event ("" when none).
std::string MailMessageId(int64_t id);

}  // namespace mc::e2e::webhooks_e2e
