// The archived quarantine kept in step with each instance's suppression list, against a real
// PostgreSQL (migration 0007): every entry with its history is an upsert over the archived row
// of its key; a row changes only where the instance's entry changed (a new bounce, a removal, an
// entry added again), so a rerun of the same pages leaves the same rows and counts nothing; an
// entry removed on the instance shows removed, with who removed it and when; rows archived
// before the history existed get what an instance of that time held.
#include <catch2/catch.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/shared_postgres.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

const absl::Time kT = absl::FromUnixSeconds(1700000000);

std::vector<std::string> Query(const std::string& schema, const std::string& sql) {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  std::vector<std::string> out;
  for (const auto& r : tx.exec(sql)) out.push_back(r[0].is_null() ? "" : r[0].as<std::string>());
  tx.commit();
  return out;
}

// Each archived row: "account channel address kind failure_type errors first last expires
// active event changed_by changed removed state" (times in seconds after kT, "-" unset).
std::vector<std::string> Rows(const std::string& schema) {
  const auto t = [](const char* column) {
    return absl::StrCat("coalesce((extract(epoch FROM ", column,
                        ") - 1700000000)::bigint::text, '-')");
  };
  return Query(schema,
               absl::StrCat("SELECT concat_ws(' ', account, channel, address, kind, "
                            "nullif(failure_type, ''), errors, ",
                            t("first_seen_at"), ", ", t("last_seen_at"), ", ", t("expires_at"),
                            ", active, event_queue || '/' || event_id, nullif(changed_by, ''), ",
                            t("changed_at"), ", ", t("removed_at"),
                            ", suppression_state(active, removed_at, expires_at)) "
                            "FROM archived_quarantine ORDER BY account, channel, address"));
}

// Everything of every row, archived_at and updated_at included.
std::vector<std::string> Everything(const std::string& schema) {
  return Query(schema,
               "SELECT q::text FROM archived_quarantine q ORDER BY account, channel, address");
}

// A hard bounce of `address` by event 7, seen at kT + `seen` seconds.
QuarantinedAddress Bounce(const std::string& address, int seen) {
  return {.channel = 0,
          .address = address,
          .kind = "quarantine",
          .reason = "550 5.1.1 user unknown",
          .created = kT,
          .failure_type = "hard",
          .errors = 1,
          .first_seen = kT,
          .last_seen = kT + absl::Seconds(seen),
          .event_queue = 1,
          .event_id = 7,
          .changed_at = kT + absl::Seconds(seen)};
}

// Counting soft failures of `address`, below the threshold, expiring an hour after kT.
QuarantinedAddress Soft(const std::string& address, int errors) {
  return {.channel = 0,
          .address = address,
          .kind = "quarantine",
          .reason = "452 mailbox full",
          .created = kT,
          .failure_type = "soft",
          .errors = errors,
          .first_seen = kT,
          .last_seen = kT + absl::Seconds(errors),
          .expires = absl::Now() + absl::Hours(1),
          .active = false,
          .event_queue = 2,
          .event_id = 40 + errors,
          .changed_at = kT + absl::Seconds(errors)};
}

// Added by hand on the instance by `actor` (a deny entry).
QuarantinedAddress Denied(const std::string& address, const std::string& actor) {
  return {.channel = 1,
          .address = address,
          .kind = "deny",
          .reason = "asked to stop",
          .created = kT,
          .errors = 0,
          .first_seen = kT,
          .last_seen = kT,
          .changed_by = actor,
          .changed_at = kT};
}

struct Fixture {
  explicit Fixture(const std::string& label)
      : schema(testing::FreshSchema(label, Migrations())),
        pool({.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 1}),
        archive(pool) {}

  int64_t Store(const std::vector<QuarantinedAddress>& page) {
    absl::StatusOr<int64_t> n = archive.StoreQuarantine(0, "exec_a", page);
    REQUIRE(n.ok());
    return *n;
  }

  std::string schema;
  pg::ConnectionPool pool;
  ArchivingRepository archive;
};

TEST_CASE("each archived entry is an upsert of the instance's entry with its history") {
  Fixture f("archq_upsert");
  CHECK(f.Store({Bounce("hard@example.test", 0), Soft("soft@example.test", 1),
                 Denied("+33612345678", "ana")}) == 3);
  CHECK(Rows(f.schema) ==
        std::vector<std::string>{"exec_a 0 hard@example.test quarantine hard 1 0 0 - t 1/7 0 - 1",
                                 absl::StrCat("exec_a 0 soft@example.test quarantine soft 1 0 1 ",
                                              Query(f.schema,
                                                    "SELECT (extract(epoch FROM expires_at) - "
                                                    "1700000000)::bigint FROM archived_quarantine "
                                                    "WHERE address = 'soft@example.test'")[0],
                                              " f 2/41 1 - 2"),
                                 "exec_a 1 +33612345678 deny 0 0 0 - t 0/0 ana 0 - 1"});
  // The instance saw the hard bounce again and two more soft failures: those rows change, the
  // deny row does not (and is not counted).
  QuarantinedAddress soft = Soft("soft@example.test", 3);
  soft.active = true;  // the threshold reached: it suppresses now
  CHECK(f.Store({Bounce("hard@example.test", 60), soft, Denied("+33612345678", "ana")}) == 2);
  const std::vector<std::string> rows = Rows(f.schema);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == "exec_a 0 hard@example.test quarantine hard 1 0 60 - t 1/7 60 - 1");
  CHECK(rows[1].find("exec_a 0 soft@example.test quarantine soft 3 0 3 ") == 0);
  CHECK(rows[1].find(" t 2/43 3 - 1") != std::string::npos);
  CHECK(rows[2] == "exec_a 1 +33612345678 deny 0 0 0 - t 0/0 ana 0 - 1");
  CHECK(Query(f.schema, "SELECT count(*) FROM archived_quarantine WHERE updated_at > archived_at")
            .at(0) == "2");
}

TEST_CASE("an entry removed on the instance shows removed; added again, it suppresses again") {
  Fixture f("archq_removed");
  REQUIRE(f.Store({Bounce("jane@example.test", 0)}) == 1);
  QuarantinedAddress removed = Bounce("jane@example.test", 0);
  removed.removed = kT + absl::Seconds(120);
  removed.changed_by = "ana";
  removed.changed_at = kT + absl::Seconds(120);
  CHECK(f.Store({removed}) == 1);
  CHECK(Rows(f.schema) ==
        std::vector<std::string>{"exec_a 0 jane@example.test quarantine hard 1 0 0 - t 1/7 ana 120 "
                                 "120 4"});
  // Added again by hand as a deny entry: not removed any more, with the new kind and reason.
  QuarantinedAddress again = removed;
  again.kind = "deny";
  again.failure_type = "";
  again.reason = "asked to stop";
  again.removed.reset();
  again.changed_by = "bob";
  again.changed_at = kT + absl::Seconds(300);
  CHECK(f.Store({again}) == 1);
  CHECK(Rows(f.schema) ==
        std::vector<std::string>{"exec_a 0 jane@example.test deny 1 0 0 - t 1/7 bob 300 - 1"});
  CHECK(Query(f.schema, "SELECT reason FROM archived_quarantine") ==
        std::vector<std::string>{"asked to stop"});
  // Another account's entry of the same address is its own row.
  REQUIRE(f.archive.StoreQuarantine(0, "exec_b", {Bounce("jane@example.test", 0)}).ok());
  CHECK(Query(f.schema,
              "SELECT string_agg(account || ' ' || kind, ', ' ORDER BY account) FROM "
              "archived_quarantine") == std::vector<std::string>{"exec_a deny, exec_b quarantine"});
}

TEST_CASE("a rerun of the same pages leaves the same rows and counts nothing") {
  Fixture f("archq_rerun");
  QuarantinedAddress removed = Denied("+33699999999", "ana");
  removed.removed = kT + absl::Seconds(5);
  const std::vector<std::vector<QuarantinedAddress>> pages = {
      {Bounce("a@example.test", 1), Soft("b@example.test", 2)},
      {Denied("+33612345678", "ana"), removed}};
  int64_t copied = 0;
  for (const auto& page : pages) copied += f.Store(page);
  CHECK(copied == 4);
  const std::vector<std::string> once = Everything(f.schema);
  REQUIRE(once.size() == 4);
  for (int rerun = 0; rerun < 2; ++rerun) {
    INFO("rerun " << rerun);
    copied = 0;
    for (const auto& page : pages) copied += f.Store(page);
    CHECK(copied == 0);
    CHECK(Everything(f.schema) == once);
  }
  // The same entries written as an instance's own rows that are not keys yet (another case):
  // still the one row of each key, unchanged.
  CHECK(f.Store({Bounce("a@EXAMPLE.test", 1)}) == 0);
  CHECK(Everything(f.schema) == once);
}

TEST_CASE("rows archived before the history get what an instance of that time held") {
  const std::vector<pg::Migration>& all = Migrations();
  std::vector<pg::Migration> before;
  for (const pg::Migration& m : all) {
    if (m.name == "archived_suppressions") break;
    before.push_back(m);
  }
  REQUIRE(before.size() < all.size());
  const std::string schema = testing::FreshSchema("archq_mig", before);
  Query(schema,
        "INSERT INTO archived_quarantine (account, channel, address, kind, reason, created_at) "
        "VALUES ('a', 0, 'q@x.test', 'quarantine', '550', to_timestamp(1700000000)), "
        "('a', 0, 'd@x.test', 'deny', 'asked', to_timestamp(1700000010)) RETURNING 1");
  REQUIRE(pg::Migrate(testing::SharedPostgresDsn(), schema, all).ok());
  CHECK(Rows(schema) ==
        std::vector<std::string>{"a 0 d@x.test deny 1 10 10 - t 0/0 10 - 1",
                                 "a 0 q@x.test quarantine hard 1 0 0 - t 0/0 0 - 1"});
}

}  // namespace
}  // namespace mc::control
