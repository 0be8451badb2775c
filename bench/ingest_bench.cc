// Ingestion benchmark (issue: event ingestion). In one run, on one throwaway PostgreSQL with
// durable commits (fsync on, synchronous_commit on):
//  (a) events/s through PushEvents: batches of --batch, --streams client streams, real service;
//  (b) the same rows inserted straight into PostgreSQL with 100-row INSERTs, one commit each,
//      --streams connections, into an identical schema (same table and indexes);
//  (c) single-event PushEvent from --single_callers concurrent callers (group commit), and for
//      scale PostgreSQL's one-commit-per-event rate (single-row INSERTs, same callers);
//  (h) the same batches pushed as JSON over HTTP (POST /v1/events:pushBatch, --http_listen,
//      keep-alive, one connection per stream) against gRPC PushEvents in the same round, the
//      order alternating per round: the ratio h/a per round, its median and spread.
// (a) and (b) alternate over --rounds rounds; the medians and the median ratio are reported.
// Prints each figure and the ratios a/b and c/(one commit per event).
// Exit code 1 when a count does not match (every pushed event must be stored).
#include <curl/curl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <latch>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/ratio_spread.h"
#include "common/config/flag_set.h"
#include "common/pg/migrator.h"
#include "common/pgcluster/temp_postgres.h"
#include "common/process/service_process.h"
#include "execution-service/migrations/migrations.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace {
namespace v1 = messagecenter::v1;
constexpr char kToken[] = "bench-token-0123456789abcdef";
constexpr char kCtx[] = R"({"name":"Jane","order":{"id":"A-12345","total":42.5,"items":3}})";

struct Options {
  int events = 200000;
  int batch = 500;
  int streams = 4;
  int single_callers = 64;
  int single_events = 20000;
  int warmup_events = 20000;
  int rounds = 3;
  std::string phases = "abch";
};

using mc::bench::Median;

v1::Event MakeEvent(const std::string& key) {
  v1::Event e;
  e.set_type("ORDER_SHIPPED");
  e.set_email("jane.doe@example.com");
  e.set_external_id(key);
  auto& f = *e.mutable_ctx()->mutable_fields();
  f["name"].set_string_value("Jane");
  auto& order = *f["order"].mutable_struct_value()->mutable_fields();
  order["id"].set_string_value("A-12345");
  order["total"].set_number_value(42.5);
  order["items"].set_number_value(3);
  return e;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one TCP connection per stream
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

template <typename F>
double RunParallel(int threads, F&& body) {
  std::vector<std::thread> ts;
  absl::Time start = absl::Now();
  for (int t = 0; t < threads; ++t) ts.emplace_back([&body, t] { body(t); });
  for (auto& t : ts) t.join();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// (a) PushEvents in batches; returns seconds. Counts accepted events into `accepted`.
double PushBatches(const std::string& address, const Options& o, const std::string& prefix,
                   int total, std::atomic<long>& accepted) {
  const int per_stream = total / o.streams;
  std::vector<std::vector<v1::PushEventsRequest>> requests(o.streams);
  for (int s = 0; s < o.streams; ++s) {
    for (int done = 0; done < per_stream; done += o.batch) {
      v1::PushEventsRequest r;
      r.set_queue(v1::QUEUE_BATCH);
      for (int i = done; i < std::min(per_stream, done + o.batch); ++i) {
        *r.add_events() = MakeEvent(absl::StrCat(prefix, s, "-", i));
      }
      requests[s].push_back(std::move(r));
    }
  }
  return RunParallel(o.streams, [&](int s) {
    auto stub = v1::EventService::NewStub(NewChannel(address));
    for (const auto& req : requests[s]) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", std::string("Bearer ") + kToken);
      v1::PushEventsResponse resp;
      grpc::Status st = stub->PushEvents(&ctx, req, &resp);
      if (!st.ok()) {
        std::cerr << "PushEvents failed: " << st.error_message() << "\n";
        continue;
      }
      accepted += resp.accepted();
    }
  });
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// (h) the batches of (a) as JSON bodies over HTTP, built before the clock starts as (a)'s
// requests are; returns seconds. Counts accepted events into `accepted`.
double PushHttpBatches(const std::string& url, const Options& o, const std::string& prefix,
                       int total, std::atomic<long>& accepted) {
  const int per_stream = total / o.streams;
  std::vector<std::vector<std::string>> bodies(o.streams);
  for (int s = 0; s < o.streams; ++s) {
    for (int done = 0; done < per_stream; done += o.batch) {
      v1::PushEventsRequest r;
      r.set_queue(v1::QUEUE_BATCH);
      for (int i = done; i < std::min(per_stream, done + o.batch); ++i) {
        *r.add_events() = MakeEvent(absl::StrCat(prefix, s, "-", i));
      }
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(r, &json);
      bodies[s].push_back(std::move(json));
    }
  }
  const std::string endpoint = url + "/v1/events:pushBatch";
  return RunParallel(o.streams, [&](int s) {
    CURL* c = curl_easy_init();
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, (std::string("Authorization: Bearer ") + kToken).c_str());
    // No "Expect: 100-continue" round trip before each body (curl adds it past 1 KiB): a
    // caller pushing batches over keep-alive sends the body at once, as gRPC does.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, endpoint.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &AppendBody);
    std::string answer;
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    for (const std::string& body : bodies[s]) {
      answer.clear();
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      long status = 0;
      if (curl_easy_perform(c) != CURLE_OK ||
          curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200) {
        std::cerr << "HTTP pushBatch failed: " << status << " " << answer.substr(0, 200) << "\n";
        continue;
      }
      const nlohmann::json j = nlohmann::json::parse(answer, nullptr, false);
      if (j.is_object()) accepted += j.value("accepted", 0);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
  });
}

int ReadPortFile(const std::string& path) {
  for (int i = 0; i < 1000; ++i) {
    int port = 0;
    std::ifstream in(path);
    if (in >> port && port > 0) return port;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

// (b) 100-row INSERTs straight into PostgreSQL, one transaction each; returns seconds.
double DirectInserts(const std::string& dsn, const std::string& schema, const Options& o,
                     const std::string& prefix, int total) {
  constexpr int kRows = 100;
  std::string sql = "INSERT INTO " + schema +
                    ".batch_events (id, event_type, email, external_id, wished_channel, "
                    "email_format, ctx) VALUES ";
  for (int r = 0; r < kRows; ++r) {
    int p = r * 6;
    absl::StrAppend(&sql, r ? "," : "", "(nextval('", schema, ".event_id_seq'), $", p + 1, ", $",
                    p + 2, ", $", p + 3, ", $", p + 4, "::smallint, $", p + 5, "::smallint, $",
                    p + 6, "::jsonb)");
  }
  const int per_stream = total / o.streams;
  return RunParallel(o.streams, [&](int s) {
    pqxx::connection c(dsn);
    c.prepare("ins", sql);
    std::vector<std::string> params;
    for (int done = 0; done < per_stream; done += kRows) {
      params.clear();
      for (int i = done; i < done + kRows; ++i) {
        params.insert(params.end(), {"ORDER_SHIPPED", "jane.doe@example.com",
                                     absl::StrCat(prefix, s, "-", i), "0", "0", kCtx});
      }
      pqxx::work tx(c);
      tx.exec_prepared("ins", pqxx::prepare::make_dynamic_params(params));
      tx.commit();
    }
  });
}

// (c) single-event PushEvent from many concurrent callers; returns seconds. Each caller is a
// chain of asynchronous calls (callback API), so the bench's own threads stay few and the
// service, not the client, is what is measured.
class SingleCaller {
 public:
  SingleCaller(v1::EventService::Stub& stub, int id, int count, std::atomic<long>& accepted,
               std::latch& done)
      : stub_(stub), id_(id), count_(count), accepted_(accepted), done_(done) {}

  void Next() {
    if (sent_ == count_) {
      done_.count_down();
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->AddMetadata("authorization", std::string("Bearer ") + kToken);
    req_.set_queue(v1::QUEUE_REAL_TIME);
    *req_.mutable_event() = MakeEvent(absl::StrCat("single-", id_, "-", sent_++));
    stub_.async()->PushEvent(ctx_.get(), &req_, &resp_, [this](grpc::Status s) {
      if (s.ok()) ++accepted_;
      Next();
    });
  }

 private:
  v1::EventService::Stub& stub_;
  const int id_;
  const int count_;
  int sent_ = 0;
  std::atomic<long>& accepted_;
  std::latch& done_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  v1::PushEventRequest req_;
  v1::PushEventResponse resp_;
};

double PushSingles(const std::string& address, const Options& o, std::atomic<long>& accepted) {
  const int per_caller = o.single_events / o.single_callers;
  auto stub = v1::EventService::NewStub(NewChannel(address));
  std::latch done(o.single_callers);
  std::vector<std::unique_ptr<SingleCaller>> callers;
  for (int t = 0; t < o.single_callers; ++t) {
    callers.push_back(std::make_unique<SingleCaller>(*stub, t, per_caller, accepted, done));
  }
  absl::Time start = absl::Now();
  for (auto& c : callers) c->Next();
  done.wait();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// PostgreSQL's one-commit-per-event rate: single-row INSERTs from the same number of callers.
// With one caller, at most 2000 events (it is slow by nature).
double DirectSingles(const std::string& dsn, const std::string& schema, const Options& o,
                     int callers, const std::string& prefix) {
  const int per_caller =
      callers == 1 ? std::max(1, std::min(o.single_events, 2000)) : o.single_events / callers;
  return RunParallel(callers, [&](int t) {
    pqxx::connection c(dsn);
    c.prepare("ins", "INSERT INTO " + schema +
                         ".rt_events (id, event_type, email, external_id, ctx) VALUES "
                         "(nextval('" +
                         schema + ".event_id_seq'), $1, $2, $3, $4::jsonb)");
    for (int i = 0; i < per_caller; ++i) {
      pqxx::work tx(c);
      tx.exec_prepared("ins", "ORDER_SHIPPED", "jane.doe@example.com",
                       absl::StrCat(prefix, t, "-", i), kCtx);
      tx.commit();
    }
  });
}

long CountRows(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  return tx.exec(sql)[0][0].as<long>();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  // Debian's Abseil checks every mutex acquisition for lock-order cycles (a debugging aid);
  // gRPC locks on every call, so it shows in profiles.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  mc::config::FlagSet flags("ingest_bench: PushEvents vs direct INSERTs, on one PostgreSQL");
  flags.Int("events", &o.events, "events for (a) and (b)");
  flags.Int("batch", &o.batch, "events per PushEvents call");
  flags.Int("streams", &o.streams, "client streams / connections for (a) and (b)");
  flags.Int("single_callers", &o.single_callers, "concurrent PushEvent callers for (c)");
  flags.Int("single_events", &o.single_events, "events for (c)");
  flags.Int("warmup_events", &o.warmup_events, "events pushed before measuring");
  flags.Int("rounds", &o.rounds, "rounds of (b) then (a); medians are reported");
  flags.String("phases", &o.phases,
               "which of a/b (together), c, h (HTTP/JSON against gRPC) to run, e.g. 'abc', 'h'");
  if (auto s = flags.Parse(argc, argv); !s.ok() || flags.help_requested()) {
    std::cerr << (s.ok() ? "" : std::string(s.message()) + "\n") << flags.Usage();
    return s.ok() ? 0 : 2;
  }
  o.events -= o.events % (o.streams * 100);
  if (o.events <= 0 || o.streams < 1 || o.single_callers < 1 || o.rounds < 1) {
    std::cerr << "--events, --streams, --single_callers and --rounds must be positive\n";
    return 2;
  }

  auto pg = mc::pgcluster::TempPostgres::Start({.durable = true});
  if (!pg.ok()) {
    std::cerr << pg.status() << "\n";
    return 1;
  }
  const std::string dsn = (*pg)->Dsn();
  if (auto s = mc::pg::Migrate(dsn, "bench_raw", mc::execution::Migrations()); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  auto service = mc::process::ServiceProcess::Start(
      MC_EXECUTION_SERVICE_BIN,
      {"serve", "--listen=127.0.0.1:0", "--pg_dsn=" + dsn, "--schema=bench_svc",
       std::string("--auth_tokens=") + kToken, "--log_level=warn", "--pg_pool_size=12",
       "--commit_writers=4", "--http_listen=127.0.0.1:0",
       "--http_port_file=" + (*pg)->data_dir() + "/http.port"},
      (*pg)->data_dir() + "/execution.log");
  if (!service.ok()) {
    std::cerr << service.status() << "\n";
    return 1;
  }
  std::cout << "ingest_bench: " << o.events << " events, batches of " << o.batch << ", "
            << o.streams << " streams; " << o.single_events << " single events from "
            << o.single_callers << " callers; PostgreSQL fsync=on, synchronous_commit=on\n";

  const bool run_ab = o.phases.find('a') != std::string::npos;
  const bool run_c = o.phases.find('c') != std::string::npos;
  const bool run_h = o.phases.find('h') != std::string::npos;
  const std::string http_url =
      absl::StrCat("http://127.0.0.1:", ReadPortFile((*pg)->data_dir() + "/http.port"));
  std::atomic<long> accepted{0};
  const int warm = run_ab ? o.warmup_events - o.warmup_events % (o.streams * 100) : 0;
  PushBatches(service->address(), o, "warm-", warm, accepted);
  DirectInserts(dsn, "bench_raw", o, "warm-", warm);
  accepted = 0;

  bool counts_ok = true;
  if (run_ab) {
    std::vector<double> push_rates, direct_rates, ratios;
    for (int r = 0; r < o.rounds; ++r) {
      const std::string prefix = absl::StrCat("run", r, "-");
      double direct_s = DirectInserts(dsn, "bench_raw", o, prefix, o.events);
      double push_s = PushBatches(service->address(), o, prefix, o.events, accepted);
      push_rates.push_back(o.events / push_s);
      direct_rates.push_back(o.events / direct_s);
      ratios.push_back(push_rates.back() / direct_rates.back());
      std::printf("    round %d: (a) %.0f events/s, (b) %.0f events/s, a/b %.2f\n", r + 1,
                  push_rates.back(), direct_rates.back(), ratios.back());
    }
    std::printf("(a) PushEvents, %d streams x %d-event batches: %10.0f events/s (median)\n",
                o.streams, o.batch, Median(push_rates));
    std::printf("(b) direct 100-row INSERTs, %d connections:  %10.0f events/s (median)\n",
                o.streams, Median(direct_rates));
    std::printf("    ratio a/b: %.2f (median of rounds; goal >= 0.85)\n", Median(ratios));
    long stored = CountRows(dsn, "SELECT count(*) FROM bench_svc.batch_events");
    if (accepted != static_cast<long>(o.events) * o.rounds ||
        stored != warm + static_cast<long>(o.events) * o.rounds) {
      std::printf("COUNT MISMATCH: accepted %ld, stored %ld, expected %ld\n", accepted.load(),
                  stored, static_cast<long>(o.events) * o.rounds);
      counts_ok = false;
    }
  }
  if (run_h) {
    // Both paths warmed, then rounds alternating which goes first.
    std::atomic<long> h_accepted{0}, g_accepted{0};
    const int warm_h = std::max(o.batch * o.streams, warm);
    PushHttpBatches(http_url, o, "hwarm-", warm_h, h_accepted);
    PushBatches(service->address(), o, "gwarm-", warm_h, g_accepted);
    h_accepted = 0;
    g_accepted = 0;
    std::vector<double> ratios, http_rates, grpc_rates;
    for (int r = 0; r < o.rounds; ++r) {
      double http_s = 0, grpc_s = 0;
      const std::string hp = absl::StrCat("h", r, "-"), gp = absl::StrCat("g", r, "-");
      if (r % 2 == 0) {
        grpc_s = PushBatches(service->address(), o, gp, o.events, g_accepted);
        http_s = PushHttpBatches(http_url, o, hp, o.events, h_accepted);
      } else {
        http_s = PushHttpBatches(http_url, o, hp, o.events, h_accepted);
        grpc_s = PushBatches(service->address(), o, gp, o.events, g_accepted);
      }
      http_rates.push_back(o.events / http_s);
      grpc_rates.push_back(o.events / grpc_s);
      ratios.push_back(http_rates.back() / grpc_rates.back());
      std::printf("    round %d: (h) HTTP/JSON %.0f events/s, gRPC %.0f events/s, h/a %.2f\n",
                  r + 1, http_rates.back(), grpc_rates.back(), ratios.back());
    }
    std::printf(
        "(h) HTTP/JSON pushBatch, %d streams x %d-event batches: %10.0f events/s (median)\n",
        o.streams, o.batch, mc::bench::Median(http_rates));
    std::printf("    gRPC PushEvents, same run:                       %10.0f events/s (median)\n",
                mc::bench::Median(grpc_rates));
    mc::bench::PrintRatioSpread("    ratio h/a (goal >= 0.6)", ratios);
    if (h_accepted != static_cast<long>(o.events) * o.rounds ||
        g_accepted != static_cast<long>(o.events) * o.rounds) {
      std::printf("COUNT MISMATCH: HTTP accepted %ld, gRPC accepted %ld, expected %ld each\n",
                  h_accepted.load(), g_accepted.load(), static_cast<long>(o.events) * o.rounds);
      counts_ok = false;
    }
  }
  if (run_c) {
    const int singles = o.single_events - o.single_events % o.single_callers;
    std::atomic<long> single_accepted{0};
    double single_s = PushSingles(service->address(), o, single_accepted);
    double concurrent_s = DirectSingles(dsn, "bench_raw", o, o.single_callers, "conc-");
    double sequential_s = DirectSingles(dsn, "bench_raw", o, 1, "seq-");
    const int sequential_n = std::max(1, std::min(singles, 2000));
    std::printf("(c) PushEvent, %d concurrent callers:        %10.0f events/s\n", o.single_callers,
                singles / single_s);
    std::printf("    one commit per event, 1 connection:      %10.0f events/s; ratio %.1f\n",
                sequential_n / sequential_s, (singles / single_s) / (sequential_n / sequential_s));
    std::printf("    single-row autocommit INSERTs, %d conns: %10.0f events/s; ratio %.2f\n",
                o.single_callers, singles / concurrent_s, concurrent_s / single_s);
    long stored_rt = CountRows(dsn, "SELECT count(*) FROM bench_svc.rt_events");
    long tx_count = CountRows(dsn, "SELECT count(DISTINCT xmin::text) FROM bench_svc.rt_events");
    std::printf("    (c) took %ld transactions for %ld events\n", tx_count, stored_rt);
    if (single_accepted != singles || stored_rt != singles) {
      std::printf("COUNT MISMATCH: singles accepted %ld, stored %ld, expected %d\n",
                  single_accepted.load(), stored_rt, singles);
      counts_ok = false;
    }
  }
  service->Terminate();
  return counts_ok ? 0 : 1;
}
