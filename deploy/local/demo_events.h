// Demo traffic for the local cluster: a mix of real-time and batch events of several types whose
// outcomes cover every status (sent, bounced then ignored, deferred until expired, expired
// before processing, no template), plus one deliberately invalid event to show a precise
// rejection.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::local {

struct DemoOutcome {
  int pushed = 0;
  int accepted = 0;
  int refused = 0;
  std::vector<int64_t> ids;
  std::string refusal;  // the invalid event's error, as the API gave it
};

// Pushes `count` valid events (half real-time one by one, half batch in one PushEvents call)
// and one invalid one; `run` makes external ids and bounced addresses unique to this run.
// `progress` is called after each event. Returns an error text on a transport failure.
std::string PushDemoEvents(messagecenter::v1::EventService::Stub& stub, const std::string& token,
                           int count, const std::string& run, const std::function<void()>& progress,
                           DemoOutcome* outcome);

// Once the first bounce of the run is final (its address quarantined): one more event to that
// address (ignored by the delivery) and one already expired. Returns an error text.
std::string PushFollowUps(messagecenter::v1::EventService::Stub& stub, const std::string& token,
                          const std::string& run, DemoOutcome* outcome);

}  // namespace mc::local
