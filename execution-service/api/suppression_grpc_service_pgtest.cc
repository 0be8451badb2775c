// SuppressionService over real gRPC (in-process server on a loopback port) and a real
// PostgreSQL: roles per method, INVALID_ARGUMENT naming the field, NOT_FOUND, who made a change
// (the actor given, else the caller's role), every field of an entry, and pages.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/grpc/grpc_server.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/api/method_roles.h"
#include "execution-service/api/suppression_grpc_service.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/suppressions/suppression_repository.h"

namespace mc::execution {
namespace {
namespace v1 = messagecenter::v1;

constexpr char kOperator[] = "operator-test-token-0123456789";
constexpr char kControl[] = "control-test-token-0123456789";
constexpr char kPusher[] = "pusher-test-token-0123456789";

struct Fixture {
  std::string schema = testing::FreshSchema("suppression_api", Migrations());
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 2}};
  SuppressionRepository repository{pool};
  SuppressionList list{repository, {.soft_threshold = 3, .soft_expiry = absl::Hours(24)}};
  grpcutil::BearerAuth auth = *grpcutil::BearerAuth::FromConfig(
      absl::StrCat("operator:", kOperator, ",control:", kControl, ",pusher:", kPusher), "");
  grpcutil::CallGate gate{auth, ExecutionMethodRoles()};
  SuppressionGrpcService service{list, gate};
  std::unique_ptr<grpcutil::GrpcServer> server;
  std::unique_ptr<v1::SuppressionService::Stub> stub;

  Fixture() {
    auto started = grpcutil::GrpcServer::Start({.listen = "127.0.0.1:0"}, {&service}, gate);
    REQUIRE(started.ok());
    server = *std::move(started);
    stub = v1::SuppressionService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials()));
  }

  static std::unique_ptr<grpc::ClientContext> As(const char* token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return ctx;
  }

  grpc::Status Add(const char* token, const std::string& address, const std::string& actor,
                   v1::Suppression* out,
                   v1::SuppressionKind kind = v1::SUPPRESSION_KIND_UNSPECIFIED) {
    v1::AddSuppressionRequest r;
    r.set_channel(0);
    r.set_address(address);
    r.set_kind(kind);
    r.set_reason("asked to stop");
    r.set_actor(actor);
    return stub->AddSuppression(As(token).get(), r, out);
  }
};

TEST_CASE_METHOD(Fixture, "operators and the control manage the list; a pusher may not") {
  v1::Suppression s;
  CHECK(Add(kPusher, "a@x.test", "", &s).error_code() == grpc::StatusCode::PERMISSION_DENIED);
  v1::ListSuppressionsResponse listed;
  CHECK(stub->ListSuppressions(As(kPusher).get(), {}, &listed).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  auto none = std::make_unique<grpc::ClientContext>();
  CHECK(stub->ListSuppressions(none.get(), {}, &listed).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  REQUIRE(Add(kOperator, "a@x.test", "", &s).ok());
  CHECK(s.changed_by() == "operator");  // no actor: the caller's role
  REQUIRE(Add(kControl, "b@x.test", "control:ana", &s, v1::SUPPRESSION_QUARANTINE).ok());
  CHECK(s.changed_by() == "control:ana");
  CHECK(s.kind() == v1::SUPPRESSION_QUARANTINE);
  CHECK(s.failure_type() == "hard");
  REQUIRE(stub->ListSuppressions(As(kControl).get(), {}, &listed).ok());
  CHECK(listed.suppressions_size() == 2);
}

TEST_CASE_METHOD(Fixture, "an entry, its removal and its reactivation, field by field") {
  v1::Suppression s;
  REQUIRE(Add(kOperator, "Someone@EXAMPLE.test", "ana", &s).ok());
  CHECK(s.channel() == 0);
  CHECK(s.address() == "Someone@example.test");
  CHECK(s.kind() == v1::SUPPRESSION_DENY);
  CHECK(s.failure_type().empty());
  CHECK(s.reason() == "asked to stop");
  CHECK(s.errors() == 1);
  CHECK(s.has_first_seen());
  CHECK(s.has_last_seen());
  CHECK_FALSE(s.has_expires());
  CHECK(s.state() == v1::SUPPRESSION_ACTIVE);
  CHECK(s.event_id() == 0);
  CHECK(s.has_changed_at());
  CHECK_FALSE(s.has_removed());

  v1::SuppressionRef ref;
  ref.set_channel(0);
  ref.set_address("Someone@example.TEST");
  ref.set_actor("bo");
  REQUIRE(stub->RemoveSuppression(As(kOperator).get(), ref, &s).ok());
  CHECK(s.state() == v1::SUPPRESSION_REMOVED);
  CHECK(s.has_removed());
  CHECK(s.changed_by() == "bo");
  ref.clear_actor();
  REQUIRE(stub->ReactivateSuppression(As(kControl).get(), ref, &s).ok());
  CHECK(s.state() == v1::SUPPRESSION_ACTIVE);
  CHECK(s.changed_by() == "control");
  CHECK_FALSE(s.has_removed());

  ref.set_address("nobody@example.test");
  grpc::Status missing = stub->RemoveSuppression(As(kOperator).get(), ref, &s);
  CHECK(missing.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_THAT(missing.error_message(), Catch::Contains("nobody@example.test"));
}

TEST_CASE_METHOD(Fixture, "invalid requests name their field") {
  v1::Suppression s;
  grpc::Status bad = Add(kOperator, "not an address", "", &s);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(bad.error_message(), Catch::StartsWith("address:"));
  v1::ListSuppressionsRequest r;
  r.set_page_size(1001);
  v1::ListSuppressionsResponse listed;
  bad = stub->ListSuppressions(As(kOperator).get(), r, &listed);
  CHECK(bad.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK_THAT(bad.error_message(), Catch::StartsWith("page_size:"));
  r.set_page_size(0);
  r.set_page_token("garbage!");
  bad = stub->ListSuppressions(As(kOperator).get(), r, &listed);
  CHECK_THAT(bad.error_message(), Catch::StartsWith("page_token:"));
}

TEST_CASE_METHOD(Fixture, "pages and filters over gRPC") {
  v1::Suppression s;
  for (int i = 0; i < 5; ++i) REQUIRE(Add(kOperator, absl::StrCat("p", i, "@x.test"), "", &s).ok());
  REQUIRE(Add(kOperator, "q@x.test", "", &s, v1::SUPPRESSION_QUARANTINE).ok());
  v1::ListSuppressionsRequest r;
  r.set_channel(0);
  r.set_address("p*");
  r.set_page_size(2);
  int seen = 0, pages = 0;
  do {
    v1::ListSuppressionsResponse page;
    REQUIRE(stub->ListSuppressions(As(kOperator).get(), r, &page).ok());
    seen += page.suppressions_size();
    ++pages;
    r.set_page_token(page.next_page_token());
  } while (!r.page_token().empty() && pages < 10);
  CHECK(seen == 5);
  CHECK(pages == 3);
  v1::ListSuppressionsRequest q;
  q.set_kind(v1::SUPPRESSION_QUARANTINE);
  q.add_states(v1::SUPPRESSION_ACTIVE);
  v1::ListSuppressionsResponse only;
  REQUIRE(stub->ListSuppressions(As(kOperator).get(), q, &only).ok());
  REQUIRE(only.suppressions_size() == 1);
  CHECK(only.suppressions(0).address() == "q@x.test");
}

}  // namespace
}  // namespace mc::execution
