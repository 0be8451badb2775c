// InstanceGrpcService: the messagecenter.v1.InstanceService handlers of the execution instance
// (identity, archive export, quarantine export, purge), for the control instance. Each checks the
// bearer token, converts proto <-> domain and calls the logic; statuses are converted in
// common/status only. Synchronous handlers: the two exports are server streams written page by
// page (each page read from PostgreSQL just before it is written; no connection is held while
// the client reads). A cancelled call or a client gone stops the export between pages.
// Thread-safe.
#pragma once

#include "common/grpc/bearer_auth.h"
#include "common/log/logger.h"
#include "execution-service/archive/archive_export.h"
#include "execution-service/archive/archive_purge.h"
#include "execution-service/archive/instance_identity.h"
#include "messagecenter/v1/instance.grpc.pb.h"

namespace mc::execution {

class InstanceGrpcService final : public messagecenter::v1::InstanceService::Service {
 public:
  InstanceGrpcService(InstanceIdentity& identity, ArchiveExport& exporter, ArchivePurge& purge,
                      const grpcutil::BearerAuth& auth, log::Logger& logger)
      : identity_(identity), exporter_(exporter), purge_(purge), auth_(auth), logger_(logger) {}

  grpc::Status GetInstanceInfo(grpc::ServerContext* context,
                               const messagecenter::v1::GetInstanceInfoRequest* request,
                               messagecenter::v1::InstanceInfo* response) override;
  grpc::Status InitializeInstance(grpc::ServerContext* context,
                                  const messagecenter::v1::InitializeInstanceRequest* request,
                                  messagecenter::v1::InstanceInfo* response) override;
  grpc::Status ExportArchive(
      grpc::ServerContext* context, const messagecenter::v1::ExportArchiveRequest* request,
      grpc::ServerWriter<messagecenter::v1::ExportArchivePage>* writer) override;
  grpc::Status ExportQuarantine(
      grpc::ServerContext* context, const messagecenter::v1::ExportQuarantineRequest* request,
      grpc::ServerWriter<messagecenter::v1::ExportQuarantinePage>* writer) override;
  grpc::Status Purge(grpc::ServerContext* context, const messagecenter::v1::PurgeRequest* request,
                     messagecenter::v1::PurgeResponse* response) override;

 private:
  // Converts `status`, logging failures that are not the caller's doing.
  grpc::Status Finish(const char* rpc, const absl::Status& status);

  InstanceIdentity& identity_;
  ArchiveExport& exporter_;
  ArchivePurge& purge_;
  const grpcutil::BearerAuth& auth_;
  log::Logger& logger_;
};

}  // namespace mc::execution
