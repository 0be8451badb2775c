#include "deploy/local/demo_events.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mc::local {
namespace v1 = messagecenter::v1;

namespace {

const char* const kTypes[] = {"ORDER_SHIPPED", "PASSWORD_RESET", "WELCOME", "APPOINTMENT"};
const char* const kNames[] = {"Ana", "Bruno", "Chloé", "Dmitri", "Eve", "Farah"};

v1::Event DemoEvent(int i, const std::string& run) {
  v1::Event e;
  e.set_type(kTypes[i % 4]);
  const char* name = kNames[i % 6];
  if (i % 5 == 4) {
    e.set_wished_channel(v1::CHANNEL_SMS);
    e.set_mobile_phone(absl::StrCat("+3361234", 1000 + i));
  } else {
    // The local SMTP server bounces "bounce..." (hard) and defers "busy..." (soft).
    const char* who = i % 10 == 6 ? "bounce" : i % 10 == 8 ? "busy" : "customer";
    e.set_email(absl::StrCat(who, i, "-", run, "@example.com"));
    e.set_email_format(v1::EMAIL_FORMAT_HTML);
  }
  e.set_external_id(absl::StrCat("demo-", run, "-", i));
  e.set_origin("mc-local");
  e.set_language("en");
  (void)google::protobuf::util::JsonStringToMessage(
      absl::StrCat(R"({"firstName":")", name, R"(","order":{"id":"A-)", 1000 + i, R"(","total":)",
                   10 + i, "}}"),
      e.mutable_ctx());
  return e;
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

// One real-time PushEvent, counted in `out`; the error text, or "" when accepted.
std::string PushRealTime(v1::EventService::Stub& stub, const std::string& token,
                         const v1::Event& event, DemoOutcome* out) {
  v1::PushEventRequest req;
  req.set_queue(v1::QUEUE_REAL_TIME);
  *req.mutable_event() = event;
  v1::PushEventResponse resp;
  grpc::Status s = stub.PushEvent(Ctx(token).get(), req, &resp);
  ++out->pushed;
  if (!s.ok()) return absl::StrCat("PushEvent failed: ", s.error_message());
  ++out->accepted;
  out->ids.push_back(resp.id());
  return "";
}

}  // namespace

std::string PushDemoEvents(v1::EventService::Stub& stub, const std::string& token, int count,
                           const std::string& run, const std::function<void()>& progress,
                           DemoOutcome* out) {
  const int realtime = count / 2;
  for (int i = 0; i < realtime; ++i) {
    if (std::string error = PushRealTime(stub, token, DemoEvent(i, run), out); !error.empty()) {
      return error;
    }
    progress();
  }
  v1::PushEventsRequest batch;
  batch.set_queue(v1::QUEUE_BATCH);
  for (int i = realtime; i < count; ++i) *batch.add_events() = DemoEvent(i, run);
  v1::Event invalid = DemoEvent(count, run);
  invalid.set_wished_channel(v1::CHANNEL_EMAIL);
  invalid.set_email("not-an-address");
  *batch.add_events() = invalid;
  v1::PushEventsResponse resp;
  grpc::Status s = stub.PushEvents(Ctx(token).get(), batch, &resp);
  out->pushed += batch.events_size() - 1;  // the invalid one is not demo traffic
  if (!s.ok()) return absl::StrCat("PushEvents failed: ", s.error_message());
  for (const v1::EventResult& r : resp.results()) {
    if (r.has_rejection()) {
      ++out->refused;
      out->refusal = r.rejection().message();
    } else {
      ++out->accepted;
      out->ids.push_back(r.id());
      progress();
    }
  }
  return "";
}

std::string PushFollowUps(v1::EventService::Stub& stub, const std::string& token,
                          const std::string& run, DemoOutcome* out) {
  v1::Event ignored = DemoEvent(6, run);  // to the address event 6 bounced from
  ignored.set_external_id(absl::StrCat("demo-", run, "-ignored"));
  v1::Event expired = DemoEvent(0, run);
  expired.set_external_id(absl::StrCat("demo-", run, "-expired"));
  expired.mutable_expiration()->set_seconds(absl::ToUnixSeconds(absl::Now()) - 60);
  for (const v1::Event& e : {ignored, expired}) {
    if (std::string error = PushRealTime(stub, token, e, out); !error.empty()) return error;
  }
  return "";
}

}  // namespace mc::local
