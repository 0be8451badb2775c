// mc-local: the local cluster (composition root of the README's main job).
//
// Starts a PostgreSQL kept under --data_dir, one execution instance in its own schema, pushes
// demo events, prints them back with their ids and statuses, then serves until Ctrl-C (or exits
// at once with --once). Everything it starts stops with it.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/config/flag_set.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "common/process/signals.h"
#include "deploy/local/demo_events.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace {
namespace fs = std::filesystem;
namespace v1 = messagecenter::v1;

struct Options {
  std::string data_dir = "/var/tmp/messagecenter-" + std::to_string(getuid());
  bool fresh = false;
  bool once = false;
  int events = 20;
  std::string listen = "127.0.0.1:50051";
  std::string pg_dsn;
};

// A token kept in the data folder, so that clients keep working across runs.
std::string DevToken(const fs::path& dir) {
  const fs::path file = dir / "dev-token";
  std::string token;
  if (std::ifstream(file) >> token && token.size() >= 16) return token;
  std::random_device rd;
  token = "dev-";
  for (int i = 0; i < 32; ++i) token.push_back("0123456789abcdef"[rd() % 16]);
  std::ofstream(file) << token << "\n";
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  return token;
}

const char* StatusName(int s) {
  static const char* kNames[] = {"Pending",
                                 "Pending delivery",
                                 "Sent",
                                 "Ignored by the delivery",
                                 "Delivery failed",
                                 "Event not taken into account",
                                 "Expired"};
  return s >= 0 && s <= 6 ? kNames[s] : "?";
}

void PrintEvents(v1::EventService::Stub& stub, const std::string& token,
                 const std::vector<int64_t>& ids) {
  std::printf("\n  %-8s %-6s %-16s %-26s %s\n", "id", "queue", "type", "address", "status");
  for (int64_t id : ids) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    v1::GetEventRequest req;
    req.set_id(id);
    v1::StoredEvent e;
    grpc::Status s = stub.GetEvent(&ctx, req, &e);
    if (!s.ok()) {
      std::printf("  %-8lld GetEvent failed: %s\n", static_cast<long long>(id),
                  s.error_message().c_str());
      continue;
    }
    const std::string& address = e.event().wished_channel() == v1::CHANNEL_SMS
                                     ? e.event().mobile_phone()
                                     : e.event().email();
    std::printf("  %-8lld %-6s %-16s %-26s %s\n", static_cast<long long>(e.id()),
                e.queue() == v1::QUEUE_REAL_TIME ? "rt" : "batch", e.event().type().c_str(),
                address.c_str(), StatusName(e.status()));
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  mc::process::BlockTerminationSignals();
  Options o;
  mc::config::FlagSet flags(
      "mc-local: a local Message Center cluster (PostgreSQL, execution instance, demo events)");
  flags.String("data_dir", &o.data_dir, "folder for PostgreSQL data, logs and the dev token");
  flags.Bool("fresh", &o.fresh, "delete the data folder first");
  flags.Bool("once", &o.once, "exit after the demo instead of serving until Ctrl-C");
  flags.Int("events", &o.events, "demo events to push");
  flags.String("listen", &o.listen, "gRPC address of the execution instance");
  flags.String("pg_dsn", &o.pg_dsn,
               "use this PostgreSQL server instead of starting one under --data_dir");
  if (auto s = flags.Parse(argc, argv); !s.ok() || flags.help_requested()) {
    std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
    return s.ok() ? 0 : 2;
  }
  const fs::path dir = fs::absolute(o.data_dir);
  if (o.fresh) fs::remove_all(dir);
  fs::create_directories(dir / "logs");
  const std::string token = DevToken(dir);

  std::printf("mc-local: data in %s\n", dir.c_str());
  std::unique_ptr<mc::pgcluster::TempPostgres> pg;
  std::string dsn = o.pg_dsn;
  if (dsn.empty()) {
    auto started = mc::pgcluster::TempPostgres::Start({.data_dir = (dir / "pg").string()});
    if (!started.ok()) {
      std::cerr << "mc-local: PostgreSQL did not start: " << started.status().message() << "\n";
      return 1;
    }
    pg = std::move(*started);
    dsn = pg->Dsn();
    std::printf("mc-local: PostgreSQL on 127.0.0.1:%d (%s)\n", pg->port(),
                (pg->data_dir() + "/postgres.log").c_str());
  } else {
    std::printf("mc-local: using the PostgreSQL server of --pg_dsn\n");
  }

  auto exec =
      mc::process::ServiceProcess::Start(MC_EXECUTION_SERVICE_BIN,
                                         {"serve", "--listen=" + o.listen, "--pg_dsn=" + dsn,
                                          "--schema=mc_exec_1", "--auth_tokens=" + token},
                                         (dir / "logs" / "execution-1.log").string());
  if (!exec.ok()) {
    std::cerr << "mc-local: execution instance did not start: " << exec.status().message() << "\n";
    return 1;
  }
  std::printf("mc-local: execution instance 1 on %s (schema mc_exec_1, log %s)\n",
              exec->address().c_str(), exec->log_path().c_str());

  auto stub = v1::EventService::NewStub(
      grpc::CreateChannel(exec->address(), grpc::InsecureChannelCredentials()));
  mc::local::DemoOutcome demo;
  std::string error = mc::local::PushDemoEvents(*stub, token, o.events, &demo);
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }
  PrintEvents(*stub, token, demo.ids);
  std::printf("demo: %d events pushed, %d accepted, %d refused as expected (%s)\n", demo.pushed,
              demo.accepted, demo.refused, demo.refusal.c_str());

  int rc = demo.accepted == demo.pushed && demo.refused == 1 ? 0 : 1;
  if (!o.once) {
    std::printf(
        "\nServing. Try it from another terminal (token in %s):\n"
        "  grpcurl -plaintext -H 'authorization: Bearer %s' -d '{\"queue\":\"QUEUE_REAL_TIME\","
        "\"event\":{\"type\":\"WELCOME\",\"email\":\"you@example.com\"}}' %s "
        "messagecenter.v1.EventService/PushEvent\n"
        "Press Ctrl-C to stop everything.\n",
        (dir / "dev-token").c_str(), token.c_str(), exec->address().c_str());
    std::fflush(stdout);
    mc::process::WaitForTerminationSignal();
    std::printf("\nmc-local: stopping\n");
  }
  exec->Terminate();
  if (pg) (void)pg->Stop();
  return rc;
}
