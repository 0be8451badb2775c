// EventIngestion: the execution instance's event API as plain logic (no transport).
//
// Push: validate each event (see event_validator.h), then store the valid ones through the
// GroupCommitter; a call returns once its events are durable. PushMany gives one result per
// event: an invalid event is rejected alone and never fails the others. Reads go straight to
// the repository.
// Failure modes: INVALID_ARGUMENT (field named first in the message) for a bad event, an empty
// or oversized PushMany, or a bad page size; UNAVAILABLE when PostgreSQL is unreachable (nothing
// of the call stored); NOT_FOUND from Get*; INVALID_ARGUMENT naming the field for a List filter
// over its length (ValidateEventFilter).
// Cancel / CancelByExternalId: a Pending event (scheduled or not) becomes Cancelled, and the
// event is returned with its story; NOT_FOUND when there is no such event; FAILED_PRECONDITION
// (CancelRefusal) when it is Pending delivery or final; UNAVAILABLE "outcome unknown" when the
// connection was lost during the commit (read the event to know). Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/events/event_repository.h"
#include "execution-service/events/event_validator.h"
#include "execution-service/events/group_committer.h"

namespace mc::execution {

// FAILED_PRECONDITION "event <id> is <status label>: only a Pending event can be cancelled".
[[nodiscard]] absl::Status CancelRefusal(const StoredEvent& event);

struct PushResult {
  absl::Status status;    // OK, or why this event was refused
  InsertOutcome outcome;  // when OK
};

class EventIngestion {
 public:
  EventIngestion(GroupCommitter& committer, EventRepository& repository, IngestLimits limits);

  using PushOneDone = std::function<void(absl::StatusOr<InsertOutcome>)>;
  using PushManyDone = std::function<void(absl::StatusOr<std::vector<PushResult>>)>;

  // The callbacks run exactly once, inline for refusals, else on a commit writer thread.
  void PushOneAsync(Queue queue, NewEvent event, PushOneDone done);
  // `events` may carry per-event errors found while decoding them; they are reported as is.
  void PushManyAsync(Queue queue, std::vector<absl::StatusOr<NewEvent>> events, PushManyDone done);

  // Blocking forms of the above.
  [[nodiscard]] absl::StatusOr<InsertOutcome> PushOne(Queue queue, NewEvent event);
  [[nodiscard]] absl::StatusOr<std::vector<PushResult>> PushMany(
      Queue queue, std::vector<absl::StatusOr<NewEvent>> events);
  // The event with its story (event_story.h).
  [[nodiscard]] absl::StatusOr<EventWithStory> Get(int64_t id);
  [[nodiscard]] absl::StatusOr<EventWithStory> GetByExternalId(Queue queue,
                                                               const std::string& external_id);
  [[nodiscard]] absl::StatusOr<EventPage> List(EventFilter filter);
  [[nodiscard]] absl::StatusOr<EventWithStory> Cancel(int64_t id);
  [[nodiscard]] absl::StatusOr<EventWithStory> CancelByExternalId(Queue queue,
                                                                  const std::string& external_id);

  const IngestLimits& limits() const { return limits_; }

 private:
  GroupCommitter& committer_;
  EventRepository& repository_;
  const IngestLimits limits_;
};

}  // namespace mc::execution
