// End to end: CancelEvent racing the processing workflows of the real service, with a real SMTP
// server on loopback. 1,000 events (both queues) are scheduled a couple of seconds ahead with
// every workflow running; half of them are cancelled over gRPC from 8 threads, paced so that
// the cancels run from before the schedule comes due until well after, while the workflows
// claim and send in small batches: some cancels win, some lose to a claim. Then: every cancel
// that returned OK ended Cancelled and was never sent (the SMTP server never saw its address
// or its Message-ID); every other event was Sent, once; every cancel that failed got
// FAILED_PRECONDITION naming Pending delivery or Sent. Cancelling a final event (Sent,
// Cancelled) is refused precisely, by id and by external id; an unknown one is NOT_FOUND.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

constexpr int kEvents = 1000;
constexpr int kThreads = 8;

std::string Address(int i) { return absl::StrCat("cancel-", i, "@example.test"); }
std::string ExternalId(int i) { return absl::StrCat("cancel-order-", i); }
// Every fifth event goes to the batch queue.
v1::Queue QueueOf(int i) { return i % 5 == 4 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME; }

std::string Refused(int64_t id, const std::string& label) {
  return absl::StrCat("event ", id, " is ", label, ": only a Pending event can be cancelled");
}

void SetTime(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t us = absl::ToUnixMicros(t);
  ts->set_seconds(us / 1000000);
  ts->set_nanos(static_cast<int32_t>(us % 1000000) * 1000);
}

// One cancel's outcome, as the caller saw it.
struct CancelCall {
  int index = 0;
  grpc::StatusCode code = grpc::OK;
  std::string message;
  v1::StoredEvent response;
};

TEST_CASE("half of 1,000 scheduled events cancelled while the workflows run: none of them sent") {
  std::unique_ptr<sinks::SmtpSink> smtp = *sinks::SmtpSink::Start({});
  process::ServiceProcess service = StartExecution(
      testing::SharedPostgresDsn(), testing::FreshSchema("cancel"),
      {"--smtp_url=" + smtp->url(), "--message_id_domain=mc.test", "--workflow_refresh_ms=100",
       "--batch_poll_ms=50", "--processing_batch=20", "--status_update_pause_ms=20"});
  ExecClient client(service.address());
  REQUIRE(client.StartAllWorkflows().ok());
  v1::Template t;
  t.set_internal_name("cancelShipped");
  t.set_event_type("CANCEL_SHIPPED");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject("Shipped");
  t.set_text_body("Your order is on its way.");
  const grpc::Status published = client.Publish(t);
  INFO(published.error_message());
  REQUIRE(published.ok());

  // Everything due at `due`: pushed in one call per queue.
  const absl::Time due = absl::Now() + absl::Seconds(3);
  std::vector<int64_t> ids(kEvents);
  for (v1::Queue queue : {v1::QUEUE_REAL_TIME, v1::QUEUE_BATCH}) {
    v1::PushEventsRequest req;
    req.set_queue(queue);
    std::vector<int> order;
    for (int i = 0; i < kEvents; ++i) {
      if (QueueOf(i) != queue) continue;
      v1::Event* e = req.add_events();
      e->set_type("CANCEL_SHIPPED");
      e->set_email(Address(i));
      e->set_external_id(ExternalId(i));
      SetTime(due, e->mutable_scheduled());
      order.push_back(i);
    }
    v1::PushEventsResponse resp;
    const grpc::Status s = client.events().PushEvents(Context().get(), req, &resp);
    INFO(s.error_message());
    REQUIRE(s.ok());
    REQUIRE(resp.accepted() == static_cast<int>(order.size()));
    for (size_t k = 0; k < order.size(); ++k) ids[order[k]] = resp.results(k).id();
  }
  REQUIRE(absl::Now() < due);  // nothing could be claimed yet

  // The odd events are cancelled in a shuffled order, paced from 1 s before `due` to 1.5 s
  // after; every fourth by external id.
  std::vector<int> to_cancel;
  for (int i = 1; i < kEvents; i += 2) to_cancel.push_back(i);
  std::shuffle(to_cancel.begin(), to_cancel.end(), std::mt19937(14));
  const absl::Time start = due - absl::Seconds(1);
  const absl::Duration step = absl::Milliseconds(2500) / static_cast<int>(to_cancel.size());
  std::vector<CancelCall> calls(to_cancel.size());
  std::vector<std::thread> threads;
  for (int k = 0; k < kThreads; ++k) {
    threads.emplace_back([&, k] {
      for (size_t j = k; j < to_cancel.size(); j += kThreads) {
        const absl::Time at = start + step * static_cast<int64_t>(j);
        if (const absl::Duration wait = at - absl::Now(); wait > absl::ZeroDuration()) {
          absl::SleepFor(wait);  // pacing, not polling
        }
        const int i = to_cancel[j];
        v1::CancelEventRequest req;
        if (j % 4 == 0) {
          req.mutable_external()->set_queue(QueueOf(i));
          req.mutable_external()->set_external_id(ExternalId(i));
        } else {
          req.set_id(ids[i]);
        }
        CancelCall& call = calls[j];
        call.index = i;
        const grpc::Status s = client.events().CancelEvent(Context().get(), req, &call.response);
        call.code = s.error_code();
        call.message = s.error_message();
      }
    });
  }
  for (std::thread& th : threads) th.join();

  std::set<int> cancelled;  // indexes whose cancel returned OK
  int refused_pending_delivery = 0, refused_sent = 0;
  for (const CancelCall& c : calls) {
    const int64_t id = ids[c.index];
    INFO("event " << id << ": " << c.code << " " << c.message);
    if (c.code == grpc::OK) {
      CHECK(c.response.id() == id);
      CHECK(c.response.status() == v1::EVENT_STATUS_CANCELLED);
      cancelled.insert(c.index);
      continue;
    }
    REQUIRE(c.code == grpc::FAILED_PRECONDITION);
    if (c.message == Refused(id, "Pending delivery")) {
      ++refused_pending_delivery;
    } else {
      CHECK(c.message == Refused(id, "Sent"));
      ++refused_sent;
    }
  }
  WARN("cancels: " << cancelled.size() << " OK, " << refused_pending_delivery
                   << " refused as Pending delivery, " << refused_sent << " as Sent");
  CHECK(!cancelled.empty());  // those well before `due` cannot lose

  // Every event not cancelled is sent: wait for the SMTP server to have them all.
  const size_t to_send = kEvents - cancelled.size();
  REQUIRE(smtp->WaitForCount(to_send, absl::Seconds(120)));
  std::map<std::string, int> mails_to;
  std::set<std::string> message_ids;
  for (const sinks::ReceivedMail& m : smtp->Messages()) {
    for (const std::string& r : m.recipients) ++mails_to[r];
    for (const std::string& line : testing::HeaderLines(m.data)) {
      if (absl::StartsWithIgnoreCase(line, "Message-ID: ")) message_ids.insert(line.substr(12));
    }
  }
  for (int i = 0; i < kEvents; ++i) {
    const int64_t id = ids[i];
    INFO("event " << i << " (id " << id << ")");
    const v1::StoredEvent e = client.WaitFinal(id, absl::Seconds(60));
    const std::string message_id = absl::StrCat(
        "<ev-", QueueOf(i) == v1::QUEUE_REAL_TIME ? "rt" : "batch", "-", id, "@mc.test>");
    if (cancelled.contains(i)) {
      CHECK(e.status() == v1::EVENT_STATUS_CANCELLED);
      CHECK(mails_to[Address(i)] == 0);
      CHECK_FALSE(message_ids.contains(message_id));
      CHECK(smtp->rcpt_count(Address(i)) == 0);
      CHECK(e.story().timeline_size() == 2);
      CHECK(e.story().timeline(1).step() == v1::TIMELINE_STEP_FINAL);
      CHECK(e.story().timeline(1).status() == v1::EVENT_STATUS_CANCELLED);
      CHECK_FALSE(e.story().has_taken_up());
    } else {
      CHECK(e.status() == v1::EVENT_STATUS_SENT);
      CHECK(mails_to[Address(i)] == 1);
      CHECK(message_ids.contains(message_id));
    }
  }
  CHECK(smtp->accepted() == to_send);

  // A final event is refused precisely, by id and by external id; Cancelled as well.
  int sent_index = 0;
  while (cancelled.contains(sent_index)) ++sent_index;
  const int cancelled_index = *cancelled.begin();
  struct Final {
    int index;
    std::string label;
  };
  for (const Final& f : {Final{sent_index, "Sent"}, Final{cancelled_index, "Cancelled"}}) {
    const int64_t id = ids[f.index];
    INFO(f.label << " event " << id);
    v1::CancelEventRequest by_id;
    by_id.set_id(id);
    v1::StoredEvent out;
    grpc::Status s = client.events().CancelEvent(Context().get(), by_id, &out);
    CHECK(s.error_code() == grpc::FAILED_PRECONDITION);
    CHECK(s.error_message() == Refused(id, f.label));
    v1::CancelEventRequest by_key;
    by_key.mutable_external()->set_queue(QueueOf(f.index));
    by_key.mutable_external()->set_external_id(ExternalId(f.index));
    s = client.events().CancelEvent(Context().get(), by_key, &out);
    CHECK(s.error_code() == grpc::FAILED_PRECONDITION);
    CHECK(s.error_message() == Refused(id, f.label));
  }
  // The refusals changed nothing.
  CHECK(client.Get(ids[sent_index]).status() == v1::EVENT_STATUS_SENT);
  CHECK(client.Get(ids[cancelled_index]).status() == v1::EVENT_STATUS_CANCELLED);

  // Unknown: NOT_FOUND; no key: INVALID_ARGUMENT.
  v1::CancelEventRequest unknown;
  unknown.set_id(ids.back() + 1000000);
  v1::StoredEvent out;
  grpc::Status s = client.events().CancelEvent(Context().get(), unknown, &out);
  CHECK(s.error_code() == grpc::NOT_FOUND);
  CHECK(s.error_message() == absl::StrCat("no event with id ", ids.back() + 1000000));
  v1::CancelEventRequest wrong_queue;
  wrong_queue.mutable_external()->set_queue(v1::QUEUE_BATCH);
  wrong_queue.mutable_external()->set_external_id(ExternalId(0));  // a real-time event's
  s = client.events().CancelEvent(Context().get(), wrong_queue, &out);
  CHECK(s.error_code() == grpc::NOT_FOUND);
  s = client.events().CancelEvent(Context().get(), v1::CancelEventRequest(), &out);
  CHECK(s.error_code() == grpc::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mc::e2e
