// EventGrpcService: the messagecenter.v1.EventService handlers. The call gate has checked the
// caller's token and role and parsed the request (gated_service.h); each handler converts the
// request to domain types, calls EventIngestion and converts the result back; statuses become
// gRPC statuses in common/status only.
// PushEvent and PushEvents are asynchronous: the call is finished from the commit writer's
// callback, so no thread blocks while a call waits for its group commit. GetEvent and
// ListEvents are plain synchronous handlers: GetEvent returns the event with its story (one
// read, events/event_story.h); ListEvents checks its filter (ValidateEventFilter) before its
// page token, whose codec is PageTokenCodec. CancelEvent is synchronous too: EventIngestion
// cancels (by id or external key, as GetEvent finds an event) and returns the event's story.
// Events stored (not duplicates) are counted in mc_events_received_total, events cancelled in
// mc_events_finished_total{status="cancelled"}. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "common/log/logger.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/events/page_token.h"
#include "execution-service/metrics/execution_metrics.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::execution {

class EventGrpcService final : public grpcutil::GatedService<messagecenter::v1::EventService> {
 public:
  EventGrpcService(EventIngestion& ingestion, grpcutil::CallGate& gate, ExecutionMetrics& metrics,
                   log::Logger& logger, const PageTokenCodec& page_tokens);

  void PushEvent(grpc::CallbackServerContext* context,
                 const messagecenter::v1::PushEventRequest& request,
                 messagecenter::v1::PushEventResponse* response, grpcutil::Done done);
  void PushEvents(grpc::CallbackServerContext* context,
                  const messagecenter::v1::PushEventsRequest& request,
                  messagecenter::v1::PushEventsResponse* response, grpcutil::Done done);
  grpc::Status GetEvent(grpc::ServerContext* context,
                        const messagecenter::v1::GetEventRequest* request,
                        messagecenter::v1::StoredEvent* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context,
                          const messagecenter::v1::ListEventsRequest* request,
                          messagecenter::v1::ListEventsResponse* response) override;
  grpc::Status CancelEvent(grpc::ServerContext* context,
                           const messagecenter::v1::CancelEventRequest* request,
                           messagecenter::v1::StoredEvent* response) override;

 private:
  // Ends a push with `status`, logging failures that are not the caller's fault.
  void Finish(const grpcutil::Done& done, const absl::Status& status);

  EventIngestion& ingestion_;
  ExecutionMetrics& metrics_;
  log::Logger& logger_;
  const PageTokenCodec& page_tokens_;
};

}  // namespace mc::execution
