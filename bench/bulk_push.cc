#include "bench/bulk_push.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::bench {
namespace v1 = messagecenter::v1;

BulkPush BuildBulkPush(const std::function<v1::Event(int64_t)>& make_event, int64_t events,
                       int streams, int batch, int64_t first_n) {
  BulkPush push;
  push.per_stream.resize(static_cast<size_t>(streams));
  const int64_t per_stream = events / streams;
  for (int s = 0; s < streams; ++s) {
    for (int64_t done = 0; done < per_stream; done += batch) {
      v1::PushEventsRequest r;
      r.set_queue(v1::QUEUE_REAL_TIME);
      const int64_t n = std::min<int64_t>(batch, per_stream - done);
      for (int64_t i = 0; i < n; ++i) {
        *r.add_events() = make_event(first_n + s * per_stream + done + i);
      }
      push.per_stream[static_cast<size_t>(s)].push_back(std::move(r));
    }
  }
  push.events = per_stream * streams;
  return push;
}

BulkPushResult PushBulk(const std::string& address, const std::string& token,
                        const BulkPush& push) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::atomic<int64_t> accepted{0}, failed{0};
  BulkPushResult result;
  result.start = absl::Now();
  std::vector<std::thread> threads;
  for (const auto& requests : push.per_stream) {
    threads.emplace_back([&] {
      auto stub = v1::EventService::NewStub(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
      for (const auto& req : requests) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + token);
        v1::PushEventsResponse resp;
        grpc::Status st = stub->PushEvents(&ctx, req, &resp);
        if (!st.ok()) std::fprintf(stderr, "PushEvents: %s\n", st.error_message().c_str());
        accepted += st.ok() ? resp.accepted() : 0;
        failed += req.events_size() - (st.ok() ? resp.accepted() : 0);
      }
    });
  }
  for (auto& t : threads) t.join();
  result.pushed = absl::Now();
  result.accepted = accepted;
  result.failed = failed;
  return result;
}

bool WaitAllSent(const std::string& dsn, const std::string& schema,
                 const std::function<size_t()>& mails) {
  pqxx::connection c(dsn);
  const std::string probe =
      absl::StrCat("SELECT (EXISTS (SELECT 1 FROM ", schema, ".rt_events WHERE status = 0) OR ",
                   "EXISTS (SELECT 1 FROM ", schema, ".rt_events WHERE status = 1))::int");
  size_t last_mails = mails();
  absl::Time last_progress = absl::Now();
  while (absl::Now() - last_progress < absl::Seconds(60)) {
    if (size_t m = mails(); m != last_mails) {
      last_mails = m;
      last_progress = absl::Now();
    }
    {
      pqxx::work tx(c);
      if (tx.exec1(probe)[0].as<int>() == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

int64_t CountSent(const std::string& dsn, const std::string& schema) {
  pqxx::connection c(dsn);
  pqxx::work tx(c);
  return tx.exec1(absl::StrCat("SELECT count(*) FROM ", schema, ".rt_events WHERE status = 2"))[0]
      .as<int64_t>();
}

void SettleDatabase(const std::string& dsn) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  tx.exec("VACUUM ANALYZE");
  tx.exec("CHECKPOINT");
}

}  // namespace mc::bench
