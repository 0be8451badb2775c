#include "bench/verp_phase.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bulk_push.h"
#include "bench/ratio_spread.h"
#include "common/pgcluster/free_port.h"
#include "common/process/service_process.h"

namespace mc::bench {
namespace {

constexpr int64_t kFirstN = 6000000000LL;  // event numbers apart from the other phases'

struct Service {
  std::string name, schema;
  std::optional<process::ServiceProcess> process;
};

// One (a) measurement on `s`: events/s from the first push to every event Sent; 0 on a count
// mismatch (printed).
double Measure(const VerpPhaseTarget& t, const VerpPhaseOptions& o, Service& s, int round,
               int64_t first_n, bool* counts_ok) {
  const BulkPush load = BuildBulkPush(t.make_event, o.events, o.streams, o.batch, first_n);
  SettleDatabase(t.dsn);
  const int64_t sent_before = CountSent(t.dsn, s.schema);
  const size_t mails_before = t.mails(), verp_before = t.verp_mails();
  const BulkPushResult pushed = PushBulk(s.process->address(), t.token, load);
  const bool finished = WaitAllSent(t.dsn, s.schema, t.mails);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - pushed.start);
  const int64_t sent = CountSent(t.dsn, s.schema) - sent_before;
  const size_t mails = t.mails() - mails_before, verp = t.verp_mails() - verp_before;
  const double rate = o.events / seconds;
  std::printf(
      "(v) round %d %-5s: %d events in %.2f s: %.0f events/s (%zu mails, %zu with a "
      "VERP return path)\n",
      round + 1, s.name.c_str(), o.events, seconds, rate, mails, verp);
  const size_t want_verp = s.name == "verp" ? static_cast<size_t>(o.events) : 0;
  if (!finished || pushed.failed > 0 || sent != o.events ||
      mails != static_cast<size_t>(o.events) || verp != want_verp) {
    std::printf("COUNT MISMATCH: %lld Sent, %zu mails, %zu VERP, %lld failed pushes\n",
                static_cast<long long>(sent), mails, verp, static_cast<long long>(pushed.failed));
    *counts_ok = false;
    return 0;
  }
  std::fflush(stdout);
  return rate;
}

}  // namespace

bool RunVerpPhase(const VerpPhaseTarget& t, const VerpPhaseOptions& o) {
  Service plain{.name = "plain", .schema = "bench_plain"};
  Service verp{.name = "verp", .schema = "bench_verp"};
  for (Service* s : {&plain, &verp}) {
    std::vector<std::string> args = t.service_args;
    args.push_back("--schema=" + s->schema);
    if (s == &verp) {
      args.push_back(absl::StrCat("--bounce_domain=", kBenchBounceDomain));
      args.push_back(absl::StrCat("--bounce_listen=127.0.0.1:", *pgcluster::FreeLoopbackPort()));
    }
    absl::StatusOr<process::ServiceProcess> p = process::ServiceProcess::Start(
        t.binary, args, absl::StrCat(t.log_dir, "/", s->schema, ".log"));
    if (!p.ok()) {
      std::printf("(v) cannot start the %s service: %s\n", s->name.c_str(),
                  std::string(p.status().message()).c_str());
      return false;
    }
    s->process = *std::move(p);
    if (!t.publish(s->process->address())) return false;
  }
  std::printf(
      "(v) return paths: %d rounds of %d events on each of two services (plain; verp: "
      "--bounce_domain=%s and its listener)\n",
      o.rounds, o.events, kBenchBounceDomain);
  bool counts_ok = true;
  std::vector<double> ratios;
  for (int round = 0; round < o.rounds; ++round) {
    Service* order[2] = {&plain, &verp};
    if (round % 2) std::swap(order[0], order[1]);
    double rate[2] = {0, 0};  // plain, verp
    for (Service* s : order) {
      rate[s == &verp] =
          Measure(t, o, *s, round, kFirstN + (2 * round + (s == &verp)) * o.events, &counts_ok);
    }
    if (rate[0] > 0 && rate[1] > 0) {
      ratios.push_back(rate[1] / rate[0]);
      std::printf("(v) round %d ratio verp/plain: %.3f\n", round + 1, ratios.back());
    }
  }
  PrintRatioSpread("(v) ratio verp/plain", ratios);
  for (Service* s : {&plain, &verp}) s->process->Terminate();
  return counts_ok && static_cast<int>(ratios.size()) == o.rounds;
}

}  // namespace mc::bench
