// Conversions between the control instance's domain types and messagecenter.control.v1
// messages. Pure functions, thread-safe. FromProto functions fail with INVALID_ARGUMENT
// naming the field (e.g. a seed's ctx that is not valid JSON).
#pragma once

#include "absl/status/statusor.h"
#include "control-service/accounts/account.h"
#include "control-service/accounts/account_manager.h"
#include "control-service/archiving/archiving_workflow.h"
#include "control-service/reports/report.h"
#include "control-service/templates/block.h"
#include "control-service/templates/template.h"
#include "messagecenter/control/v1/control.pb.h"

namespace mc::control {

Account AccountFromProto(const messagecenter::control::v1::Account& p);
// Never writes the credential.
void AccountToProto(const Account& a, messagecenter::control::v1::Account* p);

[[nodiscard]] absl::StatusOr<AuthoredTemplate> TemplateFromProto(
    const messagecenter::control::v1::Template& p);
void TemplateToProto(const AuthoredTemplate& t, messagecenter::control::v1::Template* p);
// The authored fields (name, label, content).
Block BlockFromProto(const messagecenter::control::v1::Block& p);
void BlockToProto(const Block& b, messagecenter::control::v1::Block* p);
void OutcomeToProto(const InstanceOutcome& o, messagecenter::control::v1::InstanceOutcome* p);

void WorkflowToProto(const ArchivingWorkflow& w, messagecenter::control::v1::ArchivingWorkflow* p);
void RunToProto(const ArchiveRun& r, messagecenter::control::v1::ArchiveRun* p);

// Unset period: the last 24 hours.
ReportFilter FilterFromProto(const messagecenter::control::v1::ReportFilter& p);

}  // namespace mc::control
