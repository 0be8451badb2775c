// Demo traffic for the local cluster: a mix of real-time and batch events of several types,
// plus one deliberately invalid event to show a precise rejection. Thread-compatible.
#pragma once

#include <cstdint>
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
// and one invalid one. Returns an error text on a transport failure.
std::string PushDemoEvents(messagecenter::v1::EventService::Stub& stub, const std::string& token,
                           int count, DemoOutcome* outcome);

}  // namespace mc::local
