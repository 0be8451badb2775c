// RenderInput: what a personalised text may reference when it is rendered (see
// compiled_text.h): the event's id, its own fields, and its ctx. Each service fills it from
// its own event (the execution instance from a stored event, the control instance from a
// seed's test data). Views only: the caller keeps the event and ctx alive while rendering.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "absl/strings/string_view.h"

namespace mc::personalisation {

// The event fields a reference may name (rtEvent.<field>); empty when not given.
struct EventFields {
  absl::string_view type;
  absl::string_view email;
  absl::string_view mobile_phone;
  absl::string_view external_id;
  absl::string_view origin;
  absl::string_view language;
  absl::string_view country;
};

struct RenderInput {
  int64_t id = 0;
  const EventFields* event = nullptr;   // nullptr: the id and every field render empty
  const nlohmann::json* ctx = nullptr;  // the event's ctx, parsed; nullptr: paths render empty
};

}  // namespace mc::personalisation
