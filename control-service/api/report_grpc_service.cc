#include "control-service/api/report_grpc_service.h"

#include "common/grpc/timestamps.h"
#include "common/status/grpc_status.h"
#include "control-service/api/control_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using status::ToGrpc;

ReportGrpcService::ReportGrpcService(ReportRepository& reports, grpcutil::CallGate& gate)
    : GatedService(gate), reports_(reports) {
  ServeUnary("ServiceLevel", &ReportGrpcService::ServiceLevel);
  ServeUnary("ProcessingTime", &ReportGrpcService::ProcessingTime);
  ServeUnary("History", &ReportGrpcService::History);
  ServeUnary("StatusCounts", &ReportGrpcService::StatusCounts);
}

namespace {

double Rate(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

grpc::Status ReportGrpcService::ServiceLevel(Ctx* ctx, const Filter* req,
                                             pb::ServiceLevelResponse* resp) {
  const ReportFilter f = FilterFromProto(*req);
  absl::StatusOr<std::vector<ServiceLevelRow>> rows = reports_.ServiceLevel(f);
  if (!rows.ok()) return ToGrpc(rows.status());
  const double hours = absl::ToDoubleHours(f.to - f.from);
  resp->set_period_hours(hours);
  for (const ServiceLevelRow& r : *rows) {
    pb::ServiceLevelRow* p = resp->add_rows();
    p->set_account(r.account);
    p->set_incoming_events(r.incoming);
    p->set_incoming_events_per_hour(r.incoming / hours);
    p->set_outgoing_messages(r.sent);
    p->set_outgoing_messages_per_hour(r.sent / hours);
    p->set_average_sending_seconds(r.average_sending_seconds);
    p->set_not_taken_into_account(r.not_taken_into_account);
    p->set_expired(r.expired);
    p->set_delivery_failed(r.delivery_failed);
    p->set_ignored(r.ignored);
    p->set_error_rate(
        Rate(r.not_taken_into_account + r.expired + r.delivery_failed + r.ignored, r.incoming));
    p->set_not_taken_into_account_rate(Rate(r.not_taken_into_account, r.incoming));
    p->set_expired_rate(Rate(r.expired, r.incoming));
    p->set_delivery_failed_rate(Rate(r.delivery_failed, r.incoming));
    p->set_ignored_rate(Rate(r.ignored, r.incoming));
    // Cancelled: not sent, and no error either (the caller withdrew it).
    p->set_cancelled(r.cancelled);
  }
  return grpc::Status::OK;
}

grpc::Status ReportGrpcService::ProcessingTime(Ctx* ctx, const Filter* req,
                                               pb::ProcessingTimeResponse* resp) {
  absl::StatusOr<std::vector<ProcessingTimeRow>> rows =
      reports_.ProcessingTime(FilterFromProto(*req));
  if (!rows.ok()) return ToGrpc(rows.status());
  for (const ProcessingTimeRow& r : *rows) {
    pb::ProcessingTimeRow* p = resp->add_rows();
    p->set_account(r.account);
    p->set_average_queuing_seconds(r.average_queuing_seconds);
    p->set_average_sending_seconds(r.average_sending_seconds);
    p->set_queue_min(r.queue_min);
    p->set_queue_avg(r.queue_avg);
    p->set_queue_max(r.queue_max);
  }
  return grpc::Status::OK;
}

grpc::Status ReportGrpcService::History(Ctx* ctx, const pb::HistoryRequest* req,
                                        pb::HistoryResponse* resp) {
  absl::StatusOr<std::vector<HistoryRow>> rows =
      reports_.History(FilterFromProto(req->filter()), req->granularity() == pb::GRANULARITY_DAY);
  if (!rows.ok()) return ToGrpc(rows.status());
  for (const HistoryRow& r : *rows) {
    pb::HistoryRow* p = resp->add_rows();
    grpcutil::ToTimestamp(r.period_start, p->mutable_period_start());
    p->set_event_type(r.event_type);
    p->set_events(r.events);
    p->set_sent(r.sent);
  }
  return grpc::Status::OK;
}

grpc::Status ReportGrpcService::StatusCounts(Ctx* ctx, const Filter* req,
                                             pb::StatusCountsResponse* resp) {
  absl::StatusOr<std::vector<StatusCountRow>> rows = reports_.StatusCounts(FilterFromProto(*req));
  if (!rows.ok()) return ToGrpc(rows.status());
  for (const StatusCountRow& r : *rows) {
    pb::StatusCountsRow* p = resp->add_rows();
    p->set_account(r.account);
    p->set_status(static_cast<messagecenter::v1::EventStatus>(r.status));
    p->set_events(r.events);
  }
  return grpc::Status::OK;
}

}  // namespace mc::control
