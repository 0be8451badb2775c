#include "execution-service/api/instance_grpc_service.h"

#include "common/status/grpc_status.h"
#include "execution-service/api/archive_proto.h"

namespace mc::execution {
namespace v1 = messagecenter::v1;
using status::ToGrpc;

InstanceGrpcService::InstanceGrpcService(InstanceIdentity& identity, ArchiveExport& exporter,
                                         ArchivePurge& purge, grpcutil::CallGate& gate,
                                         log::Logger& logger)
    : GatedService(gate), identity_(identity), exporter_(exporter), purge_(purge), logger_(logger) {
  ServeUnary("GetInstanceInfo", &InstanceGrpcService::GetInstanceInfo);
  ServeUnary("InitializeInstance", &InstanceGrpcService::InitializeInstance);
  ServeStream("ExportArchive", &InstanceGrpcService::ExportArchive);
  ServeStream("ExportQuarantine", &InstanceGrpcService::ExportQuarantine);
  ServeUnary("Purge", &InstanceGrpcService::Purge);
}

grpc::Status InstanceGrpcService::Finish(const char* rpc, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kUnauthenticated:
      break;
    default:
      logger_.Warn("instance call failed", {{"rpc", rpc},
                                            {"code", absl::StatusCodeToString(status.code())},
                                            {"error", status.message()}});
  }
  return ToGrpc(status);
}

grpc::Status InstanceGrpcService::GetInstanceInfo(grpc::ServerContext* context,
                                                  const v1::GetInstanceInfoRequest*,
                                                  v1::InstanceInfo* response) {
  absl::StatusOr<InstanceInfo> info = identity_.Info();
  if (!info.ok()) return Finish("GetInstanceInfo", info.status());
  InstanceInfoToProto(*info, response);
  return grpc::Status::OK;
}

grpc::Status InstanceGrpcService::InitializeInstance(grpc::ServerContext* context,
                                                     const v1::InitializeInstanceRequest* request,
                                                     v1::InstanceInfo* response) {
  absl::StatusOr<InstanceInfo> info =
      identity_.Initialize(request->instance_id(), request->force());
  if (!info.ok()) return Finish("InitializeInstance", info.status());
  InstanceInfoToProto(*info, response);
  return grpc::Status::OK;
}

grpc::Status InstanceGrpcService::ExportArchive(
    grpc::ServerContext* context, const v1::ExportArchiveRequest* request,
    grpc::ServerWriterInterface<v1::ExportArchivePage>* writer) {
  v1::ExportArchivePage proto;
  absl::Status s =
      exporter_.Export(ArchiveExportRequestFromProto(*request), [&](const ArchivePage& page) {
        if (context->IsCancelled()) return false;
        proto.Clear();
        ArchivePageToProto(page, &proto);
        return writer->Write(proto);
      });
  return Finish("ExportArchive", s);
}

grpc::Status InstanceGrpcService::ExportQuarantine(
    grpc::ServerContext* context, const v1::ExportQuarantineRequest* request,
    grpc::ServerWriterInterface<v1::ExportQuarantinePage>* writer) {
  v1::ExportQuarantinePage proto;
  absl::Status s =
      exporter_.ExportQuarantine(request->page_size(), [&](const QuarantinePage& page) {
        if (context->IsCancelled()) return false;
        proto.Clear();
        QuarantinePageToProto(page, &proto);
        return writer->Write(proto);
      });
  return Finish("ExportQuarantine", s);
}

grpc::Status InstanceGrpcService::Purge(grpc::ServerContext* context,
                                        const v1::PurgeRequest* request,
                                        v1::PurgeResponse* response) {
  std::optional<absl::Duration> retention;
  if (request->retention_seconds() != 0) retention = absl::Seconds(request->retention_seconds());
  absl::StatusOr<PurgeCounts> counts = purge_.Purge(retention);
  if (!counts.ok()) return Finish("Purge", counts.status());
  response->set_events_deleted(counts->events_deleted);
  response->set_delivery_logs_deleted(counts->delivery_logs_deleted);
  return grpc::Status::OK;
}

}  // namespace mc::execution
