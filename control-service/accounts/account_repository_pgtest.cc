// AccountRepository against a real PostgreSQL: NOT_FOUND and ALREADY_EXISTS say which account and
// which key, reads never carry the credential, the targets do.
#include <catch2/catch.hpp>

#include "common/testing/shared_postgres.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/migrations/migrations.h"

namespace mc::control {
namespace {

struct Fixture {
  std::string schema = testing::FreshSchema("accounts", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  AccountRepository accounts{pool};

  static Account Make(const std::string& name) {
    return {.internal_name = name,
            .label = "Label " + name,
            .endpoint = name + ".example.test:7443",
            .connection_method = ConnectionMethod::kTls,
            .credential = "secret-" + name};
  }
};

TEST_CASE_METHOD(Fixture, "accounts are created, read, listed, without their credential") {
  absl::StatusOr<Account> a = accounts.Create(Make("acme"));
  REQUIRE(a.ok());
  CHECK(a->internal_name == "acme");
  CHECK(a->label == "Label acme");
  CHECK(a->enabled);
  CHECK(a->endpoint == "acme.example.test:7443");
  CHECK(a->connection_method == ConnectionMethod::kTls);
  CHECK(a->has_credential);
  CHECK(a->credential.empty());
  CHECK(a->instance_id.empty());
  CHECK(a->created > absl::Now() - absl::Minutes(5));
  REQUIRE(accounts.Create(Make("beta")).ok());

  absl::StatusOr<Account> got = accounts.Get("acme");
  REQUIRE(got.ok());
  CHECK(got->label == "Label acme");
  CHECK(got->credential.empty());
  absl::StatusOr<std::vector<Account>> all = accounts.List();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].internal_name == "acme");
  CHECK((*all)[1].internal_name == "beta");

  absl::StatusOr<ExecutionTarget> target = accounts.GetTarget("acme");
  REQUIRE(target.ok());
  CHECK(target->credential == "secret-acme");
  CHECK(target->endpoint == "acme.example.test:7443");
  CHECK(target->connection_method == ConnectionMethod::kTls);
}

TEST_CASE_METHOD(Fixture, "a missing account is NOT_FOUND naming it") {
  const absl::Status missing = absl::NotFoundError("no account named 'ghost'");
  CHECK(accounts.Get("ghost").status() == missing);
  CHECK(accounts.GetTarget("ghost").status() == missing);
  CHECK(accounts.Update(Make("ghost")).status() == missing);
  CHECK(accounts.SetEnabled("ghost", false).status() == missing);
  CHECK(accounts.SetInstanceId("ghost", "exec-1").status() == missing);
  CHECK(accounts.Delete("ghost") == missing);
}

TEST_CASE_METHOD(Fixture, "a taken name or instance identifier is ALREADY_EXISTS saying which") {
  REQUIRE(accounts.Create(Make("acme")).ok());
  REQUIRE(accounts.Create(Make("beta")).ok());
  CHECK(accounts.Create(Make("acme")).status() ==
        absl::AlreadyExistsError(
            "account 'acme': an account with that internal name already exists"));
  REQUIRE(accounts.SetInstanceId("acme", "exec-1").ok());
  CHECK(accounts.Get("acme")->instance_id == "exec-1");
  CHECK(accounts.SetInstanceId("beta", "exec-1").status() ==
        absl::AlreadyExistsError(
            "account 'beta': that execution-instance identifier is already assigned"));
  CHECK(accounts.Get("beta")->instance_id.empty());
  CHECK(accounts.SetInstanceId("acme", "")->instance_id.empty());  // cleared
}

TEST_CASE_METHOD(Fixture, "update keeps the credential unless given; targets follow enabled") {
  REQUIRE(accounts.Create(Make("acme")).ok());
  REQUIRE(accounts.Create(Make("beta")).ok());
  Account changed = Make("acme");
  changed.label = "Acme";
  changed.credential = "";
  changed.connection_method = ConnectionMethod::kInsecure;
  absl::StatusOr<Account> updated = accounts.Update(changed);
  REQUIRE(updated.ok());
  CHECK(updated->label == "Acme");
  CHECK(updated->connection_method == ConnectionMethod::kInsecure);
  CHECK(updated->has_credential);
  CHECK(accounts.GetTarget("acme")->credential == "secret-acme");

  absl::StatusOr<Account> disabled = accounts.SetEnabled("beta", false);
  REQUIRE(disabled.ok());
  CHECK_FALSE(disabled->enabled);
  absl::StatusOr<std::vector<ExecutionTarget>> enabled = accounts.EnabledTargets();
  REQUIRE(enabled.ok());
  REQUIRE(enabled->size() == 1);
  CHECK((*enabled)[0].account == "acme");
  CHECK(accounts.AllTargets()->size() == 2);

  CHECK(accounts.Delete("beta").ok());
  CHECK(accounts.Get("beta").status().code() == absl::StatusCode::kNotFound);
  CHECK(accounts.List()->size() == 1);
}

}  // namespace
}  // namespace mc::control
