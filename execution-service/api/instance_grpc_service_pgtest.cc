// InstanceService over real gRPC (in-process server on a loopback port) and a real PostgreSQL:
// authentication, status codes, streamed pages and their cursors, the acknowledgement a resumed
// export carries, and the purge it allows.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc/grpc_server.h"
#include "common/testing/shared_postgres.h"
#include "execution-service/api/instance_grpc_service.h"
#include "execution-service/api/method_roles.h"
#include "execution-service/migrations/migrations.h"
#include "execution-service/partitions/partition_repository.h"

namespace mc::execution {
namespace {
namespace v1 = messagecenter::v1;

constexpr char kToken[] = "instance-test-token-0123456789";

struct Fixture {
  std::string schema = testing::FreshSchema("instance_api", Migrations());
  std::ostringstream log_sink;
  log::Logger logger{"test", log::Level::kDebug, log_sink};
  pg::ConnectionPool pool{{.dsn = testing::SharedPostgresDsn(), .schema = schema, .size = 4}};
  WorkflowRepository workflows{pool};
  ArchiveRepository archive{pool};
  IdentityRepository identity{pool};
  InstanceIdentity instance{identity, workflows, {.version = "1.2.3", .schema = schema}, logger};
  ArchiveExport exporter{archive, identity};
  PartitionRepository partitions{pool};
  ArchivePurge purge{archive, partitions, {.retention = absl::Hours(1)}, logger};
  grpcutil::BearerAuth auth = *grpcutil::BearerAuth::FromConfig(kToken, "");
  grpcutil::CallGate gate{auth, ExecutionMethodRoles()};
  InstanceGrpcService service{instance, exporter, purge, gate, logger};
  std::unique_ptr<grpcutil::GrpcServer> server;
  std::unique_ptr<v1::InstanceService::Stub> stub;

  Fixture() {
    auto started = grpcutil::GrpcServer::Start({.listen = "127.0.0.1:0"}, {&service}, gate);
    REQUIRE(started.ok());
    server = *std::move(started);
    stub = v1::InstanceService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server->port()), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Context(bool with_token = true) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (with_token) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    return ctx;
  }

  // Reads the whole stream; returns its final status.
  grpc::Status Export(const v1::ExportArchiveRequest& request,
                      std::vector<v1::ExportArchivePage>& pages, bool with_token = true) {
    auto ctx = Context(with_token);
    auto reader = stub->ExportArchive(ctx.get(), request);
    v1::ExportArchivePage page;
    while (reader->Read(&page)) pages.push_back(page);
    return reader->Finish();
  }

  // Final events, each made final by its own transaction, finished two hours ago.
  std::vector<int64_t> MakeFinal(int n) {
    std::vector<int64_t> ids;
    pqxx::connection c(testing::SharedPostgresDsn());
    for (int i = 0; i < n; ++i) {
      pqxx::work tx(c);
      tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
      ids.push_back(tx.exec1("INSERT INTO rt_events (id, event_type, email, status, final_xid, "
                             "updated_at) VALUES (nextval('event_id_seq'), 'T', 'a@b.org', 5, "
                             "pg_current_xact_id(), now() - interval '2 hours') RETURNING id")[0]
                        .as<int64_t>());
      tx.commit();
    }
    return ids;
  }
};

TEST_CASE_METHOD(Fixture, "every InstanceService call needs the bearer token") {
  v1::InstanceInfo info;
  CHECK(stub->GetInstanceInfo(Context(false).get(), {}, &info).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(stub->InitializeInstance(Context(false).get(), {}, &info).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  v1::PurgeResponse purged;
  CHECK(stub->Purge(Context(false).get(), {}, &purged).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  std::vector<v1::ExportArchivePage> pages;
  CHECK(Export({}, pages, false).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(pages.empty());
  auto ctx = Context(false);
  auto reader = stub->ExportQuarantine(ctx.get(), {});
  v1::ExportQuarantinePage page;
  CHECK_FALSE(reader->Read(&page));
  CHECK(reader->Finish().error_code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE_METHOD(Fixture, "identity: info, initialize, refusals") {
  v1::InstanceInfo info;
  REQUIRE(stub->GetInstanceInfo(Context().get(), {}, &info).ok());
  CHECK(info.version() == "1.2.3");
  CHECK(info.schema() == schema);
  CHECK(info.instance_id().empty());
  CHECK(info.workflows_size() == 4);
  CHECK_FALSE(info.workflows_started());

  std::vector<v1::ExportArchivePage> pages;
  grpc::Status not_initialized = Export({}, pages);
  CHECK(not_initialized.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(not_initialized.error_message().find("Initialize connection") != std::string::npos);

  v1::InitializeInstanceRequest req;
  req.set_instance_id("bad id");
  CHECK(stub->InitializeInstance(Context().get(), req, &info).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  req.set_instance_id("exec_a");
  REQUIRE(stub->InitializeInstance(Context().get(), req, &info).ok());
  CHECK(info.instance_id() == "exec_a");
  req.set_instance_id("exec_b");
  grpc::Status refused = stub->InitializeInstance(Context().get(), req, &info);
  CHECK(refused.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(refused.error_message().find("'exec_a'") != std::string::npos);
  req.set_force(true);
  REQUIRE(stub->InitializeInstance(Context().get(), req, &info).ok());
  CHECK(info.instance_id() == "exec_b");
}

TEST_CASE_METHOD(Fixture, "the archive streams in pages; the next call acknowledges; purge") {
  REQUIRE(instance.Initialize("exec_a", false).ok());
  const std::vector<int64_t> ids = MakeFinal(5);

  v1::ExportArchiveRequest req;
  req.set_page_size(2);
  std::vector<v1::ExportArchivePage> pages;
  REQUIRE(Export(req, pages).ok());
  REQUIRE(pages.size() == 3);
  CHECK(pages[0].instance_id() == "exec_a");
  CHECK(pages[0].events_size() == 2);
  CHECK_FALSE(pages[0].caught_up());
  CHECK(pages[2].events_size() == 1);
  CHECK(pages[2].caught_up());
  std::vector<int64_t> seen;
  for (const auto& p : pages) {
    for (const auto& e : p.events()) {
      seen.push_back(e.id());
      CHECK(e.queue() == v1::QUEUE_REAL_TIME);
      CHECK(e.status() == v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT);
      CHECK(e.address() == "a@b.org");
      CHECK(e.cursor().id() == e.id());
      CHECK(e.cursor().queue() == v1::QUEUE_REAL_TIME);
      CHECK_FALSE(e.has_routed());
      CHECK_FALSE(e.has_delivery_log());
    }
  }
  CHECK(seen == ids);
  CHECK(pages[1].next().SerializeAsString() == pages[1].events(1).cursor().SerializeAsString());

  // Nothing acknowledged yet: nothing to purge.
  v1::PurgeResponse purged;
  REQUIRE(stub->Purge(Context().get(), {}, &purged).ok());
  CHECK(purged.events_deleted() == 0);

  // Resuming after the second page acknowledges the first four.
  v1::ExportArchiveRequest resume;
  *resume.mutable_after() = pages[1].next();
  std::vector<v1::ExportArchivePage> rest;
  REQUIRE(Export(resume, rest).ok());
  REQUIRE(rest.size() == 1);
  REQUIRE(rest[0].events_size() == 1);
  CHECK(rest[0].events(0).id() == ids[4]);

  // Four of the five acknowledged: their period (the current one) stays whole.
  REQUIRE(stub->Purge(Context().get(), {}, &purged).ok());
  CHECK(purged.events_deleted() == 0);
  v1::ExportArchiveRequest last;
  *last.mutable_after() = rest[0].events(0).cursor();
  std::vector<v1::ExportArchivePage> none_left;
  REQUIRE(Export(last, none_left).ok());  // acknowledges the fifth
  v1::PurgeRequest keep_three_hours;
  keep_three_hours.set_retention_seconds(3 * 3600);
  REQUIRE(stub->Purge(Context().get(), keep_three_hours, &purged).ok());
  CHECK(purged.events_deleted() == 0);                      // they ended two hours ago
  REQUIRE(stub->Purge(Context().get(), {}, &purged).ok());  // configured: one hour
  CHECK(purged.events_deleted() == 5);
  CHECK(purged.delivery_logs_deleted() == 0);

  v1::PurgeRequest negative;
  negative.set_retention_seconds(-1);
  CHECK(stub->Purge(Context().get(), negative, &purged).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  v1::ExportArchiveRequest too_big;
  too_big.set_page_size(5001);
  std::vector<v1::ExportArchivePage> none;
  CHECK(Export(too_big, none).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  v1::ExportArchiveRequest foreign;
  foreign.mutable_after()->set_xid(uint64_t{1} << 62);
  CHECK(Export(foreign, none).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE_METHOD(Fixture, "the quarantine streams with the instance identifier") {
  REQUIRE(instance.Initialize("exec_a", false).ok());
  {
    pqxx::connection c(testing::SharedPostgresDsn());
    pqxx::work tx(c);
    tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
    tx.exec(
        "INSERT INTO quarantine (channel, address, kind, reason) VALUES "
        "(0, 'x@y.org', 'quarantine', '550 unknown'), (1, '+33611111111', 'deny', 'asked')");
    tx.commit();
  }
  v1::ExportQuarantineRequest req;
  req.set_page_size(1);
  auto ctx = Context();
  auto reader = stub->ExportQuarantine(ctx.get(), req);
  std::vector<v1::ExportQuarantinePage> pages;
  v1::ExportQuarantinePage page;
  while (reader->Read(&page)) pages.push_back(page);
  REQUIRE(reader->Finish().ok());
  REQUIRE(pages.size() == 2);
  CHECK(pages[0].instance_id() == "exec_a");
  CHECK(pages[0].addresses(0).channel() == v1::CHANNEL_EMAIL);
  CHECK(pages[0].addresses(0).reason() == "550 unknown");
  CHECK(pages[1].addresses(0).kind() == "deny");
  CHECK(pages[1].addresses(0).has_created());
  // The entries' history (migration 0009's defaults for rows written without it).
  CHECK(pages[0].addresses(0).failure_type().empty());
  CHECK(pages[0].addresses(0).errors() == 1);
  CHECK(pages[0].addresses(0).active());
  CHECK(pages[0].addresses(0).has_first_seen());
  CHECK(pages[0].addresses(0).has_changed_at());
  CHECK_FALSE(pages[0].addresses(0).has_removed());
  CHECK_FALSE(pages[0].addresses(0).has_expires());
}

}  // namespace
}  // namespace mc::execution
