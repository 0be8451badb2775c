#include "execution-service/api/event_grpc_service.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "execution-service/api/event_proto.h"
#include "execution-service/events/event_validator.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

EventGrpcService::EventGrpcService(EventIngestion& ingestion, grpcutil::CallGate& gate,
                                   ExecutionMetrics& metrics, log::Logger& logger,
                                   const PageTokenCodec& page_tokens)
    : GatedService(gate),
      ingestion_(ingestion),
      metrics_(metrics),
      logger_(logger),
      page_tokens_(page_tokens) {
  ServeAsync("PushEvent", &EventGrpcService::PushEvent);
  ServeAsync("PushEvents", &EventGrpcService::PushEvents);
  ServeUnary("GetEvent", &EventGrpcService::GetEvent);
  ServeUnary("ListEvents", &EventGrpcService::ListEvents);
  ServeUnary("CancelEvent", &EventGrpcService::CancelEvent);
}

void EventGrpcService::Finish(const grpcutil::Done& done, const absl::Status& status) {
  if (!status.ok() && status.code() != absl::StatusCode::kInvalidArgument &&
      status.code() != absl::StatusCode::kUnauthenticated) {
    logger_.Warn("push failed",
                 {{"code", absl::StatusCodeToString(status.code())}, {"error", status.message()}});
  }
  done(status);
}

void EventGrpcService::PushEvent(grpc::CallbackServerContext*, const v1::PushEventRequest& request,
                                 v1::PushEventResponse* response, grpcutil::Done done) {
  absl::StatusOr<Queue> queue = QueueFromProto(request.queue());
  if (!queue.ok()) return Finish(done, queue.status());
  absl::StatusOr<NewEvent> event = EventFromProto(request.event());
  if (!event.ok()) return Finish(done, event.status());
  ingestion_.PushOneAsync(*queue, std::move(*event),
                          [this, done = std::move(done), response,
                           queue = *queue](absl::StatusOr<InsertOutcome> outcome) {
                            if (outcome.ok()) {
                              response->set_id(outcome->id);
                              response->set_duplicate(outcome->duplicate);
                              if (!outcome->duplicate) metrics_.EventsReceived(queue, 1);
                            }
                            Finish(done, outcome.status());
                          });
}

void EventGrpcService::PushEvents(grpc::CallbackServerContext*,
                                  const v1::PushEventsRequest& request,
                                  v1::PushEventsResponse* response, grpcutil::Done done) {
  absl::StatusOr<Queue> queue = QueueFromProto(request.queue());
  if (!queue.ok()) return Finish(done, queue.status());
  std::vector<absl::StatusOr<NewEvent>> events;
  events.reserve(request.events_size());
  for (const v1::Event& e : request.events()) events.push_back(EventFromProto(e));
  ingestion_.PushManyAsync(*queue, std::move(events),
                           [this, done = std::move(done), response,
                            queue = *queue](absl::StatusOr<std::vector<PushResult>> results) {
                             if (!results.ok()) return Finish(done, results.status());
                             int accepted = 0, stored = 0;
                             for (const PushResult& r : *results) {
                               v1::EventResult* out = response->add_results();
                               if (r.status.ok()) {
                                 ++accepted;
                                 stored += r.outcome.duplicate ? 0 : 1;
                                 out->set_id(r.outcome.id);
                                 out->set_duplicate(r.outcome.duplicate);
                               } else {
                                 v1::Rejection* rej = out->mutable_rejection();
                                 rej->set_code(static_cast<int>(r.status.code()));
                                 rej->set_field(std::string(FieldOf(r.status.message())));
                                 rej->set_message(std::string(r.status.message()));
                               }
                             }
                             metrics_.EventsReceived(queue, stored);
                             response->set_accepted(accepted);
                             response->set_rejected(static_cast<int>(results->size()) - accepted);
                             Finish(done, absl::OkStatus());
                           });
}

grpc::Status EventGrpcService::GetEvent(grpc::ServerContext* context,
                                        const v1::GetEventRequest* request,
                                        v1::StoredEvent* response) {
  absl::StatusOr<EventWithStory> event;
  switch (request->key_case()) {
    case v1::GetEventRequest::kId:
      event = ingestion_.Get(request->id());
      break;
    case v1::GetEventRequest::kExternal: {
      absl::StatusOr<Queue> queue = QueueFromProto(request->external().queue());
      if (!queue.ok()) return ToGrpc(queue.status());
      event = ingestion_.GetByExternalId(*queue, request->external().external_id());
      break;
    }
    default:
      return ToGrpc(absl::InvalidArgumentError("key: give an id or an external key"));
  }
  if (!event.ok()) return ToGrpc(event.status());
  EventWithStoryToProto(*event, response);
  return grpc::Status::OK;
}

grpc::Status EventGrpcService::ListEvents(grpc::ServerContext* context,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  EventFilter filter;
  if (request->queue() != v1::QUEUE_UNSPECIFIED) {
    absl::StatusOr<Queue> queue = QueueFromProto(request->queue());
    if (!queue.ok()) return ToGrpc(queue.status());
    filter.queue = *queue;
  }
  if (request->has_status()) {
    if (request->status() < 0 || request->status() >= kEventStatuses) {
      return ToGrpc(absl::InvalidArgumentError(
          absl::StrCat("status: unknown value ", static_cast<int>(request->status()))));
    }
    filter.status = static_cast<EventStatus>(request->status());
  }
  filter.type = request->type();
  absl::StatusOr<std::optional<absl::Time>> after =
      TimeFromProto("created_after", request->has_created_after(), request->created_after());
  absl::StatusOr<std::optional<absl::Time>> before =
      TimeFromProto("created_before", request->has_created_before(), request->created_before());
  if (!after.ok()) return ToGrpc(after.status());
  if (!before.ok()) return ToGrpc(before.status());
  filter.created_after = *after;
  filter.created_before = *before;
  filter.address = request->address();
  filter.external_id = request->external_id();
  filter.template_name = request->template_name();
  filter.page_size = request->page_size();
  // Before the token, which is checked against the filter: a bad filter is named as such.
  if (absl::Status s = ValidateEventFilter(filter); !s.ok()) return ToGrpc(s);
  absl::StatusOr<int64_t> before_id = page_tokens_.Decode(request->page_token(), filter);
  if (!before_id.ok()) return ToGrpc(before_id.status());
  filter.before_id = *before_id;
  absl::StatusOr<EventPage> page = ingestion_.List(filter);
  if (!page.ok()) return ToGrpc(page.status());
  for (const StoredEvent& e : page->events) StoredEventToProto(e, response->add_events());
  response->set_next_page_token(page_tokens_.Encode(page->next_before_id, filter));
  return grpc::Status::OK;
}

grpc::Status EventGrpcService::CancelEvent(grpc::ServerContext* context,
                                           const v1::CancelEventRequest* request,
                                           v1::StoredEvent* response) {
  absl::StatusOr<EventWithStory> event;
  switch (request->key_case()) {
    case v1::CancelEventRequest::kId:
      event = ingestion_.Cancel(request->id());
      break;
    case v1::CancelEventRequest::kExternal: {
      absl::StatusOr<Queue> queue = QueueFromProto(request->external().queue());
      if (!queue.ok()) return ToGrpc(queue.status());
      event = ingestion_.CancelByExternalId(*queue, request->external().external_id());
      break;
    }
    default:
      return ToGrpc(absl::InvalidArgumentError("key: give an id or an external key"));
  }
  if (!event.ok()) return ToGrpc(event.status());
  metrics_.EventsFinished(event->event.queue, EventStatus::kCancelled, 1);
  EventWithStoryToProto(*event, response);
  return grpc::Status::OK;
}

}  // namespace mc::execution
