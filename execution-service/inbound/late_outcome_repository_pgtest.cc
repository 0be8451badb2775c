// Late bounces and complaints against a real PostgreSQL (LateOutcomeRepository), the events
// taken through the real path first: pushed, routed, "sent" by EventProcessor over
// ProcessingRepository with a scripted sender, made final by updateEventStatus. Then what each
// late outcome does to the event, its delivery log, its story's attempts, the webhook outbox,
// the archive's cursor (final_xid) and the suppression list, and what it does not do twice.
#include <prometheus/registry.h>

#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/inbound/late_outcome_repository.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/processing/event_processor.h"
#include "execution-service/processing/processing_repository.h"
#include "execution-service/templates/template_catalog.h"
#include "execution-service/templates/template_repository.h"

namespace mc::execution {
namespace {

// Accepts every message except those to refused@: a hard refusal naming the address.
class Relay final : public ChannelSender {
 public:
  std::vector<SendOutcome> SendAll(const std::vector<const OutgoingMessage*>& messages) override {
    std::vector<SendOutcome> out;
    for (const OutgoingMessage* m : messages) {
      if (m->address.rfind("refused@", 0) == 0) {
        out.push_back({.kind = SendOutcome::Kind::kHardFailure,
                       .reason = "550 5.1.1 no such user",
                       .address_rejected = true});
      } else {
        out.push_back({});
      }
    }
    return out;
  }
};

struct Fixture {
  std::string schema = testing::FreshSchema("late", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  pg::ConnectionPool workflow_pool{{.dsn = testing::SharedPostgresDsn(),
                                    .schema = schema,
                                    .size = 2,
                                    .session_settings = ProcessingRepository::SessionSettings()}};
  EventRepository events{pool};
  TemplateRepository template_repository{pool};
  TemplateCatalog templates{template_repository};
  ProcessingRepository processing{workflow_pool};
  LateOutcomeRepository late{pool, {.soft_threshold = 3, .soft_expiry = absl::Hours(1)}};
  Relay email, sms;
  prometheus::Registry registry;
  ExecutionMetrics metrics{registry};
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kError, log_sink};
  EventProcessor processor{Queue::kRealTime,
                           processing,
                           templates,
                           email,
                           sms,
                           {.max_tries = 3, .retry_base = absl::ZeroDuration()},
                           nullptr,
                           {},
                           metrics,
                           logger};

  Fixture() {
    REQUIRE(template_repository
                .Publish({.internal_name = "shipped",
                          .event_type = "SHIP",
                          .channel = 0,
                          .version = 1,
                          .subject = "Shipped",
                          .text_body = "Your order"})
                .ok());
  }

  int64_t Push(const std::string& address) {
    NewEvent e;
    e.type = "SHIP";
    e.email = address;
    auto out = events.InsertBatch(Queue::kRealTime, std::vector<NewEvent>{e});
    REQUIRE(out.ok());
    return (*out)[0].id;
  }

  void Deliver(bool apply = true) {
    REQUIRE(processor.RunOnce().ok());
    if (apply) REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
  }

  int64_t Sent(const std::string& address) {
    const int64_t id = Push(address);
    Deliver();
    REQUIRE(Status(id) == 2);
    return id;
  }

  LateOutcomeResult Record(int64_t id, LateOutcomeKind kind, bool quarantine = true,
                           const std::string& reason = "5.1.1 user unknown") {
    absl::StatusOr<LateOutcomeResult> r = late.Record({.queue = Queue::kRealTime,
                                                       .event_id = id,
                                                       .kind = kind,
                                                       .quarantine_address = quarantine,
                                                       .reason = reason});
    REQUIRE(r.ok());
    return *r;
  }

  std::string Sql(const std::string& sql) {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    pqxx::row row = tx.exec1(sql);
    std::string out = row[0].is_null() ? "NULL" : row[0].c_str();
    tx.commit();
    return out;
  }
  void Write(const std::string& sql) { Sql(sql + " RETURNING 1"); }

  int Status(int64_t id) {
    return std::stoi(Sql(absl::StrCat("SELECT status FROM rt_events WHERE id = ", id)));
  }
  // Whether the processing path sees the address as suppressed: push one and deliver it.
  bool Suppressed(const std::string& address) {
    const int64_t id = Push(address);
    Deliver();
    return Status(id) == 3;  // Ignored by the delivery
  }
};

using K = LateOutcomeKind;
using R = LateOutcomeResult;

TEST_CASE_METHOD(Fixture, "a hard bounce turns Sent into Delivery failed, once") {
  Write("INSERT INTO webhook_subscriptions (name, url) VALUES ('all', 'https://h.test/')");
  const int64_t id = Sent("gone@example.test");
  const std::string xid_before =
      Sql(absl::StrCat("SELECT final_xid FROM rt_events WHERE id = ", id));
  const std::string hooks_before = Sql("SELECT count(*) FROM webhook_outbox");
  CHECK(hooks_before == "1");  // the Sent webhook

  CHECK(Record(id, K::kHardBounce, true, "5.1.1 <gone@example.test>: user unknown") == R::kApplied);
  CHECK(Status(id) == 4);
  // Exported again: a newer final_xid, past any cursor the archive acknowledged.
  CHECK(Sql(absl::StrCat("SELECT final_xid > '", xid_before,
                         "'::xid8 FROM rt_events WHERE id = ", id)) == "t");
  CHECK(Sql(absl::StrCat("SELECT status || ' ' || failure_type || ' ' || failure_reason || ' ' || "
                         "(bounced_at IS NOT NULL) FROM delivery_logs WHERE event_id = ",
                         id)) == "4 hard 5.1.1 <gone@example.test>: user unknown true");
  CHECK(Sql(absl::StrCat("SELECT kind || ' ' || failure_type || ' ' || try_number FROM "
                         "delivery_attempts WHERE event_id = ",
                         id)) == "1 hard 1");
  CHECK(Sql("SELECT string_agg(status || ' ' || failure_type || ' ' || reason, ',') FROM "
            "webhook_outbox WHERE status = 4") == "4 hard 5.1.1 <gone@example.test>: user unknown");
  CHECK(Sql("SELECT kind || ' ' || failure_type || ' ' || active || ' ' || event_id FROM "
            "quarantine WHERE address = 'gone@example.test'") ==
        absl::StrCat("quarantine hard true ", id));

  // The same report again: nothing more.
  CHECK(Record(id, K::kHardBounce) == R::kDuplicate);
  CHECK(Sql("SELECT count(*) FROM webhook_outbox") == "2");
  CHECK(Sql(absl::StrCat("SELECT count(*) FROM delivery_attempts WHERE event_id = ", id)) == "1");
  // updateEventStatus does not apply the rewritten log again.
  REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
  CHECK(Status(id) == 4);
  // The next event to the address, in any case of its domain, is ignored.
  CHECK(Suppressed("gone@EXAMPLE.test"));
}

TEST_CASE_METHOD(Fixture, "a bounce before updateEventStatus applied the log still ends failed") {
  const int64_t id = Push("early@example.test");
  Deliver(/*apply=*/false);
  REQUIRE(Status(id) == 1);
  CHECK(Record(id, K::kHardBounce) == R::kApplied);
  CHECK(Status(id) == 4);
  REQUIRE(processing.ApplyDeliveryStatuses(1000).ok());
  CHECK(Status(id) == 4);
}

TEST_CASE_METHOD(Fixture, "a hard bounce that does not name the address quarantines nothing") {
  const int64_t id = Sent("policy@example.test");
  CHECK(Record(id, K::kHardBounce, false, "5.7.1 message refused by policy") == R::kApplied);
  CHECK(Status(id) == 4);
  CHECK(Sql("SELECT count(*) FROM quarantine") == "0");
  CHECK_FALSE(Suppressed("policy@example.test"));
}

TEST_CASE_METHOD(Fixture, "unknown events and messages never accepted change nothing") {
  CHECK(Record(987654, K::kHardBounce) == R::kUnknownEvent);
  const int64_t pending = Push("pending@example.test");
  CHECK(Record(pending, K::kHardBounce) == R::kNotSent);
  CHECK(Status(pending) == 0);
  const int64_t refused = Push("refused@example.test");
  Deliver();
  REQUIRE(Status(refused) == 4);
  CHECK(Record(refused, K::kSoftBounce) == R::kNotSent);
  CHECK(Sql("SELECT count(*) FROM delivery_attempts") == "0");
}

TEST_CASE_METHOD(Fixture, "soft bounces count toward the address, suppress at the threshold") {
  // Each soft bounce is about another message to the same address.
  for (int i = 1; i <= 2; ++i) {
    const int64_t id = Sent("full@example.test");
    CHECK(Record(id, K::kSoftBounce, false, "4.2.2 mailbox full") == R::kApplied);
    CHECK(Status(id) == 2);  // a soft bounce does not fail the message
    CHECK(Record(id, K::kSoftBounce, false, "4.2.2 mailbox full") == R::kDuplicate);
    CHECK(Sql("SELECT errors || ' ' || active FROM quarantine") == absl::StrCat(i, " false"));
  }
  CHECK_FALSE(Suppressed("full@example.test"));
  const int64_t third = Sent("full@example.test");
  CHECK(Record(third, K::kSoftBounce, false, "4.2.2 mailbox full") == R::kApplied);
  CHECK(Sql("SELECT errors || ' ' || active || ' ' || failure_type || ' ' || "
            "(expires_at > now() + interval '59 minutes') FROM quarantine") == "3 true soft true");
  CHECK(Suppressed("full@example.test"));
  // Past its expiry it no longer suppresses, and counting starts again.
  Write("UPDATE quarantine SET expires_at = now() - interval '1 second'");
  const int64_t after = Push("full@example.test");
  Deliver();
  REQUIRE(Status(after) == 2);
  CHECK(Record(after, K::kSoftBounce, false, "4.2.2 mailbox full") == R::kApplied);
  CHECK(Sql("SELECT errors || ' ' || active FROM quarantine") == "1 false");
}

TEST_CASE_METHOD(Fixture, "a soft bounce over a hard entry only counts") {
  const int64_t hard = Sent("both@example.test");
  CHECK(Record(hard, K::kHardBounce) == R::kApplied);
  // A soft report about the same message afterwards only counts on the hard entry.
  CHECK(Record(hard, K::kSoftBounce, false, "4.4.7 delayed") == R::kApplied);
  CHECK(Sql("SELECT failure_type || ' ' || errors || ' ' || active FROM quarantine WHERE "
            "address = 'both@example.test'") == "hard 2 true");
}

TEST_CASE_METHOD(Fixture, "a complaint puts the address on the deny list") {
  const int64_t id = Sent("angry@example.test");
  CHECK(Record(id, K::kComplaint, false, "abuse") == R::kApplied);
  CHECK(Status(id) == 2);
  CHECK(Sql("SELECT kind || ' ' || reason || ' ' || active || ' ' || "
            "coalesce(failure_type, 'none') FROM quarantine") == "deny complaint true none");
  CHECK(Sql(absl::StrCat("SELECT kind FROM delivery_attempts WHERE event_id = ", id)) == "3");
  CHECK(Record(id, K::kComplaint, false, "abuse") == R::kDuplicate);
  CHECK(Suppressed("angry@example.test"));
}

TEST_CASE_METHOD(Fixture, "an operator's deny entry stays one over a later hard bounce") {
  Write(
      "INSERT INTO quarantine (channel, address, kind, reason) VALUES "
      "(0, 'kept@example.test', 'deny', 'asked to stop')");
  // Sent before the entry existed: the entry is added after the send.
  Write("DELETE FROM quarantine");
  const int64_t id = Sent("kept@example.test");
  Write(
      "INSERT INTO quarantine (channel, address, kind, reason) VALUES "
      "(0, 'kept@example.test', 'deny', 'asked to stop')");
  CHECK(Record(id, K::kHardBounce) == R::kApplied);
  CHECK(Sql("SELECT kind || ' ' || reason || ' ' || errors FROM quarantine") ==
        "deny asked to stop 2");
}

}  // namespace
}  // namespace mc::execution
