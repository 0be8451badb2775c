// The words mcctl reads and prints for the API's enums and times: channels (email, sms, ios,
// android), queues (rt, batch), event statuses (README's names; also sent, failed, ...),
// workflow states, template statuses; RFC 3339 times.
//
// Failure modes: the Parse functions return INVALID_ARGUMENT listing the accepted words.
// Pure, thread-safe.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "messagecenter/control/v1/control.pb.h"
#include "messagecenter/v1/events.pb.h"
#include "messagecenter/v1/workflows.pb.h"

namespace mc::mcctl {

[[nodiscard]] absl::StatusOr<messagecenter::v1::Channel> ParseChannel(const std::string& word);
[[nodiscard]] absl::StatusOr<messagecenter::v1::Queue> ParseQueue(const std::string& word);
[[nodiscard]] absl::StatusOr<messagecenter::v1::EventStatus> ParseEventStatus(
    const std::string& word);
[[nodiscard]] absl::StatusOr<messagecenter::control::v1::Granularity> ParseGranularity(
    const std::string& word);
// RFC 3339, e.g. 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00.
[[nodiscard]] absl::StatusOr<absl::Time> ParseTime(const std::string& text);

std::string ChannelName(int channel);
std::string QueueName(int queue);
std::string EventStatusName(int status);
bool IsFinalStatus(int status);
std::string WorkflowStateName(messagecenter::v1::WorkflowState state);
std::string ArchivingStateName(messagecenter::control::v1::ArchivingState state);
std::string TemplateStatusName(messagecenter::control::v1::TemplateStatus status);

// UTC, to the second ("2024-05-01T12:00:03Z"); "-" for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& ts);
// Seconds with milliseconds ("1.250").
std::string FormatSeconds(double seconds);
// A fraction as a percentage ("12.5%").
std::string FormatRate(double fraction);
// Two decimals ("3.75").
std::string FormatDecimal(double value);
std::string YesNo(bool value);

}  // namespace mc::mcctl
