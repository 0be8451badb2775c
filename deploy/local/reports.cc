#include "deploy/local/reports.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::local {
namespace {
namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

const char* const kStatusNames[] = {"Pending", "Pending delivery", "Sent",   "Ignored",
                                    "Failed",  "Not taken",        "Expired"};

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* ts) {
  ts->set_seconds(absl::ToUnixSeconds(t));
}

// Archived events per account (every final status) received in [from, to).
std::string ArchivedPerAccount(pb::ReportService::Stub& reports, const std::string& token,
                               absl::Time from, absl::Time to,
                               std::map<std::string, int64_t>* out) {
  pb::ReportFilter filter;
  ToTimestamp(from, filter.mutable_from());
  ToTimestamp(to, filter.mutable_to());
  pb::StatusCountsResponse statuses;
  grpc::Status s = reports.StatusCounts(Ctx(token).get(), filter, &statuses);
  if (!s.ok()) return absl::StrCat("StatusCounts: ", s.error_message());
  for (const auto& r : statuses.rows()) (*out)[r.account()] += r.events();
  return "";
}

}  // namespace

std::string PrintArchiving(const std::string& control_address, const std::string& token,
                           const std::vector<ArchiveRunCopies>& runs, absl::Time from,
                           absl::Time to) {
  auto reports = pb::ReportService::NewStub(
      grpc::CreateChannel(control_address, grpc::InsecureChannelCredentials()));
  std::map<std::string, int64_t> demo;
  if (std::string error = ArchivedPerAccount(*reports, token, from, to, &demo); !error.empty()) {
    return error;
  }
  std::printf("  %-8s %33s   %s\n", "", "copied by this run", "archived");
  std::printf("  %-8s %9s %9s %13s   %s\n", "instance", "events", "logs", "quarantined",
              "events of this demo");
  for (const ArchiveRunCopies& r : runs) {
    const std::string copied =
        r.ran ? absl::StrFormat("%9d %9d %13d", r.events, r.delivery_logs, r.quarantine)
              : absl::StrFormat("%33s", "(the scheduler was running it)");
    std::printf("  %-8s %s   %19lld\n", r.account.c_str(), copied.c_str(),
                static_cast<long long>(demo[r.account]));
  }
  std::printf(
      "  copied by this run: what RunNow copied just now; the scheduler archives on its own\n"
      "  too. archived: all of this demo's events the archive holds, as in the tables below.\n");
  return "";
}

std::string CountStatuses(const std::string& account, const std::string& address,
                          const std::string& token, const std::vector<int64_t>& ids,
                          StatusCounts* counts) {
  auto stub =
      v1::EventService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  for (int64_t id : ids) {
    v1::GetEventRequest req;
    req.set_id(id);
    v1::StoredEvent e;
    grpc::Status s = stub->GetEvent(Ctx(token).get(), req, &e);
    if (!s.ok()) return absl::StrCat("GetEvent ", id, " on ", account, ": ", s.error_message());
    ++(*counts)[{account, e.status()}];
  }
  return "";
}

std::string PrintReports(const std::string& control_address, const std::string& token,
                         absl::Time from, absl::Time to, const StatusCounts& pushed, bool* match) {
  auto reports = pb::ReportService::NewStub(
      grpc::CreateChannel(control_address, grpc::InsecureChannelCredentials()));
  pb::ReportFilter filter;
  ToTimestamp(from, filter.mutable_from());
  ToTimestamp(to, filter.mutable_to());

  pb::StatusCountsResponse statuses;
  grpc::Status s = reports->StatusCounts(Ctx(token).get(), filter, &statuses);
  if (!s.ok()) return absl::StrCat("StatusCounts: ", s.error_message());
  StatusCounts archived;
  std::set<std::string> accounts;
  for (const auto& r : statuses.rows()) {
    archived[{r.account(), r.status()}] = r.events();
    accounts.insert(r.account());
  }
  for (const auto& [key, n] : pushed) accounts.insert(key.first);

  std::printf("\nEvents per status (archive of the control instance / as each instance says)\n");
  std::printf("  %-8s", "instance");
  for (int st = 2; st <= 6; ++st) std::printf(" %12s", kStatusNames[st]);
  std::printf("\n");
  *match = true;
  for (const std::string& a : accounts) {
    std::printf("  %-8s", a.c_str());
    for (int st = 2; st <= 6; ++st) {
      const auto it = archived.find({a, st});
      const auto want = pushed.find({a, st});
      const int64_t got = it == archived.end() ? 0 : it->second;
      const int64_t expected = want == pushed.end() ? 0 : want->second;
      *match &= got == expected;
      std::printf(" %12s", absl::StrCat(got, " / ", expected).c_str());
    }
    std::printf("\n");
  }

  pb::ServiceLevelResponse level;
  s = reports->ServiceLevel(Ctx(token).get(), filter, &level);
  if (!s.ok()) return absl::StrCat("ServiceLevel: ", s.error_message());
  std::printf("\nService level (%.2f h)\n", level.period_hours());
  std::printf("  %-8s %9s %9s %10s %10s %8s %10s %8s %8s %8s\n", "instance", "incoming", "in/h",
              "outgoing", "out/h", "send s", "errors", "not tak.", "expired", "failed");
  for (const auto& r : level.rows()) {
    std::printf("  %-8s %9lld %9.0f %10lld %10.0f %8.2f %9.1f%% %8lld %8lld %8lld\n",
                r.account().empty() ? "total" : r.account().c_str(),
                static_cast<long long>(r.incoming_events()), r.incoming_events_per_hour(),
                static_cast<long long>(r.outgoing_messages()), r.outgoing_messages_per_hour(),
                r.average_sending_seconds(), 100 * r.error_rate(),
                static_cast<long long>(r.not_taken_into_account()),
                static_cast<long long>(r.expired()), static_cast<long long>(r.delivery_failed()));
  }
  pb::ProcessingTimeResponse times;
  s = reports->ProcessingTime(Ctx(token).get(), filter, &times);
  if (!s.ok()) return absl::StrCat("ProcessingTime: ", s.error_message());
  std::printf("\nProcessing time\n  %-8s %12s %12s\n", "instance", "queuing s", "sending s");
  for (const auto& r : times.rows()) {
    std::printf("  %-8s %12.3f %12.3f\n", r.account().empty() ? "total" : r.account().c_str(),
                r.average_queuing_seconds(), r.average_sending_seconds());
  }
  return "";
}

}  // namespace mc::local
