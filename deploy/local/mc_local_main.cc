// mc-local: the local cluster (composition root of the README's main job).
//
// Starts a PostgreSQL kept under --data_dir, a local SMTP server (mails kept as .eml files) and
// SMS sink, one execution instance in its own schema with its technical workflows started,
// publishes demo templates, pushes demo events, waits for their outcomes and prints them, then
// serves until Ctrl-C (or exits at once with --once). Everything it starts stops with it.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/config/flag_set.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "common/process/signals.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
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

// Polls until every event has a final status (or the timeout); returns how many have.
int WaitFinal(v1::EventService::Stub& stub, const std::string& token,
              const std::vector<int64_t>& ids, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int done = 0;
  for (int64_t id : ids) {
    for (;;) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token);
      v1::GetEventRequest req;
      req.set_id(id);
      v1::StoredEvent e;
      if (stub.GetEvent(&ctx, req, &e).ok() && e.status() >= v1::EVENT_STATUS_SENT) {
        ++done;
        break;
      }
      if (absl::Now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return done;
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

  // A local SMTP server keeping every mail as a .eml file, and an SMS provider stand-in.
  fs::create_directories(dir / "mail");
  auto smtp =
      mc::sinks::SmtpSink::Start({.keep_in_memory = false, .store_dir = (dir / "mail").string()});
  auto sms = mc::sinks::HttpSink::Start();
  if (!smtp.ok() || !sms.ok()) {
    std::cerr << "mc-local: cannot start the local SMTP server or SMS sink\n";
    return 1;
  }
  std::printf("mc-local: SMTP server on %s (mails in %s), SMS sink on %s\n", (*smtp)->url().c_str(),
              (dir / "mail").c_str(), (*sms)->url().c_str());

  auto exec = mc::process::ServiceProcess::Start(
      MC_EXECUTION_SERVICE_BIN,
      {"serve", "--listen=" + o.listen, "--pg_dsn=" + dsn, "--schema=mc_exec_1",
       "--auth_tokens=" + token, "--start_workflows", "--smtp_url=" + (*smtp)->url(),
       "--sms_url=" + (*sms)->url(), "--retry_base_ms=300", "--max_tries=3",
       "--message_id_domain=mc.local", "--smtp_from=Demo Shop <shop@mc.local>"},
      (dir / "logs" / "execution-1.log").string());
  if (!exec.ok()) {
    std::cerr << "mc-local: execution instance did not start: " << exec.status().message() << "\n";
    return 1;
  }
  std::printf("mc-local: execution instance 1 on %s (schema mc_exec_1, log %s)\n",
              exec->address().c_str(), exec->log_path().c_str());

  auto stub = v1::EventService::NewStub(
      grpc::CreateChannel(exec->address(), grpc::InsecureChannelCredentials()));
  auto templates = v1::TemplateService::NewStub(
      grpc::CreateChannel(exec->address(), grpc::InsecureChannelCredentials()));
  std::string error = mc::local::PublishDemoTemplates(*templates, token);
  mc::local::DemoOutcome demo;
  if (error.empty()) error = mc::local::PushDemoEvents(*stub, token, o.events, &demo);
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }
  const int final_count = WaitFinal(*stub, token, demo.ids, absl::Seconds(60));
  PrintEvents(*stub, token, demo.ids);
  std::printf("demo: %d of %zu events reached a final status; %zu mails in %s\n", final_count,
              demo.ids.size(), (*smtp)->accepted(), (dir / "mail").c_str());
  std::printf("demo: %d events pushed, %d accepted, %d refused as expected (%s)\n", demo.pushed,
              demo.accepted, demo.refused, demo.refusal.c_str());

  int rc = demo.accepted == demo.pushed && demo.refused == 1 &&
                   final_count == static_cast<int>(demo.ids.size())
               ? 0
               : 1;
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
