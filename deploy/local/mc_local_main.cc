// mc-local: the local cluster (composition root of the README's main job).
//
// Starts a PostgreSQL kept under --data_dir, a local SMTP server (mails kept as .eml files), an
// SMS sink, a webhook receiver (checks every signature), one control instance and two
// execution instances (own schemas). Through the control instance it registers and initializes
// both accounts, starts the technical workflows, creates the archiving workflows and publishes
// the demo templates, and subscribes the receiver to every final status on each instance; it
// pushes demo events of every outcome to both instances with a progress bar, waits for their
// outcomes and their webhooks, runs archiving, prints the report tables and checks them (and
// the webhooks) against what it pushed. Then it serves until Ctrl-C (or exits at once with
// --once), the control's web console and HTTP/JSON API on --console_listen. Everything it
// starts stops with it.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/config/flag_set.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "common/process/signals.h"
#include "common/sinks/http_sink.h"
#include "common/sinks/smtp_sink.h"
#include "common/sinks/webhook_sink.h"
#include "common/webhook_receiver/webhook_receiver.h"
#include "common/webhook_receiver/webhook_signature.h"
#include "deploy/local/cluster_setup.h"
#include "deploy/local/demo_events.h"
#include "deploy/local/progress.h"
#include "deploy/local/reports.h"
#include "deploy/local/webhook_check.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace {
namespace fs = std::filesystem;
namespace v1 = messagecenter::v1;

struct Options {
  std::string data_dir = "/var/tmp/messagecenter-" + std::to_string(getuid());
  bool fresh = false;
  bool once = false;
  int events = 200;
  std::string control_listen = "127.0.0.1:50061";
  std::string execution_listen = "127.0.0.1:50051,127.0.0.1:50052";
  std::string pg_dsn;
  std::string console_listen = "127.0.0.1:50080";
};

std::string RandomToken(const char* prefix) {
  std::random_device rd;
  std::string token = prefix;
  for (int i = 0; i < 32; ++i) token.push_back("0123456789abcdef"[rd() % 16]);
  return token;
}

// The tokens file both services read (`role token` lines), kept in the data folder so that
// clients keep working across runs.
mc::local::Tokens DevTokens(const fs::path& file) {
  mc::local::Tokens t;
  std::ifstream in(file);
  std::string role, token;
  while (in >> role >> token) {
    (role == "operator" ? t.op : role == "pusher" ? t.pusher : t.control) = token;
  }
  if (t.op.size() >= 16 && t.pusher.size() >= 16 && t.control.size() >= 16) return t;
  t = {.op = RandomToken("op-"), .pusher = RandomToken("push-"), .control = RandomToken("ctl-")};
  std::ofstream(file) << "operator " << t.op << "\npusher " << t.pusher << "\ncontrol " << t.control
                      << "\n";
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  return t;
}

absl::StatusOr<mc::process::ServiceProcess> StartService(const char* binary,
                                                         std::vector<std::string> args,
                                                         const fs::path& log) {
  return mc::process::ServiceProcess::Start(binary, std::move(args), log.string());
}

// Waits until every event of `stub`'s instance listed in `ids` is final; counts in `done`.
void WaitFinal(v1::EventService::Stub& stub, const std::string& token,
               const std::vector<int64_t>& ids, absl::Time deadline, mc::local::Progress& bar) {
  for (int64_t id : ids) {
    for (;;) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token);
      v1::GetEventRequest req;
      req.set_id(id);
      v1::StoredEvent e;
      if (stub.GetEvent(&ctx, req, &e).ok() && e.status() >= v1::EVENT_STATUS_SENT) break;
      if (absl::Now() > deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    bar.Step();
  }
}

}  // namespace

int main(int argc, char** argv) {
  mc::process::BlockTerminationSignals();
  Options o;
  mc::config::FlagSet flags(
      "mc-local: a local Message Center (PostgreSQL, one control and two execution instances, "
      "a local SMTP server and SMS sink, demo events, reports)");
  flags.String("data_dir", &o.data_dir, "folder for PostgreSQL data, mails, logs and tokens");
  flags.Bool("fresh", &o.fresh, "delete the data folder first");
  flags.Bool("once", &o.once, "exit after the demo instead of serving until Ctrl-C");
  flags.Int("events", &o.events, "demo events to push (split over the two instances)");
  flags.String("control_listen", &o.control_listen, "gRPC address of the control instance");
  flags.String("execution_listen", &o.execution_listen,
               "gRPC addresses of the two execution instances, comma-separated");
  flags.String("pg_dsn", &o.pg_dsn,
               "use this PostgreSQL server instead of starting one under --data_dir");
  flags.String("console_listen", &o.console_listen,
               "HTTP address of the control instance's web console and HTTP/JSON API");
  if (auto s = flags.Parse(argc, argv); !s.ok() || flags.help_requested()) {
    std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
    return s.ok() ? 0 : 2;
  }
  std::vector<std::string> exec_listen = absl::StrSplit(o.execution_listen, ',');
  if (exec_listen.size() != 2 || o.events < 2) {
    std::cerr << "mc-local: --execution_listen needs two addresses, --events at least 2\n";
    return 2;
  }
  const fs::path dir = fs::absolute(o.data_dir);
  if (o.fresh) fs::remove_all(dir);
  fs::create_directories(dir / "logs");
  fs::create_directories(dir / "mail");
  const fs::path tokens_file = dir / "tokens";
  const mc::local::Tokens tokens = DevTokens(tokens_file);

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
    std::printf("  PostgreSQL        127.0.0.1:%d (log %s/postgres.log)\n", pg->port(),
                pg->data_dir().c_str());
  }
  auto smtp =
      mc::sinks::SmtpSink::Start({.keep_in_memory = false, .store_dir = (dir / "mail").string()});
  auto sms = mc::sinks::HttpSink::Start();
  // Status webhooks: a receiver on loopback with a new key each run (the subscription is put
  // again with it), checking every signature; the instances may post to it only because they
  // run with --webhook_allow_private_networks and --webhook_allow_http. The sink answers
  // through `webhooks`, so it is made after it (and stops before it).
  const std::string webhook_key = mc::webhook_receiver::NewWebhookKey();
  mc::webhook_receiver::WebhookReceiver webhooks({.key = webhook_key, .keep_changes = true});
  auto webhook_sink = mc::sinks::WebhookSink::Start({.keep_requests = false});
  if (!smtp.ok() || !sms.ok() || !webhook_sink.ok()) {
    std::cerr << "mc-local: cannot start the local SMTP server, SMS sink or webhook receiver\n";
    return 1;
  }
  webhooks.Attach(**webhook_sink);
  const std::string webhook_url = (*webhook_sink)->url("/webhooks");
  std::printf(
      "  SMTP server       %s (mails in %s)\n  SMS sink          %s\n"
      "  webhook receiver  %s (checks every signature)\n",
      (*smtp)->url().c_str(), (dir / "mail").c_str(), (*sms)->url().c_str(), webhook_url.c_str());

  const std::string auth = "--auth_tokens_file=" + tokens_file.string();
  auto control = StartService(MC_CONTROL_SERVICE_BIN,
                              {"serve", "--listen=" + o.control_listen, "--pg_dsn=" + dsn,
                               "--schema=mc_control", auth, "--http_listen=" + o.console_listen},
                              dir / "logs" / "control.log");
  if (!control.ok()) {
    std::cerr << "mc-local: control instance did not start: " << control.status().message() << "\n";
    return 1;
  }
  const std::string console_url =
      absl::StrCat("http://127.0.0.1:", control->http_port(), "/console/");
  std::printf("  control instance  %s (schema mc_control, log %s)\n", control->address().c_str(),
              control->log_path().c_str());
  std::printf("  web console       %s (HTTP/JSON API on the same port)\n", console_url.c_str());
  std::vector<mc::process::ServiceProcess> execs;
  std::vector<mc::local::InstanceEndpoint> instances;
  for (int i = 0; i < 2; ++i) {
    const std::string n = std::to_string(i + 1);
    auto exec = StartService(
        MC_EXECUTION_SERVICE_BIN,
        {"serve", "--listen=" + exec_listen[i], "--pg_dsn=" + dsn, "--schema=mc_exec_" + n, auth,
         "--smtp_url=" + (*smtp)->url(), "--sms_url=" + (*sms)->url(), "--retry_base_ms=300",
         "--max_tries=3", "--message_id_domain=exec" + n + ".mc.local",
         "--smtp_from=Demo Shop <shop@mc.local>", "--webhook_allow_private_networks",
         "--webhook_allow_http"},
        dir / "logs" / ("execution-" + n + ".log"));
    if (!exec.ok()) {
      std::cerr << "mc-local: execution instance " << n
                << " did not start: " << exec.status().message() << "\n";
      return 1;
    }
    std::printf("  execution %s       %s (schema mc_exec_%s, log %s)\n", n.c_str(),
                exec->address().c_str(), n.c_str(), exec->log_path().c_str());
    instances.push_back(
        {.account = "exec" + n, .label = "Execution instance " + n, .address = exec->address()});
    execs.push_back(*std::move(exec));
  }

  std::printf("\nSetting up through the control instance\n");
  std::string error = mc::local::RegisterInstances(control->address(), &instances, tokens);
  if (error.empty()) error = mc::local::PublishTemplates(control->address(), tokens);
  if (error.empty()) {
    error = mc::local::SubscribeWebhooks(instances, tokens, webhook_url,
                                         mc::webhook_receiver::WebhookSecretOf(webhook_key));
  }
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }

  // Demo traffic: half the events to each instance, then the follow-ups of every outcome.
  const absl::Time run_start = absl::Now();
  const std::string run = absl::StrCat(absl::ToUnixMillis(run_start));
  std::vector<mc::local::DemoOutcome> demo(2);
  std::vector<std::unique_ptr<v1::EventService::Stub>> stubs;
  for (const auto& e : instances) {
    stubs.push_back(v1::EventService::NewStub(
        grpc::CreateChannel(e.address, grpc::InsecureChannelCredentials())));
  }
  const bool follow_ups = o.events / 2 >= 7;  // event 6 bounces
  std::printf("\n");
  {
    mc::local::Progress bar("pushing", o.events / 2 * 2);
    for (int i = 0; i < 2 && error.empty(); ++i) {
      error = mc::local::PushDemoEvents(
          *stubs[i], tokens.pusher, o.events / 2, run + "x" + std::to_string(i),
          [&] { bar.Step(); }, &demo[i]);
    }
  }
  const absl::Time deadline = absl::Now() + absl::Minutes(2);
  if (error.empty()) {
    mc::local::Progress bar("delivering", o.events / 2 * 2);
    for (int i = 0; i < 2; ++i) WaitFinal(*stubs[i], tokens.pusher, demo[i].ids, deadline, bar);
  }
  if (error.empty() && follow_ups) {
    mc::local::Progress bar("follow-ups", 4);
    for (int i = 0; i < 2 && error.empty(); ++i) {
      const size_t before = demo[i].ids.size();
      error = mc::local::PushFollowUps(*stubs[i], tokens.pusher, run + "x" + std::to_string(i),
                                       &demo[i]);
      std::vector<int64_t> added(demo[i].ids.begin() + before, demo[i].ids.end());
      WaitFinal(*stubs[i], tokens.pusher, added, deadline, bar);
    }
  }
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }

  mc::local::StatusCounts truth;
  int final_count = 0, accepted = 0;
  for (int i = 0; i < 2 && error.empty(); ++i) {
    error = mc::local::CountStatuses(instances[i].account, instances[i].address, tokens.pusher,
                                     demo[i].ids, &truth);
    accepted += demo[i].accepted;
  }
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }
  std::string webhooks_verdict;
  const bool webhooks_ok =
      mc::local::CheckWebhooks(webhooks, instances, {demo[0].ids, demo[1].ids}, truth,
                               absl::Now() + absl::Minutes(1), &webhooks_verdict);
  for (const auto& [key, n] : truth) final_count += key.second >= 2 ? n : 0;
  std::printf("demo: %d of %d events reached a final status; %zu mails in %s\n", final_count,
              accepted, (*smtp)->accepted(), (dir / "mail").c_str());
  std::printf("demo: one invalid event per instance refused as expected (%s)\n",
              demo[0].refusal.c_str());

  std::printf("\nArchiving (mcSynch_<account> on the control instance)\n");
  std::vector<mc::local::ArchiveRunCopies> archived;
  if (error.empty()) {
    error = mc::local::RunArchiving(control->address(), instances, tokens, &archived);
  }
  // The demo's period, for the archive summary and the report tables alike.
  const absl::Time report_from = run_start - absl::Seconds(1);
  const absl::Time report_to = absl::Now() + absl::Minutes(1);
  if (error.empty()) {
    error =
        mc::local::PrintArchiving(control->address(), tokens.op, archived, report_from, report_to);
  }
  bool match = false;
  if (error.empty()) {
    error = mc::local::PrintReports(control->address(), tokens.op, report_from, report_to, truth,
                                    &match);
  }
  if (!error.empty()) {
    std::cerr << "mc-local: " << error << "\n";
    return 1;
  }
  std::printf("\ncheck: %s\n", match
                                   ? "the reports match the events pushed, per instance and status"
                                   : "MISMATCH between the reports and the events pushed");
  std::printf("check: %s\n", webhooks_verdict.c_str());
  std::printf("mails: %s (open the .eml files with any mail client)\n", (dir / "mail").c_str());
  std::printf("webhooks: %s, at %s\n", mc::local::WebhookCountsText(webhooks.counts()).c_str(),
              webhook_url.c_str());

  const int rc = match && webhooks_ok && final_count == accepted && demo[0].refused == 1 &&
                         demo[1].refused == 1
                     ? 0
                     : 1;
  if (!o.once) {
    std::printf(
        "\nServing. Tokens are in %s (operator, pusher, control). For example:\n"
        "  MC_TOKEN=$(awk '$1==\"operator\"{print $2}' %s) mcctl --control %s reports "
        "service-level\n"
        "Web console: %s, sign in with the operator token:\n"
        "  awk '$1==\"operator\"{print $2}' %s\n"
        "Press Ctrl-C to stop everything.\n",
        tokens_file.c_str(), tokens_file.c_str(), control->address().c_str(), console_url.c_str(),
        tokens_file.c_str());
    std::fflush(stdout);
    mc::process::WaitForTerminationSignal();
    std::printf("\nmc-local: stopping (webhooks: %s in all)\n",
                mc::local::WebhookCountsText(webhooks.counts()).c_str());
  }
  for (auto& e : execs) e.Terminate();
  control->Terminate();
  if (pg) (void)pg->Stop();
  return rc;
}
