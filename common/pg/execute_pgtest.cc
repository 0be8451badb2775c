#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/pg/execute.h"
#include "common/testing/shared_postgres.h"

namespace mc::pg {
namespace {

struct Person {
  int64_t id = 0;
  std::string name;
  std::string nickname;  // NULL: ""
  std::optional<int> age;
  std::optional<absl::Time> born;
};

Person PersonFromRow(const Row& r) {
  return {.id = r.Get<int64_t>("id"),
          .name = r.Get<std::string>("name"),
          .nickname = r.Text("nickname"),
          .age = r.Optional<int>("age"),
          .born = r.OptionalMicros("born_us")};
}

// The mapper reads by name: the statements list the columns in different orders.
const Query<Person> kInsert(
    "people_insert",
    "INSERT INTO people (name, nickname, age, born) VALUES ($1, nullif($2, ''), $3, "
    "timestamptz 'epoch' + $4::bigint * interval '1 microsecond') "
    "RETURNING age, (extract(epoch FROM born) * 1000000)::bigint AS born_us, nickname, name, id",
    PersonFromRow);
const Query<Person> kGet("people_get",
                         "SELECT id, name, nickname, age, "
                         "(extract(epoch FROM born) * 1000000)::bigint AS born_us "
                         "FROM people WHERE id = $1",
                         PersonFromRow);
const Query<Person> kList("people_list",
                          "SELECT (extract(epoch FROM born) * 1000000)::bigint AS born_us, name, "
                          "id, age, nickname FROM people ORDER BY id",
                          PersonFromRow);
const Query<int64_t> kCount("people_count", "SELECT count(*) FROM people");
const Statement kRename("people_rename", "UPDATE people SET name = $2 WHERE id = $1");
const Statement kDeleteAll("people_delete_all", "DELETE FROM people");
const Query<Person> kMissingColumn("people_missing_column", "SELECT id, name FROM people",
                                   PersonFromRow);
const Query<Person> kSharedColumn(
    "people_shared_column",
    "SELECT p.id, p.name, p.nickname, p.age, q.name AS id, NULL::bigint AS born_us "
    "FROM people p, people q",
    PersonFromRow);
const Query<int64_t> kPreparedHere("people_prepared_here",
                                   "SELECT count(*) FROM pg_prepared_statements");
const Query<int> kBackendPid("people_backend_pid", "SELECT pg_backend_pid()");

const std::vector<Statement> kAll = {kInsert,       kGet,       kList,          kCount,
                                     kRename,       kDeleteAll, kMissingColumn, kSharedColumn,
                                     kPreparedHere, kBackendPid};

struct Fixture {
  Fixture() {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("CREATE TABLE " + schema +
            ".people (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, nickname text, "
            "age int, born timestamptz)");
    tx.commit();
    Prepare(pool, kAll);
  }
  Person Insert(const std::string& name, const std::string& nickname = "",
                std::optional<int> age = std::nullopt, int64_t born_us = 0) {
    absl::StatusOr<Person> p = FetchOne(pool, kInsert, ReadWrite(), name, nickname, age, born_us);
    REQUIRE(p.ok());
    return *p;
  }
  std::string schema = testing::FreshSchema("execute");
  ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
};

TEST_CASE_METHOD(Fixture, "rows are read by column name, whatever the statement's order") {
  const Person ana = Insert("ana", "", 31, 1000000);
  CHECK(ana.id > 0);
  CHECK(ana.name == "ana");
  CHECK(ana.nickname.empty());  // NULL
  CHECK(ana.age == 31);
  CHECK(ana.born == absl::FromUnixSeconds(1));
  Insert("bob", "bobby");

  absl::StatusOr<std::vector<Person>> all = FetchAll(pool, kList, ReadOnly());
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].id == ana.id);
  CHECK((*all)[0].age == 31);
  CHECK((*all)[1].name == "bob");
  CHECK((*all)[1].nickname == "bobby");
  CHECK_FALSE((*all)[1].age.has_value());

  absl::StatusOr<Person> got = FetchOne(pool, kGet, Autocommit(), ana.id);
  REQUIRE(got.ok());
  CHECK(got->name == "ana");
  CHECK(got->born == absl::FromUnixSeconds(1));
  absl::StatusOr<int64_t> n = FetchOne(pool, kCount, ReadOnly());
  REQUIRE(n.ok());
  CHECK(*n == 2);
}

TEST_CASE_METHOD(Fixture, "FetchOne without a row: NOT_FOUND naming the statement, or IfNone") {
  absl::StatusOr<Person> none = FetchOne(pool, kGet, ReadOnly(), int64_t{42});
  CHECK(none.status().code() == absl::StatusCode::kNotFound);
  CHECK(absl::StrContains(none.status().message(), "people_get"));
  none = FetchOne(pool, kGet, ReadOnly().IfNone(absl::NotFoundError("no person 42")), int64_t{42});
  CHECK(none.status() == absl::NotFoundError("no person 42"));
  CHECK(FetchAll(pool, kList, ReadOnly())->empty());
}

TEST_CASE_METHOD(Fixture, "Execute returns the rows affected and applies them") {
  const Person ana = Insert("ana");
  Insert("bob");
  CHECK(*Execute(pool, kRename, ReadWrite(), ana.id, std::string("anna")) == 1);
  CHECK(*Execute(pool, kRename, Autocommit(), int64_t{999}, std::string("x")) == 0);
  CHECK(FetchOne(pool, kGet, ReadOnly(), ana.id)->name == "anna");
  CHECK(*Execute(pool, kDeleteAll, Autocommit()) == 2);
  CHECK(*FetchOne(pool, kCount, ReadOnly()) == 0);
}

TEST_CASE_METHOD(Fixture, "a unique violation becomes the option's status and rolls back") {
  Insert("ana");
  absl::Status taken = absl::AlreadyExistsError("ana is taken");
  // Without the option: a data error as any other.
  CHECK(FetchOne(pool, kInsert, ReadWrite(), std::string("ana"), std::string(""),
                 std::optional<int>(), int64_t{0})
            .status()
            .code() == absl::StatusCode::kInvalidArgument);
  CHECK(FetchOne(pool, kInsert, ReadWrite().OnUniqueViolation(taken), std::string("ana"),
                 std::string(""), std::optional<int>(), int64_t{0})
            .status() == taken);
  // The mapper sees the server's message (which names the constraint).
  std::string seen;
  absl::Status mapped = Transact(
      pool, ReadWrite().OnUniqueViolation([&](absl::string_view message) {
        seen = std::string(message);
        return absl::AlreadyExistsError("mapped");
      }),
      [&](Transaction& tx) -> absl::Status {
        tx.FetchOne(kInsert, std::string("cy"), std::string(""), std::optional<int>(), int64_t{0});
        tx.FetchOne(kInsert, std::string("ana"), std::string(""), std::optional<int>(), int64_t{0});
        return absl::OkStatus();
      });
  CHECK(mapped == absl::AlreadyExistsError("mapped"));
  CHECK(absl::StrContains(seen, "people_name_key"));
  CHECK(*FetchOne(pool, kCount, ReadOnly()) == 1);  // "cy" rolled back with the transaction
}

TEST_CASE_METHOD(Fixture, "Transact commits when the body returns OK, rolls back otherwise") {
  absl::StatusOr<int64_t> kept = Transact(pool, ReadWrite(), [&](Transaction& tx) {
    const Person p = tx.FetchOne(kInsert, std::string("ana"), std::string(""),
                                 std::optional<int>(7), int64_t{0});
    tx.Execute(kRename, p.id, std::string("anna"));
    return absl::StatusOr<int64_t>(p.id);
  });
  REQUIRE(kept.ok());
  CHECK(FetchOne(pool, kGet, ReadOnly(), *kept)->name == "anna");

  absl::Status refused = Transact(pool, ReadWrite(), [&](Transaction& tx) {
    tx.FetchOne(kInsert, std::string("bob"), std::string(""), std::optional<int>(), int64_t{0});
    return absl::FailedPreconditionError("changed my mind");
  });
  CHECK(refused == absl::FailedPreconditionError("changed my mind"));
  CHECK(*FetchOne(pool, kCount, ReadOnly()) == 1);

  // Autocommit: each statement stands by itself.
  absl::Status partly = Transact(pool, Autocommit(), [&](Transaction& tx) {
    tx.FetchOne(kInsert, std::string("cy"), std::string(""), std::optional<int>(), int64_t{0});
    return absl::AbortedError("after the insert");
  });
  CHECK(partly.code() == absl::StatusCode::kAborted);
  CHECK(*FetchOne(pool, kCount, ReadOnly()) == 2);
}

TEST_CASE_METHOD(Fixture, "a read-only transaction refuses writes") {
  absl::StatusOr<Person> p = FetchOne(pool, kInsert, ReadOnly(), std::string("ana"),
                                      std::string(""), std::optional<int>(), int64_t{0});
  CHECK(p.status().code() == absl::StatusCode::kInternal);  // SQLSTATE 25006
  CHECK(*FetchOne(pool, kCount, ReadOnly()) == 0);
}

TEST_CASE_METHOD(Fixture, "a column the mapper wants and the rows lack: INTERNAL naming both") {
  Insert("ana");
  absl::StatusOr<std::vector<Person>> r = FetchAll(pool, kMissingColumn, ReadOnly());
  CHECK(r.status().code() == absl::StatusCode::kInternal);
  CHECK(absl::StrContains(r.status().message(), "'nickname'"));
  CHECK(absl::StrContains(r.status().message(), "people_missing_column"));
  r = FetchAll(pool, kSharedColumn, ReadOnly());
  CHECK(r.status().code() == absl::StatusCode::kInternal);
  CHECK(absl::StrContains(r.status().message(), "'id' is not unique"));
}

TEST_CASE_METHOD(Fixture, "Transaction::FetchOne without a row is INTERNAL") {
  absl::Status s = Transact(pool, ReadOnly(), [&](Transaction& tx) {
    tx.FetchOne(kGet, int64_t{5});
    return absl::OkStatus();
  });
  CHECK(s.code() == absl::StatusCode::kInternal);
  CHECK(absl::StrContains(s.message(), "people_get returned no row"));
}

// libpqxx 6 prepares a registered statement on a connection when it first runs there.
TEST_CASE_METHOD(Fixture, "statements are prepared once per connection, again after a loss") {
  CHECK(*FetchOne(pool, kPreparedHere, Autocommit()) == 1);  // itself
  for (int i = 0; i < 3; ++i) {
    CHECK(*FetchOne(pool, kCount, Autocommit()) == 0);
    CHECK(*FetchOne(pool, kPreparedHere, Autocommit()) == 2);
  }
  // Lose the connection: the pool reconnects, prepares again what runs, and retries.
  const int pid = *FetchOne(pool, kBackendPid, Autocommit());
  {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::nontransaction tx(c);
    tx.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  }
  CHECK(*FetchOne(pool, kCount, Autocommit()) == 0);
  CHECK(*FetchOne(pool, kBackendPid, Autocommit()) != pid);
  CHECK(*FetchOne(pool, kPreparedHere, Autocommit()) == 3);
}

TEST_CASE("statements are constants that can be copied and kept in containers") {
  const Statement a("a", "SELECT 1");
  const Statement b = a;
  CHECK(b.name() == "a");
  CHECK(&b.sql() == &a.sql());  // one copy of the text, shared
  std::vector<Statement> v = {a, b};
  CHECK(v[1].sql() == "SELECT 1");
}

}  // namespace
}  // namespace mc::pg
