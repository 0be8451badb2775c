#include "execution-service/events/event_ingestion.h"

#include <future>
#include <memory>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

// A cancel that found the event Pending without changing it can only have raced its
// insertion's commit: tried again this many times in all.
constexpr int kCancelTries = 3;

}  // namespace

absl::Status CancelRefusal(const StoredEvent& event) {
  return absl::FailedPreconditionError(absl::StrCat("event ", event.id, " is ",
                                                    StatusLabel(event.status),
                                                    ": only a Pending event can be cancelled"));
}

EventIngestion::EventIngestion(GroupCommitter& committer, EventRepository& repository,
                               IngestLimits limits)
    : committer_(committer), repository_(repository), limits_(limits) {}

void EventIngestion::PushOneAsync(Queue queue, NewEvent event, PushOneDone done) {
  if (absl::Status s = ValidateEvent(event, limits_); !s.ok()) {
    done(s);
    return;
  }
  std::vector<NewEvent> one;
  one.push_back(std::move(event));
  committer_.SubmitAsync(queue, std::move(one),
                         [done = std::move(done)](absl::StatusOr<std::vector<InsertOutcome>> r) {
                           if (!r.ok()) return done(r.status());
                           done(r->front());
                         });
}

void EventIngestion::PushManyAsync(Queue queue, std::vector<absl::StatusOr<NewEvent>> events,
                                   PushManyDone done) {
  if (events.empty()) {
    return done(absl::InvalidArgumentError("events: at least one event is required"));
  }
  if (static_cast<int>(events.size()) > limits_.max_events_per_call) {
    return done(absl::InvalidArgumentError(absl::StrCat("events: ", events.size(),
                                                        " events exceed the limit of ",
                                                        limits_.max_events_per_call, " per call")));
  }
  auto results = std::make_shared<std::vector<PushResult>>(events.size());
  auto valid_index = std::make_shared<std::vector<size_t>>();
  std::vector<NewEvent> valid;
  valid.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].ok()) {
      (*results)[i].status = events[i].status();
      continue;
    }
    if (absl::Status s = ValidateEvent(*events[i], limits_); !s.ok()) {
      (*results)[i].status = s;
      continue;
    }
    valid.push_back(std::move(*events[i]));
    valid_index->push_back(i);
  }
  committer_.SubmitAsync(queue, std::move(valid),
                         [results, valid_index, done = std::move(done)](
                             absl::StatusOr<std::vector<InsertOutcome>> stored) {
                           if (!stored.ok()) return done(stored.status());
                           for (size_t k = 0; k < valid_index->size(); ++k) {
                             (*results)[(*valid_index)[k]].outcome = (*stored)[k];
                           }
                           done(std::move(*results));
                         });
}

absl::StatusOr<InsertOutcome> EventIngestion::PushOne(Queue queue, NewEvent event) {
  std::promise<absl::StatusOr<InsertOutcome>> promise;
  auto result = promise.get_future();
  PushOneAsync(queue, std::move(event),
               [&promise](absl::StatusOr<InsertOutcome> r) { promise.set_value(std::move(r)); });
  return result.get();
}

absl::StatusOr<std::vector<PushResult>> EventIngestion::PushMany(
    Queue queue, std::vector<absl::StatusOr<NewEvent>> events) {
  std::promise<absl::StatusOr<std::vector<PushResult>>> promise;
  auto result = promise.get_future();
  PushManyAsync(queue, std::move(events), [&promise](absl::StatusOr<std::vector<PushResult>> r) {
    promise.set_value(std::move(r));
  });
  return result.get();
}

absl::StatusOr<EventWithStory> EventIngestion::Get(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id: must be positive");
  return repository_.GetStory(id);
}

absl::StatusOr<EventWithStory> EventIngestion::GetByExternalId(Queue queue,
                                                               const std::string& external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: required");
  return repository_.GetStoryByExternalId(queue, external_id);
}

absl::StatusOr<EventPage> EventIngestion::List(EventFilter filter) {
  if (filter.page_size == 0) filter.page_size = 100;
  if (filter.page_size < 0 || filter.page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", filter.page_size, " is outside 1..1000"));
  }
  if (absl::Status s = ValidateEventFilter(filter); !s.ok()) return s;
  if (filter.created_after && filter.created_before &&
      *filter.created_before <= *filter.created_after) {
    return absl::InvalidArgumentError("created_before: must be after created_after");
  }
  return repository_.List(filter);
}

absl::StatusOr<EventWithStory> EventIngestion::Cancel(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id: must be positive");
  for (int i = 0; i < kCancelTries; ++i) {
    absl::StatusOr<CancelOutcome> outcome = repository_.Cancel(id);
    if (!outcome.ok()) return outcome.status();
    if (outcome->cancelled) return repository_.GetStory(id);
    if (!outcome->found) return absl::NotFoundError(absl::StrCat("no event with id ", id));
    if (outcome->found->status != EventStatus::kPending) return CancelRefusal(*outcome->found);
  }
  return absl::AbortedError(absl::StrCat("event ", id, " could not be cancelled: retry"));
}

absl::StatusOr<EventWithStory> EventIngestion::CancelByExternalId(Queue queue,
                                                                  const std::string& external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: required");
  for (int i = 0; i < kCancelTries; ++i) {
    absl::StatusOr<CancelOutcome> outcome = repository_.CancelByExternalId(queue, external_id);
    if (!outcome.ok()) return outcome.status();
    if (outcome->cancelled) return repository_.GetStory(outcome->cancelled->id);
    if (!outcome->found) {
      return absl::NotFoundError(absl::StrCat("no event with external id '", external_id,
                                              "' in the ", QueueName(queue), " queue"));
    }
    if (outcome->found->status != EventStatus::kPending) return CancelRefusal(*outcome->found);
  }
  return absl::AbortedError(
      absl::StrCat("event '", external_id, "' could not be cancelled: retry"));
}

}  // namespace mc::execution
