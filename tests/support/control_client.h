// A typed client of the control instance for end-to-end tests, with the test token: the
// helpers that must succeed stop the test with FAIL; the stubs are there for the rest.
#pragma once

#include <memory>
#include <string>

#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::e2e {

class ControlClient {
 public:
  explicit ControlClient(const std::string& address);

  messagecenter::control::v1::Account CreateAccount(const std::string& name,
                                                    const std::string& endpoint,
                                                    const std::string& credential);
  grpc::Status InitializeConnection(const std::string& name,
                                    messagecenter::control::v1::Account* out = nullptr);
  grpc::Status CreateArchivingWorkflow(const std::string& account);
  messagecenter::control::v1::ArchiveRun RunNow(const std::string& workflow);

  messagecenter::control::v1::AccountService::Stub& accounts() { return *accounts_; }
  messagecenter::control::v1::TemplateService::Stub& templates() { return *templates_; }
  messagecenter::control::v1::BlockService::Stub& blocks() { return *blocks_; }
  messagecenter::control::v1::ArchivingService::Stub& archiving() { return *archiving_; }
  messagecenter::control::v1::ReportService::Stub& reports() { return *reports_; }
  messagecenter::control::v1::ArchiveService::Stub& archive() { return *archive_; }

 private:
  std::unique_ptr<messagecenter::control::v1::AccountService::Stub> accounts_;
  std::unique_ptr<messagecenter::control::v1::TemplateService::Stub> templates_;
  std::unique_ptr<messagecenter::control::v1::BlockService::Stub> blocks_;
  std::unique_ptr<messagecenter::control::v1::ArchivingService::Stub> archiving_;
  std::unique_ptr<messagecenter::control::v1::ReportService::Stub> reports_;
  std::unique_ptr<messagecenter::control::v1::ArchiveService::Stub> archive_;
};

}  // namespace mc::e2e
