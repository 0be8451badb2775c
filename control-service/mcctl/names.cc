#include "control-service/mcctl/names.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/grpc/timestamps.h"

namespace mc::mcctl {
namespace {

namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

// Lower case, '_' and ' ' as '-'.
std::string Normalize(const std::string& word) {
  return absl::StrReplaceAll(absl::AsciiStrToLower(word), {{"_", "-"}, {" ", "-"}});
}

template <typename T>
absl::StatusOr<T> Lookup(const std::map<std::string, T>& words, const std::string& word,
                         const std::string& what, const std::string& accepted) {
  auto it = words.find(Normalize(word));
  if (it != words.end()) return it->second;
  return absl::InvalidArgumentError(
      absl::StrCat("'", word, "' is not a ", what, " (one of ", accepted, ")"));
}

}  // namespace

absl::StatusOr<v1::Channel> ParseChannel(const std::string& word) {
  static const std::map<std::string, v1::Channel> kWords = {
      {"email", v1::CHANNEL_EMAIL},     {"sms", v1::CHANNEL_SMS},   {"ios", v1::CHANNEL_IOS},
      {"android", v1::CHANNEL_ANDROID}, {"0", v1::CHANNEL_EMAIL},   {"1", v1::CHANNEL_SMS},
      {"41", v1::CHANNEL_IOS},          {"42", v1::CHANNEL_ANDROID}};
  return Lookup(kWords, word, "channel", "email, sms, ios, android");
}

absl::StatusOr<v1::Queue> ParseQueue(const std::string& word) {
  static const std::map<std::string, v1::Queue> kWords = {{"rt", v1::QUEUE_REAL_TIME},
                                                          {"real-time", v1::QUEUE_REAL_TIME},
                                                          {"realtime", v1::QUEUE_REAL_TIME},
                                                          {"batch", v1::QUEUE_BATCH}};
  return Lookup(kWords, word, "queue", "rt, batch");
}

absl::StatusOr<v1::EventStatus> ParseEventStatus(const std::string& word) {
  static const std::map<std::string, v1::EventStatus> kWords = {
      {"pending", v1::EVENT_STATUS_PENDING},
      {"pending-delivery", v1::EVENT_STATUS_PENDING_DELIVERY},
      {"sent", v1::EVENT_STATUS_SENT},
      {"ignored", v1::EVENT_STATUS_IGNORED_BY_DELIVERY},
      {"failed", v1::EVENT_STATUS_DELIVERY_FAILED},
      {"delivery-failed", v1::EVENT_STATUS_DELIVERY_FAILED},
      {"not-taken", v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT},
      {"not-taken-into-account", v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT},
      {"expired", v1::EVENT_STATUS_EXPIRED},
      {"cancelled", v1::EVENT_STATUS_CANCELLED}};
  int number = 0;
  if (absl::SimpleAtoi(word, &number) && v1::EventStatus_IsValid(number)) {
    return static_cast<v1::EventStatus>(number);
  }
  return Lookup(kWords, word, "status",
                "pending, pending-delivery, sent, ignored, failed, not-taken, expired, cancelled, "
                "or 0 to 7");
}

absl::StatusOr<pb::Granularity> ParseGranularity(const std::string& word) {
  static const std::map<std::string, pb::Granularity> kWords = {{"hour", pb::GRANULARITY_HOUR},
                                                                {"day", pb::GRANULARITY_DAY}};
  return Lookup(kWords, word, "granularity", "hour, day");
}

absl::StatusOr<absl::Time> ParseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is not an RFC 3339 time (like 2024-05-01T12:00:00Z)"));
}

std::string ChannelName(int channel) {
  switch (channel) {
    case v1::CHANNEL_EMAIL:
      return "email";
    case v1::CHANNEL_SMS:
      return "sms";
    case v1::CHANNEL_IOS:
      return "ios";
    case v1::CHANNEL_ANDROID:
      return "android";
  }
  return absl::StrCat("channel ", channel);
}

std::string QueueName(int queue) {
  switch (queue) {
    case v1::QUEUE_REAL_TIME:
      return "rt";
    case v1::QUEUE_BATCH:
      return "batch";
  }
  return "-";
}

std::string EventStatusName(int status) {
  switch (status) {
    case v1::EVENT_STATUS_PENDING:
      return "Pending";
    case v1::EVENT_STATUS_PENDING_DELIVERY:
      return "Pending delivery";
    case v1::EVENT_STATUS_SENT:
      return "Sent";
    case v1::EVENT_STATUS_IGNORED_BY_DELIVERY:
      return "Ignored by the delivery";
    case v1::EVENT_STATUS_DELIVERY_FAILED:
      return "Delivery failed";
    case v1::EVENT_STATUS_NOT_TAKEN_INTO_ACCOUNT:
      return "Event not taken into account";
    case v1::EVENT_STATUS_EXPIRED:
      return "Expired";
    case v1::EVENT_STATUS_CANCELLED:
      return "Cancelled";
  }
  return absl::StrCat("status ", status);
}

bool IsFinalStatus(int status) { return status >= v1::EVENT_STATUS_SENT; }

std::string WorkflowStateName(v1::WorkflowState state) {
  switch (state) {
    case v1::WORKFLOW_STATE_STARTED:
      return "started";
    case v1::WORKFLOW_STATE_PAUSED:
      return "paused";
    case v1::WORKFLOW_STATE_STOPPED:
      return "stopped";
    default:
      return "-";
  }
}

std::string ArchivingStateName(pb::ArchivingState state) {
  switch (state) {
    case pb::ARCHIVING_STATE_STARTED:
      return "started";
    case pb::ARCHIVING_STATE_PAUSED:
      return "paused";
    case pb::ARCHIVING_STATE_STOPPED:
      return "stopped";
    default:
      return "-";
  }
}

std::string TemplateStatusName(pb::TemplateStatus status) {
  return status == pb::TEMPLATE_STATUS_PUBLISHED ? "published" : "editing";
}

std::string FormatTimestamp(const google::protobuf::Timestamp& ts) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", grpcutil::FromTimestamp(ts), absl::UTCTimeZone());
}

std::string FormatSeconds(double seconds) { return absl::StrFormat("%.3f", seconds); }

std::string FormatRate(double fraction) { return absl::StrFormat("%.1f%%", fraction * 100.0); }

std::string FormatDecimal(double value) { return absl::StrFormat("%.2f", value); }

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace mc::mcctl
