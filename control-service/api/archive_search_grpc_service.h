// ArchiveSearchGrpcService: the messagecenter.control.v1.ArchiveService handlers (SearchEvents,
// GetArchivedEvent): requests from proto, the search in ArchiveSearch, stories to proto.
// Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/archive_search/archive_search.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class ArchiveSearchGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::ArchiveService> {
 public:
  ArchiveSearchGrpcService(const ArchiveSearch& search, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  grpc::Status SearchEvents(Ctx* ctx, const messagecenter::control::v1::SearchEventsRequest* req,
                            messagecenter::control::v1::SearchEventsResponse* resp) override;
  grpc::Status GetArchivedEvent(Ctx* ctx,
                                const messagecenter::control::v1::GetArchivedEventRequest* req,
                                messagecenter::control::v1::ArchivedEventStory* resp) override;

 private:
  const ArchiveSearch& search_;
};

}  // namespace mc::control
