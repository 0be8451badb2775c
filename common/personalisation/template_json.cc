#include "common/personalisation/template_json.h"

#include <string>
#include <vector>

namespace mc::personalisation {
namespace {

template <typename T>
std::vector<T> ListAt(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::vector<T>>();
}

}  // namespace

void to_json(nlohmann::json& j, const TemplateVariant& v) {
  j = {{"language", v.language},
       {"subject", v.subject},
       {"html_body", v.html_body},
       {"text_body", v.text_body},
       {"sms_text", v.sms_text}};
}

void from_json(const nlohmann::json& j, TemplateVariant& v) {
  v.language = j.value("language", "");
  v.subject = j.value("subject", "");
  v.html_body = j.value("html_body", "");
  v.text_body = j.value("text_body", "");
  v.sms_text = j.value("sms_text", "");
}

void to_json(nlohmann::json& j, const TemplateHeader& h) {
  j = {{"name", h.name}, {"value", h.value}};
}

void from_json(const nlohmann::json& j, TemplateHeader& h) {
  h.name = j.value("name", "");
  h.value = j.value("value", "");
}

void to_json(nlohmann::json& j, const TemplateSender& s) {
  j = {{"from", s.from},
       {"reply_to", s.reply_to},
       {"headers", s.headers},
       {"list_unsubscribe", s.list_unsubscribe},
       {"list_unsubscribe_post", s.list_unsubscribe_post}};
}

void from_json(const nlohmann::json& j, TemplateSender& s) {
  s.from = j.value("from", "");
  s.reply_to = j.value("reply_to", "");
  s.headers = ListAt<TemplateHeader>(j, "headers");
  s.list_unsubscribe = j.value("list_unsubscribe", "");
  s.list_unsubscribe_post = j.value("list_unsubscribe_post", false);
}

void to_json(nlohmann::json& j, const TemplateAttachment& a) {
  j = {{"url", a.url},
       {"ctx_path", a.ctx_path},
       {"filename", a.filename},
       {"content_type", a.content_type}};
}

void from_json(const nlohmann::json& j, TemplateAttachment& a) {
  a.url = j.value("url", "");
  a.ctx_path = j.value("ctx_path", "");
  a.filename = j.value("filename", "");
  a.content_type = j.value("content_type", "");
}

void to_json(nlohmann::json& j, const IncludedBlock& b) {
  j = {{"name", b.name}, {"version", b.version}};
}

void from_json(const nlohmann::json& j, IncludedBlock& b) {
  b.name = j.value("name", "");
  b.version = j.value("version", 0);
}

nlohmann::json TemplateExtrasToJson(const TemplateContent& c) {
  return {{"default_language", c.default_language},
          {"variants", c.variants},
          {"sender", c.sender},
          {"attachments", c.attachments},
          {"blocks", c.blocks}};
}

void TemplateExtrasFromJson(const nlohmann::json& j, TemplateContent& c) {
  c.default_language = j.value("default_language", "");
  c.variants = ListAt<TemplateVariant>(j, "variants");
  c.sender = j.contains("sender") ? j.at("sender").get<TemplateSender>() : TemplateSender{};
  c.attachments = ListAt<TemplateAttachment>(j, "attachments");
  c.blocks = ListAt<IncludedBlock>(j, "blocks");
}

}  // namespace mc::personalisation
