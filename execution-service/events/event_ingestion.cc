#include "execution-service/events/event_ingestion.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {

EventIngestion::EventIngestion(GroupCommitter& committer, EventRepository& repository,
                               IngestLimits limits)
    : committer_(committer), repository_(repository), limits_(limits) {}

absl::StatusOr<InsertOutcome> EventIngestion::PushOne(Queue queue, NewEvent event) {
  if (absl::Status s = ValidateEvent(event, limits_); !s.ok()) return s;
  std::vector<NewEvent> one;
  one.push_back(std::move(event));
  absl::StatusOr<std::vector<InsertOutcome>> r = committer_.Submit(queue, std::move(one));
  if (!r.ok()) return r.status();
  return r->front();
}

absl::StatusOr<std::vector<PushResult>> EventIngestion::PushMany(
    Queue queue, std::vector<absl::StatusOr<NewEvent>> events) {
  if (events.empty()) return absl::InvalidArgumentError("events: at least one event is required");
  if (static_cast<int>(events.size()) > limits_.max_events_per_call) {
    return absl::InvalidArgumentError(absl::StrCat("events: ", events.size(),
                                                   " events exceed the limit of ",
                                                   limits_.max_events_per_call, " per call"));
  }
  std::vector<PushResult> results(events.size());
  std::vector<NewEvent> valid;
  std::vector<size_t> valid_index;
  valid.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    if (!events[i].ok()) {
      results[i].status = events[i].status();
      continue;
    }
    if (absl::Status s = ValidateEvent(*events[i], limits_); !s.ok()) {
      results[i].status = s;
      continue;
    }
    valid.push_back(std::move(*events[i]));
    valid_index.push_back(i);
  }
  if (!valid.empty()) {
    absl::StatusOr<std::vector<InsertOutcome>> stored = committer_.Submit(queue, std::move(valid));
    if (!stored.ok()) return stored.status();
    for (size_t k = 0; k < valid_index.size(); ++k) results[valid_index[k]].outcome = (*stored)[k];
  }
  return results;
}

absl::StatusOr<StoredEvent> EventIngestion::Get(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id: must be positive");
  return repository_.GetById(id);
}

absl::StatusOr<StoredEvent> EventIngestion::GetByExternalId(Queue queue,
                                                            const std::string& external_id) {
  if (external_id.empty()) return absl::InvalidArgumentError("external_id: required");
  return repository_.GetByExternalId(queue, external_id);
}

absl::StatusOr<EventPage> EventIngestion::List(EventFilter filter) {
  if (filter.page_size == 0) filter.page_size = 100;
  if (filter.page_size < 0 || filter.page_size > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: ", filter.page_size, " is outside 1..1000"));
  }
  if (filter.created_after && filter.created_before &&
      *filter.created_before <= *filter.created_after) {
    return absl::InvalidArgumentError("created_before: must be after created_after");
  }
  return repository_.List(filter);
}

}  // namespace mc::execution
