// Conversions between the suppression-list entries the control instance handles
// (suppression_entry.h) and messagecenter.v1.Suppression, the message of the execution
// instances' SuppressionService that the control's own SuppressionService shows again.
// Pure functions, thread-safe.
#pragma once

#include "control-service/execution/suppression_entry.h"
#include "messagecenter/v1/suppressions.pb.h"

namespace mc::control {

SuppressionEntry SuppressionFromProto(const messagecenter::v1::Suppression& p);
void SuppressionToProto(const SuppressionEntry& e, messagecenter::v1::Suppression* p);

}  // namespace mc::control
