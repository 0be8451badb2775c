#include "common/template_proto/template_proto.h"

namespace mc::templateproto {
namespace v1 = messagecenter::v1;
using personalisation::IncludedBlock;
using personalisation::TemplateAttachment;
using personalisation::TemplateContent;
using personalisation::TemplateHeader;
using personalisation::TemplateSender;
using personalisation::TemplateVariant;

void TemplateToProto(const TemplateContent& c, v1::Template* p) {
  p->set_internal_name(c.internal_name);
  p->set_label(c.label);
  p->set_event_type(c.event_type);
  p->set_channel(static_cast<v1::Channel>(c.channel));
  p->set_version(c.version);
  p->set_subject(c.subject);
  p->set_html_body(c.html_body);
  p->set_text_body(c.text_body);
  p->set_sms_text(c.sms_text);
  p->set_default_language(c.default_language);
  VariantsToProto(c.variants, p->mutable_variants());
  SenderToProto(c.sender, p->mutable_sender());
  AttachmentsToProto(c.attachments, p->mutable_attachments());
  BlocksToProto(c.blocks, p->mutable_blocks());
}

TemplateContent TemplateFromProto(const v1::Template& p) {
  return {.internal_name = p.internal_name(),
          .label = p.label(),
          .event_type = p.event_type(),
          .channel = static_cast<int>(p.channel()),
          .version = p.version(),
          .subject = p.subject(),
          .html_body = p.html_body(),
          .text_body = p.text_body(),
          .sms_text = p.sms_text(),
          .default_language = p.default_language(),
          .variants = VariantsFromProto(p.variants()),
          .sender = SenderFromProto(p.sender()),
          .attachments = AttachmentsFromProto(p.attachments()),
          .blocks = BlocksFromProto(p.blocks())};
}

void VariantsToProto(const std::vector<TemplateVariant>& variants,
                     google::protobuf::RepeatedPtrField<v1::TemplateVariant>* p) {
  p->Clear();
  for (const TemplateVariant& v : variants) {
    v1::TemplateVariant* out = p->Add();
    out->set_language(v.language);
    out->set_subject(v.subject);
    out->set_html_body(v.html_body);
    out->set_text_body(v.text_body);
    out->set_sms_text(v.sms_text);
  }
}

std::vector<TemplateVariant> VariantsFromProto(
    const google::protobuf::RepeatedPtrField<v1::TemplateVariant>& p) {
  std::vector<TemplateVariant> out;
  for (const v1::TemplateVariant& v : p) {
    out.push_back({.language = v.language(),
                   .subject = v.subject(),
                   .html_body = v.html_body(),
                   .text_body = v.text_body(),
                   .sms_text = v.sms_text()});
  }
  return out;
}

void SenderToProto(const TemplateSender& s, v1::TemplateSender* p) {
  p->set_from(s.from);
  p->set_reply_to(s.reply_to);
  p->clear_headers();
  for (const TemplateHeader& h : s.headers) {
    v1::TemplateHeader* out = p->add_headers();
    out->set_name(h.name);
    out->set_value(h.value);
  }
  p->set_list_unsubscribe(s.list_unsubscribe);
  p->set_list_unsubscribe_post(s.list_unsubscribe_post);
}

TemplateSender SenderFromProto(const v1::TemplateSender& p) {
  TemplateSender s{.from = p.from(),
                   .reply_to = p.reply_to(),
                   .list_unsubscribe = p.list_unsubscribe(),
                   .list_unsubscribe_post = p.list_unsubscribe_post()};
  for (const v1::TemplateHeader& h : p.headers()) {
    s.headers.push_back({.name = h.name(), .value = h.value()});
  }
  return s;
}

void AttachmentsToProto(const std::vector<TemplateAttachment>& attachments,
                        google::protobuf::RepeatedPtrField<v1::TemplateAttachment>* p) {
  p->Clear();
  for (const TemplateAttachment& a : attachments) {
    v1::TemplateAttachment* out = p->Add();
    out->set_url(a.url);
    out->set_ctx_path(a.ctx_path);
    out->set_filename(a.filename);
    out->set_content_type(a.content_type);
  }
}

std::vector<TemplateAttachment> AttachmentsFromProto(
    const google::protobuf::RepeatedPtrField<v1::TemplateAttachment>& p) {
  std::vector<TemplateAttachment> out;
  for (const v1::TemplateAttachment& a : p) {
    out.push_back({.url = a.url(),
                   .ctx_path = a.ctx_path(),
                   .filename = a.filename(),
                   .content_type = a.content_type()});
  }
  return out;
}

void BlocksToProto(const std::vector<IncludedBlock>& blocks,
                   google::protobuf::RepeatedPtrField<v1::IncludedBlock>* p) {
  p->Clear();
  for (const IncludedBlock& b : blocks) {
    v1::IncludedBlock* out = p->Add();
    out->set_name(b.name);
    out->set_version(b.version);
  }
}

std::vector<IncludedBlock> BlocksFromProto(
    const google::protobuf::RepeatedPtrField<v1::IncludedBlock>& p) {
  std::vector<IncludedBlock> out;
  for (const v1::IncludedBlock& b : p) out.push_back({.name = b.name(), .version = b.version()});
  return out;
}

}  // namespace mc::templateproto
