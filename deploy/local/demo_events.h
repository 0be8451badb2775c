// Demo traffic for the local cluster: templates, and a mix of real-time and batch events of
// several types whose outcomes cover every status (sent, bounced then ignored, deferred then
// failed, no template), plus one deliberately invalid event to show a precise rejection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"

namespace mc::local {

struct DemoOutcome {
  int pushed = 0;
  int accepted = 0;
  int refused = 0;
  std::vector<int64_t> ids;
  std::string refusal;  // the invalid event's error, as the API gave it
};

// Publishes the demo templates (version 1; already published is fine). Returns an error text.
std::string PublishDemoTemplates(messagecenter::v1::TemplateService::Stub& stub,
                                 const std::string& token);

// Pushes `count` valid events (half real-time one by one, half batch in one PushEvents call)
// and one invalid one. Returns an error text on a transport failure.
std::string PushDemoEvents(messagecenter::v1::EventService::Stub& stub, const std::string& token,
                           int count, DemoOutcome* outcome);

}  // namespace mc::local
