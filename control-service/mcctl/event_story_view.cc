#include "control-service/mcctl/event_story_view.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"

namespace mc::mcctl {
namespace {

namespace v1 = messagecenter::v1;

// UTC to the millisecond: a story's steps are often less than a second apart.
std::string Millis(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  const absl::Time t = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string Failure(v1::FailureType type, const std::string& reason) {
  const std::string kind = type == v1::FAILURE_TYPE_HARD   ? "hard"
                           : type == v1::FAILURE_TYPE_SOFT ? "soft"
                                                           : "";
  if (kind.empty()) return reason;
  if (reason.empty()) return kind;
  return absl::StrCat(kind, ": ", reason);
}

std::string CtxJson(const v1::Event& e) {
  if (!e.has_ctx()) return "-";
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(e.ctx(), &json);
  return json;
}

}  // namespace

std::string ChannelAddressOf(const v1::Event& e) {
  switch (e.wished_channel()) {
    case v1::CHANNEL_SMS:
      return e.mobile_phone();
    case v1::CHANNEL_IOS:
    case v1::CHANNEL_ANDROID:
      return e.device_token();
    default:
      return e.email();
  }
}

std::string TimelineStepName(v1::TimelineStep step) {
  switch (step) {
    case v1::TIMELINE_STEP_RECEIVED:
      return "received";
    case v1::TIMELINE_STEP_TAKEN_UP:
      return "taken up";
    case v1::TIMELINE_STEP_RETRIED:
      return "retried";
    case v1::TIMELINE_STEP_DELIVERY_OUTCOME:
      return "delivery outcome";
    case v1::TIMELINE_STEP_FINAL:
      return "final";
    case v1::TIMELINE_STEP_BOUNCED:
      return "bounced";
    case v1::TIMELINE_STEP_COMPLAINED:
      return "complained";
    default:
      return absl::StrCat("step ", static_cast<int>(step));
  }
}

void PrintEvent(const v1::StoredEvent& resp, std::ostream& out) {
  const v1::Event& e = resp.event();
  const v1::EventStory& s = resp.story();
  FieldList fields;
  fields.Add("id", absl::StrCat(resp.id()))
      .Add("queue", QueueName(resp.queue()))
      .Add("status", EventStatusName(resp.status()))
      .Add("type", e.type())
      .Add("template", s.template_name().empty()
                           ? "-"
                           : absl::StrCat(s.template_name(), "@", s.template_version()))
      .Add("channel", ChannelName(e.wished_channel()))
      .Add("address", ChannelAddressOf(e))
      .Add("message-id", OrDash(s.message_id()))
      .Add("tries", absl::StrCat(s.tries()))
      .Add("next try", s.has_next_try() ? Millis(s.next_try()) : "-")
      .Add("last failure", OrDash(Failure(s.last_failure_type(), s.last_failure_reason())));
  if (!e.external_id().empty()) fields.Add("external id", e.external_id());
  if (!e.origin().empty()) fields.Add("origin", e.origin());
  if (!e.language().empty()) fields.Add("language", e.language());
  if (!e.country().empty()) fields.Add("country", e.country());
  if (e.has_scheduled()) fields.Add("scheduled", FormatTimestamp(e.scheduled()));
  if (e.has_expiration()) fields.Add("expiration", FormatTimestamp(e.expiration()));
  fields.Add("created", FormatTimestamp(resp.created()))
      .Add("updated", FormatTimestamp(resp.updated()))
      .Add("ctx", CtxJson(e))
      .Print(out);
  if (s.timeline_size() == 0) return;
  out << "\n";
  Table t({{"TIME"}, {"STEP"}, {"STATUS"}, {"TRY", Table::Align::kRight}, {"REASON"}});
  for (const v1::TimelineEntry& entry : s.timeline()) {
    std::string reason = Failure(entry.failure_type(), entry.reason());
    if (entry.has_next_try()) {
      absl::StrAppend(&reason, reason.empty() ? "" : "; ", "next try ", Millis(entry.next_try()));
    }
    t.AddRow({Millis(entry.at()), TimelineStepName(entry.step()), EventStatusName(entry.status()),
              entry.try_number() > 0 ? absl::StrCat(entry.try_number()) : "", reason});
  }
  t.Print(out);
}

}  // namespace mc::mcctl
