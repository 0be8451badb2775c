// Conversions between a template version's content (common/personalisation/template_content.h)
// and messagecenter.v1's messages: the whole Template, which the control instance sends to
// publish and the execution instance reads, and its shared parts (TemplateVariant,
// TemplateSender, TemplateAttachment, IncludedBlock), which the control instance's own
// Template (messagecenter.control.v1) reuses. Every field is carried as it is: validating is
// common/personalisation/template_validation.h's job. Pure functions, thread-safe.
#pragma once

#include <google/protobuf/repeated_field.h>

#include <vector>

#include "common/personalisation/template_content.h"
#include "messagecenter/v1/templates.pb.h"

namespace mc::templateproto {

void TemplateToProto(const personalisation::TemplateContent& c, messagecenter::v1::Template* p);
personalisation::TemplateContent TemplateFromProto(const messagecenter::v1::Template& p);

void VariantsToProto(const std::vector<personalisation::TemplateVariant>& variants,
                     google::protobuf::RepeatedPtrField<messagecenter::v1::TemplateVariant>* p);
std::vector<personalisation::TemplateVariant> VariantsFromProto(
    const google::protobuf::RepeatedPtrField<messagecenter::v1::TemplateVariant>& p);

void SenderToProto(const personalisation::TemplateSender& s, messagecenter::v1::TemplateSender* p);
personalisation::TemplateSender SenderFromProto(const messagecenter::v1::TemplateSender& p);

void AttachmentsToProto(
    const std::vector<personalisation::TemplateAttachment>& attachments,
    google::protobuf::RepeatedPtrField<messagecenter::v1::TemplateAttachment>* p);
std::vector<personalisation::TemplateAttachment> AttachmentsFromProto(
    const google::protobuf::RepeatedPtrField<messagecenter::v1::TemplateAttachment>& p);

void BlocksToProto(const std::vector<personalisation::IncludedBlock>& blocks,
                   google::protobuf::RepeatedPtrField<messagecenter::v1::IncludedBlock>* p);
std::vector<personalisation::IncludedBlock> BlocksFromProto(
    const google::protobuf::RepeatedPtrField<messagecenter::v1::IncludedBlock>& p);

}  // namespace mc::templateproto
