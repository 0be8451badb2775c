#include "bench/pusher.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>

#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::bench {
namespace v1 = messagecenter::v1;

Pusher::Pusher(PushTarget target, PushPlan plan)
    : target_(std::move(target)), plan_(plan), start_(absl::Now()) {
  for (int s = 0; s < plan_.streams; ++s) threads_.emplace_back([this] { Stream(); });
}

void Pusher::Join() {
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Pusher::Stream() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto stub = v1::EventService::NewStub(
      grpc::CreateCustomChannel(target_.address, grpc::InsecureChannelCredentials(), args));
  const int64_t events = plan_.events;
  for (;;) {
    const int64_t first = next_batch_++ * plan_.batch;
    if (events > 0 && first >= events) break;
    const int64_t n = events > 0 ? std::min<int64_t>(plan_.batch, events - first) : plan_.batch;
    if (plan_.rate > 0) {
      const absl::Time due = start_ + absl::Seconds(static_cast<double>(first) / plan_.rate);
      if (due >= plan_.until || absl::Now() >= plan_.until) break;
      if (due > absl::Now()) absl::SleepFor(due - absl::Now());
    } else if (absl::Now() >= plan_.until) {
      break;
    }
    v1::PushEventsRequest req;
    req.set_queue(v1::QUEUE_REAL_TIME);
    for (int64_t i = 0; i < n; ++i)
      *req.add_events() = target_.make_event(plan_.first_n + first + i);
    v1::PushEventsResponse resp;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + target_.token);
    grpc::Status st = stub->PushEvents(&ctx, req, &resp);
    if (!st.ok()) std::fprintf(stderr, "PushEvents: %s\n", st.error_message().c_str());
    acked_ += st.ok() ? resp.accepted() : 0;
    failed_ += n - (st.ok() ? resp.accepted() : 0);
  }
}

}  // namespace mc::bench
