#include "control-service/templates/block_authoring.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/personalisation/template_validation.h"
#include "common/text/utf8.h"
#include "control-service/templates/block_expansion.h"

namespace mc::control {
namespace {

bool Includes(const std::string& text, const std::string& name) {
  const std::vector<std::string> names = IncludedNames(text);
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool TemplateIncludes(const AuthoredTemplate& t, const std::string& name) {
  for (const std::string* part : {&t.subject, &t.html_body, &t.text_body, &t.sms_text}) {
    if (Includes(*part, name)) return true;
  }
  for (const personalisation::TemplateVariant& v : t.variants) {
    for (const std::string* part : {&v.subject, &v.html_body, &v.text_body, &v.sms_text}) {
      if (Includes(*part, name)) return true;
    }
  }
  return false;
}

}  // namespace

absl::Status BlockAuthoring::Validate(const Block& b) {
  if (absl::Status s = personalisation::ValidateName("name", b.name); !s.ok()) return s;
  if (text::CodePoints(b.label) > 255) {
    return absl::InvalidArgumentError("label: longer than 255 characters");
  }
  if (text::CodePoints(b.content) > kMaxBlockContent) {
    return absl::InvalidArgumentError(
        absl::StrCat("content: longer than ", kMaxBlockContent, " characters"));
  }
  // Its includes, as a template including it directly would expand them.
  absl::StatusOr<std::vector<Block>> all = blocks_.List();
  if (!all.ok()) return all.status();
  BlocksByName blocks;
  for (Block& other : *all) blocks.emplace(other.name, std::move(other));
  blocks[b.name] = b;
  std::map<std::string, int> used;
  return ExpandText("content", b.content, blocks, {b.name}, used).status();
}

absl::StatusOr<Block> BlockAuthoring::Create(const Block& b) {
  if (absl::Status s = Validate(b); !s.ok()) return s;
  return blocks_.Create(b);
}

absl::StatusOr<Block> BlockAuthoring::Update(const Block& b) {
  if (absl::Status s = Validate(b); !s.ok()) return s;
  return blocks_.Update(b);
}

absl::Status BlockAuthoring::Delete(const std::string& name) {
  absl::StatusOr<std::vector<AuthoredTemplate>> templates = templates_.List();
  if (!templates.ok()) return templates.status();
  absl::StatusOr<std::vector<Block>> blocks = blocks_.List();
  if (!blocks.ok()) return blocks.status();
  std::vector<std::string> by;
  for (const AuthoredTemplate& t : *templates) {
    if (TemplateIncludes(t, name)) by.push_back(absl::StrCat("template '", t.internal_name, "'"));
  }
  for (const Block& other : *blocks) {
    if (other.name != name && Includes(other.content, name)) {
      by.push_back(absl::StrCat("block '", other.name, "'"));
    }
  }
  if (!by.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("block '", name, "' is included by ",
                                                      absl::StrJoin(by, ", "),
                                                      ": remove those includes first"));
  }
  return blocks_.Delete(name);
}

}  // namespace mc::control
