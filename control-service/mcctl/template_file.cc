#include "control-service/mcctl/template_file.h"

#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "control-service/mcctl/input_files.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;

// Kept by the control instance: ignored in a file.
const std::set<std::string> kReadOnly = {"status", "version", "published", "updated",
                                         "published_blocks"};

const google::protobuf::FieldDescriptor* FieldNamed(const std::string& key) {
  const google::protobuf::Descriptor* d = pb::Template::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->json_name() == key || f->name() == key) return f;
  }
  return nullptr;
}

}  // namespace

absl::Status ApplyTemplateJson(const std::string& text, const std::string& what,
                               const std::string& name, pb::Template* t) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(what, ": not valid JSON"));
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": expected one template object"));
  }
  pb::Template read;
  if (absl::Status s = JsonToMessage(text, what, &read); !s.ok()) return s;
  if (!read.internal_name().empty() && read.internal_name() != name) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": internalName '", read.internal_name(),
                                                   "' is not the template's name '", name, "'"));
  }
  const google::protobuf::Reflection* r = t->GetReflection();
  for (const auto& [key, value] : doc.items()) {
    const google::protobuf::FieldDescriptor* f = FieldNamed(key);
    if (f == nullptr) continue;  // JsonToMessage refused unknown fields above
    if (kReadOnly.count(f->name()) > 0) {
      read.GetReflection()->ClearField(&read, f);
      continue;
    }
    // Replaced, not merged: what the file says is the field's whole value.
    r->ClearField(t, f);
  }
  t->MergeFrom(read);
  t->set_internal_name(name);
  return absl::OkStatus();
}

absl::Status ApplyTemplateFile(const std::string& path, const std::string& name, pb::Template* t) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ApplyTemplateJson(*text, path, name, t);
}

}  // namespace mc::mcctl
