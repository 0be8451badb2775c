// The JSON form of what a template carries beside its parts: language variants, sender,
// attachments and included blocks, as both services store them (a jsonb column beside the
// parts: execution migration 0011, control migration 0008). nlohmann's to_json / from_json for
// each type, with the proto fields' names as keys; TemplateExtrasToJson / TemplateExtrasFromJson
// for the whole of it on a TemplateContent ("default_language", "variants", "sender",
// "attachments", "blocks").
//
// Failure modes: none when writing; reading takes a missing key as its default (so rows written
// before a key existed read as they were), and throws nlohmann::json::exception for a value of
// the wrong type (the columns hold only what the functions wrote). Pure functions: thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/personalisation/template_content.h"

namespace mc::personalisation {

void to_json(nlohmann::json& j, const TemplateVariant& v);
void from_json(const nlohmann::json& j, TemplateVariant& v);
void to_json(nlohmann::json& j, const TemplateHeader& h);
void from_json(const nlohmann::json& j, TemplateHeader& h);
void to_json(nlohmann::json& j, const TemplateSender& s);
void from_json(const nlohmann::json& j, TemplateSender& s);
void to_json(nlohmann::json& j, const TemplateAttachment& a);
void from_json(const nlohmann::json& j, TemplateAttachment& a);
void to_json(nlohmann::json& j, const IncludedBlock& b);
void from_json(const nlohmann::json& j, IncludedBlock& b);

nlohmann::json TemplateExtrasToJson(const TemplateContent& c);
// Sets the members above of `c` from `j` (an object).
void TemplateExtrasFromJson(const nlohmann::json& j, TemplateContent& c);

}  // namespace mc::personalisation
