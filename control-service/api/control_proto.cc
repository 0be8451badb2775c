#include "control-service/api/control_proto.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "common/grpc/timestamps.h"
#include "common/template_proto/template_proto.h"

namespace mc::control {
namespace pb = messagecenter::control::v1;
using grpcutil::FromTimestamp;
using grpcutil::ToTimestamp;

Account AccountFromProto(const pb::Account& p) {
  return Account{.internal_name = p.internal_name(),
                 .label = p.label(),
                 .enabled = p.enabled(),
                 .endpoint = p.endpoint(),
                 .connection_method = p.connection_method() == pb::CONNECTION_METHOD_TLS
                                          ? ConnectionMethod::kTls
                                          : ConnectionMethod::kInsecure,
                 .credential = p.credential()};
}

void AccountToProto(const Account& a, pb::Account* p) {
  p->set_internal_name(a.internal_name);
  p->set_label(a.label);
  p->set_enabled(a.enabled);
  p->set_endpoint(a.endpoint);
  p->set_connection_method(a.connection_method == ConnectionMethod::kTls
                               ? pb::CONNECTION_METHOD_TLS
                               : pb::CONNECTION_METHOD_INSECURE);
  p->set_has_credential(a.has_credential);
  p->set_instance_id(a.instance_id);
  ToTimestamp(a.created, p->mutable_created());
  ToTimestamp(a.updated, p->mutable_updated());
}

absl::StatusOr<AuthoredTemplate> TemplateFromProto(const pb::Template& p) {
  AuthoredTemplate t{.internal_name = p.internal_name(),
                     .label = p.label(),
                     .event_type = p.event_type(),
                     .channel = static_cast<int>(p.channel()),
                     .subject = p.subject(),
                     .html_body = p.html_body(),
                     .text_body = p.text_body(),
                     .sms_text = p.sms_text(),
                     .default_language = p.default_language(),
                     .variants = templateproto::VariantsFromProto(p.variants()),
                     .sender = templateproto::SenderFromProto(p.sender()),
                     .attachments = templateproto::AttachmentsFromProto(p.attachments())};
  for (int i = 0; i < p.seeds_size(); ++i) {
    Seed seed{.address = p.seeds(i).address(),
              .language = p.seeds(i).language(),
              .country = p.seeds(i).country()};
    if (p.seeds(i).has_ctx()) {
      seed.ctx_json.clear();
      if (!google::protobuf::util::MessageToJsonString(p.seeds(i).ctx(), &seed.ctx_json).ok()) {
        return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].ctx: not valid JSON"));
      }
    }
    t.seeds.push_back(std::move(seed));
  }
  return t;
}

void TemplateToProto(const AuthoredTemplate& t, pb::Template* p) {
  p->set_internal_name(t.internal_name);
  p->set_label(t.label);
  p->set_event_type(t.event_type);
  p->set_channel(static_cast<messagecenter::v1::Channel>(t.channel));
  p->set_subject(t.subject);
  p->set_html_body(t.html_body);
  p->set_text_body(t.text_body);
  p->set_sms_text(t.sms_text);
  p->set_default_language(t.default_language);
  templateproto::VariantsToProto(t.variants, p->mutable_variants());
  templateproto::SenderToProto(t.sender, p->mutable_sender());
  templateproto::AttachmentsToProto(t.attachments, p->mutable_attachments());
  for (const Seed& s : t.seeds) {
    pb::Seed* seed = p->add_seeds();
    seed->set_address(s.address);
    seed->set_language(s.language);
    seed->set_country(s.country);
    // Stored seeds were validated as JSON objects when saved.
    (void)google::protobuf::util::JsonStringToMessage(s.ctx_json, seed->mutable_ctx());
  }
  p->set_status(t.status == TemplateStatus::kPublished ? pb::TEMPLATE_STATUS_PUBLISHED
                                                       : pb::TEMPLATE_STATUS_EDITING);
  p->set_version(t.version);
  if (t.published) ToTimestamp(*t.published, p->mutable_published());
  ToTimestamp(t.updated, p->mutable_updated());
  templateproto::BlocksToProto(t.published_blocks, p->mutable_published_blocks());
}

Block BlockFromProto(const pb::Block& p) {
  return Block{.name = p.name(), .label = p.label(), .content = p.content()};
}

void BlockToProto(const Block& b, pb::Block* p) {
  p->set_name(b.name);
  p->set_label(b.label);
  p->set_content(b.content);
  p->set_version(b.version);
  ToTimestamp(b.updated, p->mutable_updated());
}

void OutcomeToProto(const InstanceOutcome& o, pb::InstanceOutcome* p) {
  p->set_account(o.account);
  p->set_instance_id(o.instance_id);
  p->set_code(o.code);
  p->set_message(o.message);
}

void RunToProto(const ArchiveRun& r, pb::ArchiveRun* p) {
  p->set_id(r.id);
  p->set_workflow(r.workflow);
  ToTimestamp(r.started, p->mutable_started());
  if (r.ended) ToTimestamp(*r.ended, p->mutable_ended());
  p->set_events_copied(r.events_copied);
  p->set_delivery_logs_copied(r.delivery_logs_copied);
  p->set_quarantine_copied(r.quarantine_copied);
  p->set_error(r.error);
}

void WorkflowToProto(const ArchivingWorkflow& w, pb::ArchivingWorkflow* p) {
  p->set_internal_name(w.internal_name);
  p->set_label(w.label);
  p->set_folder(w.folder);
  p->set_account(w.account);
  p->set_state(static_cast<pb::ArchivingState>(static_cast<int>(w.state)));
  p->set_schedule_seconds(w.schedule_seconds);
  ToTimestamp(w.next_run, p->mutable_next_run());
  if (w.last_run) RunToProto(*w.last_run, p->mutable_last_run());
  p->set_cursor_xid(w.cursor.xid);
  p->set_cursor_id(w.cursor.id);
}

ReportFilter FilterFromProto(const pb::ReportFilter& p) {
  ReportFilter f{.accounts = {p.accounts().begin(), p.accounts().end()},
                 .event_type = p.event_type()};
  if (p.has_channel()) f.channel = static_cast<int>(p.channel());
  f.to = p.has_to() ? FromTimestamp(p.to()) : absl::Now();
  f.from = p.has_from() ? FromTimestamp(p.from()) : f.to - absl::Hours(24);
  return f;
}

}  // namespace mc::control
