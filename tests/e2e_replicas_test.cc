// End to end: two replicas of one execution instance share the work over one schema; one is
// killed with SIGKILL in the middle of delivering 20k events. Every event still ends Sent,
// exactly once, with exactly one delivery log; only messages in flight at the kill may reach
// the SMTP server twice, with the same Message-ID.
#include <catch2/catch.hpp>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/mail_ids.h"
#include "tests/support/numbered_mail.h"
#include "tests/support/queue_counts.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

constexpr int kEvents = 20000;

int64_t Scalar(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + schema);
  return tx.exec(sql)[0][0].as<int64_t>();
}

TEST_CASE("a replica killed mid-run loses nothing and duplicates no delivery log") {
  auto smtp = *sinks::SmtpSink::Start({});
  const std::string schema = testing::FreshSchema("replicas");
  const std::vector<std::string> flags = {"--smtp_url=" + smtp->url(), "--start_workflows",
                                          "--lease_seconds=3", "--processing_batch=250",
                                          "--message_id_domain=mc.test"};
  auto a = std::make_unique<process::ServiceProcess>(
      StartExecution(testing::SharedPostgresDsn(), schema, flags));
  auto b = StartExecution(testing::SharedPostgresDsn(), schema, flags);
  ExecClient client_a(a->address()), client_b(b.address());

  REQUIRE(client_a.Publish(NumberedMailTemplate("bulk", "BULK", "Bulk")).ok());

  for (int start = 0; start < kEvents; start += 1000) {
    v1::PushEventsRequest req;
    req.set_queue(start % 2000 ? v1::QUEUE_BATCH : v1::QUEUE_REAL_TIME);
    for (int i = start; i < start + 1000; ++i) {
      v1::Event* e = req.add_events();
      e->set_type("BULK");
      e->set_email(absl::StrCat("user", i, "@example.com"));
      e->set_external_id(absl::StrCat("bulk-", i));
      (*e->mutable_ctx()->mutable_fields())["n"].set_number_value(i);
    }
    v1::PushEventsResponse resp;
    ExecClient& client = (start / 1000) % 2 ? client_b : client_a;
    REQUIRE(client.events().PushEvents(Context().get(), req, &resp).ok());
    REQUIRE(resp.accepted() == 1000);
  }

  // Kill replica A in the middle of the run.
  REQUIRE(smtp->WaitForCount(kEvents / 5, absl::Seconds(120)));
  a->process().Signal(SIGKILL);
  a->process().Wait();
  const size_t at_kill = smtp->accepted();
  WARN("mails accepted when A was killed: " << at_kill);
  CHECK(at_kill < static_cast<size_t>(kEvents));

  const QueueCounts counts =
      AwaitAllFinal(testing::SharedPostgresDsn(), schema, absl::Seconds(180), kEvents);
  REQUIRE(counts.stored == kEvents);
  REQUIRE(counts.final == kEvents);
  CHECK(Scalar(schema,
               "SELECT (SELECT count(*) FROM rt_events WHERE status = 2) + "
               "(SELECT count(*) FROM batch_events WHERE status = 2)") == kEvents);
  CHECK(Scalar(schema, "SELECT count(*) FROM delivery_logs") == kEvents);
  CHECK(Scalar(schema, "SELECT count(DISTINCT (queue, event_id)) FROM delivery_logs") == kEvents);
  CHECK(Scalar(schema, "SELECT count(*) FROM delivery_logs WHERE status <> 2") == 0);

  // Every event's mail arrived; re-sends (if any) carry the same Message-ID.
  const std::map<std::string, int> by_message_id = MailsPerMessageId(smtp->Messages());
  CHECK(by_message_id.count("") == 0);  // every mail has one
  CHECK(by_message_id.size() == static_cast<size_t>(kEvents));
  size_t resent = smtp->accepted() - by_message_id.size();
  WARN("messages sent twice (in flight at the kill): " << resent);
  CHECK(resent <= 2 * 250 * 2);  // at most A's claimed batches, both lanes
  CHECK(b.Terminate() == 0);
}

}  // namespace
}  // namespace mc::e2e
