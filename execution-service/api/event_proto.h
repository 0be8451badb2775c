// Conversions between messagecenter.v1 protos and the execution domain types.
// Pure functions, thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "execution-service/events/event.h"
#include "execution-service/events/event_story.h"
#include "messagecenter/v1/events.pb.h"

namespace mc::execution {

// Timestamps: nullopt when `has` is false; INVALID_ARGUMENT "<field>: timestamp out of range".
[[nodiscard]] absl::StatusOr<std::optional<absl::Time>> TimeFromProto(
    const char* field, bool has, const google::protobuf::Timestamp& ts);
void TimeToProto(absl::Time t, google::protobuf::Timestamp* ts);

// INVALID_ARGUMENT "queue: ..." for QUEUE_UNSPECIFIED or an unknown value.
[[nodiscard]] absl::StatusOr<Queue> QueueFromProto(int queue);
messagecenter::v1::Queue QueueToProto(Queue q);

// Fails (INVALID_ARGUMENT "ctx: ..." / "scheduled: ...") when ctx cannot be written as JSON
// (NaN or infinite numbers, see struct_json.h) or a timestamp is out of range. Performs no other
// validation.
[[nodiscard]] absl::StatusOr<NewEvent> EventFromProto(const messagecenter::v1::Event& proto);
void EventToProto(const NewEvent& event, messagecenter::v1::Event* proto);
void StoredEventToProto(const StoredEvent& event, messagecenter::v1::StoredEvent* proto);
// Unset times stay unset; the timeline keeps its order.
void EventStoryToProto(const EventStory& story, messagecenter::v1::EventStory* proto);
// The event with its story (GetEvent).
void EventWithStoryToProto(const EventWithStory& event, messagecenter::v1::StoredEvent* proto);

}  // namespace mc::execution
