// ReportGrpcService: the messagecenter.control.v1.ReportService handlers: filters from proto,
// queries from ReportRepository, rates and per-hour figures computed here. Thread-safe.
#pragma once

#include "common/grpc/gated_service.h"
#include "control-service/reports/report_repository.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::control {

class ReportGrpcService final
    : public grpcutil::GatedService<messagecenter::control::v1::ReportService> {
 public:
  ReportGrpcService(ReportRepository& reports, grpcutil::CallGate& gate);

  using Ctx = grpc::ServerContext;
  using Filter = messagecenter::control::v1::ReportFilter;
  grpc::Status ServiceLevel(Ctx* ctx, const Filter* req,
                            messagecenter::control::v1::ServiceLevelResponse* resp) override;
  grpc::Status ProcessingTime(Ctx* ctx, const Filter* req,
                              messagecenter::control::v1::ProcessingTimeResponse* resp) override;
  grpc::Status History(Ctx* ctx, const messagecenter::control::v1::HistoryRequest* req,
                       messagecenter::control::v1::HistoryResponse* resp) override;
  grpc::Status StatusCounts(Ctx* ctx, const Filter* req,
                            messagecenter::control::v1::StatusCountsResponse* resp) override;

 private:
  ReportRepository& reports_;
};

}  // namespace mc::control
