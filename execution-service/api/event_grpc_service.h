// EventGrpcService: the messagecenter.v1.EventService handlers. Each one checks the caller's
// bearer token, converts the request to domain types, calls EventIngestion and converts the
// result back; statuses become gRPC statuses in common/status only.
// PushEvent and PushEvents use gRPC's callback API: the call is finished from the commit
// writer's callback, so no thread blocks while a call waits for its group commit. GetEvent and
// ListEvents are plain synchronous handlers. Events stored (not duplicates) are counted in
// mc_events_received_total. Thread-safe.
#pragma once

#include "common/grpc/bearer_auth.h"
#include "common/log/logger.h"
#include "execution-service/events/event_ingestion.h"
#include "execution-service/metrics/execution_metrics.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::execution {

using EventServiceBase = messagecenter::v1::EventService::WithCallbackMethod_PushEvent<
    messagecenter::v1::EventService::WithCallbackMethod_PushEvents<
        messagecenter::v1::EventService::Service>>;

class EventGrpcService final : public EventServiceBase {
 public:
  EventGrpcService(EventIngestion& ingestion, const grpcutil::BearerAuth& auth,
                   ExecutionMetrics& metrics, log::Logger& logger);

  grpc::ServerUnaryReactor* PushEvent(grpc::CallbackServerContext* context,
                                      const messagecenter::v1::PushEventRequest* request,
                                      messagecenter::v1::PushEventResponse* response) override;
  grpc::ServerUnaryReactor* PushEvents(grpc::CallbackServerContext* context,
                                       const messagecenter::v1::PushEventsRequest* request,
                                       messagecenter::v1::PushEventsResponse* response) override;
  grpc::Status GetEvent(grpc::ServerContext* context,
                        const messagecenter::v1::GetEventRequest* request,
                        messagecenter::v1::StoredEvent* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context,
                          const messagecenter::v1::ListEventsRequest* request,
                          messagecenter::v1::ListEventsResponse* response) override;

 private:
  // The caller's token, then the queue named by the request.
  absl::StatusOr<Queue> AdmitPush(const grpc::ServerContextBase& context, int queue) const;
  // Finishes the reactor with `status`, logging failures that are not the caller's fault.
  void Finish(grpc::ServerUnaryReactor* reactor, const absl::Status& status);

  EventIngestion& ingestion_;
  const grpcutil::BearerAuth& auth_;
  ExecutionMetrics& metrics_;
  log::Logger& logger_;
};

}  // namespace mc::execution
