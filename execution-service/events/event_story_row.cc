#include "execution-service/events/event_story_row.h"

#include <nlohmann/json.hpp>
#include <string>

namespace mc::execution {
namespace {

std::string JsonText(const nlohmann::json& o, const char* key) {
  const auto it = o.find(key);
  return it == o.end() || !it->is_string() ? std::string() : it->get<std::string>();
}

std::optional<absl::Time> JsonMicros(const nlohmann::json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end() || !it->is_number_integer()) return std::nullopt;
  return absl::FromUnixMicros(it->get<int64_t>());
}

}  // namespace

StoryFacts ReadStoryFacts(const pg::Row& r) {
  StoryFacts f;
  f.template_name = r.Text("template_name");
  f.template_version = r.GetOr<int>("template_version", 0);
  f.tries = r.Get<int>("tries");
  f.routed_at = r.OptionalMicros("routed_us");
  f.lease_until = r.OptionalMicros("lease_until_us");
  if (!r.IsNull("log_status")) {
    f.log = StoredDeliveryLog{.status = static_cast<EventStatus>(r.Get<int>("log_status")),
                              .failure_type = r.Text("log_failure_type"),
                              .failure_reason = r.Text("log_failure_reason"),
                              .tries = r.Get<int>("log_tries"),
                              .message_id = r.Text("log_message_id"),
                              .template_language = r.Text("log_template_language"),
                              .at = r.Micros("log_us"),
                              .bounced_at = r.OptionalMicros("log_bounced_us")};
  }
  if (!r.IsNull("attempts")) {
    // Made by the statement (json_agg): an array of objects. Anything else throws.
    for (const nlohmann::json& a : nlohmann::json::parse(r.Get<std::string>("attempts"))) {
      f.attempts.push_back({.kind = a.value("kind", 0),
                            .try_number = a.at("try").get<int>(),
                            .failure_type = JsonText(a, "type"),
                            .reason = JsonText(a, "reason"),
                            .message_id = JsonText(a, "message_id"),
                            .tried_at = absl::FromUnixMicros(a.at("at_us").get<int64_t>()),
                            .next_try_at = JsonMicros(a, "next_us")});
    }
  }
  return f;
}

}  // namespace mc::execution
