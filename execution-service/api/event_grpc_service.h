// EventGrpcService: the messagecenter.v1.EventService handlers. Each one checks the caller's
// bearer token, converts the request to domain types, calls EventIngestion and converts the
// result back; statuses become gRPC statuses in common/status only. Thread-safe.
#pragma once

#include "common/grpc/bearer_auth.h"
#include "common/log/logger.h"
#include "execution-service/events/event_ingestion.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::execution {

class EventGrpcService final : public messagecenter::v1::EventService::Service {
 public:
  EventGrpcService(EventIngestion& ingestion, const grpcutil::BearerAuth& auth,
                   log::Logger& logger);

  grpc::Status PushEvent(grpc::ServerContext* context,
                         const messagecenter::v1::PushEventRequest* request,
                         messagecenter::v1::PushEventResponse* response) override;
  grpc::Status PushEvents(grpc::ServerContext* context,
                          const messagecenter::v1::PushEventsRequest* request,
                          messagecenter::v1::PushEventsResponse* response) override;
  grpc::Status GetEvent(grpc::ServerContext* context,
                        const messagecenter::v1::GetEventRequest* request,
                        messagecenter::v1::StoredEvent* response) override;
  grpc::Status ListEvents(grpc::ServerContext* context,
                          const messagecenter::v1::ListEventsRequest* request,
                          messagecenter::v1::ListEventsResponse* response) override;

 private:
  EventIngestion& ingestion_;
  const grpcutil::BearerAuth& auth_;
  log::Logger& logger_;
};

}  // namespace mc::execution
