// InstanceGrpcService: the messagecenter.v1.InstanceService handlers of the execution instance
// (identity, archive export, quarantine export, purge), for the control instance. Behind the call
// gate (token, role from api/method_roles.cc, parsing), each converts proto <-> domain and calls
// the logic; statuses are converted in common/status only. Synchronous handlers: the two exports
// are server streams written page by page (each page read from PostgreSQL just before it is
// written; no connection is held while the client reads). A cancelled call or a client gone stops
// the export between pages. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "common/log/logger.h"
#include "execution-service/archive/archive_export.h"
#include "execution-service/archive/archive_purge.h"
#include "execution-service/archive/instance_identity.h"
#include "messagecenter/v1/instance.grpc.pb.h"

namespace mc::execution {

class InstanceGrpcService final
    : public grpcutil::GatedService<messagecenter::v1::InstanceService> {
 public:
  InstanceGrpcService(InstanceIdentity& identity, ArchiveExport& exporter, ArchivePurge& purge,
                      grpcutil::CallGate& gate, log::Logger& logger);

  grpc::Status GetInstanceInfo(grpc::ServerContext* context,
                               const messagecenter::v1::GetInstanceInfoRequest* request,
                               messagecenter::v1::InstanceInfo* response) override;
  grpc::Status InitializeInstance(grpc::ServerContext* context,
                                  const messagecenter::v1::InitializeInstanceRequest* request,
                                  messagecenter::v1::InstanceInfo* response) override;
  grpc::Status ExportArchive(
      grpc::ServerContext* context, const messagecenter::v1::ExportArchiveRequest* request,
      grpc::ServerWriterInterface<messagecenter::v1::ExportArchivePage>* writer);
  grpc::Status ExportQuarantine(
      grpc::ServerContext* context, const messagecenter::v1::ExportQuarantineRequest* request,
      grpc::ServerWriterInterface<messagecenter::v1::ExportQuarantinePage>* writer);
  grpc::Status Purge(grpc::ServerContext* context, const messagecenter::v1::PurgeRequest* request,
                     messagecenter::v1::PurgeResponse* response) override;

 private:
  // Converts `status`, logging failures that are not the caller's doing.
  grpc::Status Finish(const char* rpc, const absl::Status& status);

  InstanceIdentity& identity_;
  ArchiveExport& exporter_;
  ArchivePurge& purge_;
  log::Logger& logger_;
};

}  // namespace mc::execution
