// The template file of `mcctl templates create|update NAME --file FILE`: one JSON object in
// messagecenter.control.v1.Template's proto-JSON form (lowerCamelCase or the proto's own
// names), for every field a template has, those without a flag of their own included:
//   {"defaultLanguage": "en",
//    "variants": [{"language": "fr", "subject": "...", "htmlBody": "...", "textBody": "..."}],
//    "sender": {"from": "Brand <shop@brand.test>", "replyTo": "...",
//               "headers": [{"name": "X-Campaign", "value": "..."}],
//               "listUnsubscribe": "<https://brand.test/u>", "listUnsubscribePost": true},
//    "attachments": [{"url": "https://...", "filename": "Terms.pdf"}, {"ctxPath": "invoice"}],
//    "subject": "...", "htmlBody": "...", "seeds": [...]}
// Each field the file holds replaces the template's (an update keeps the others); the fields
// the control keeps itself (status, version, published, updated, publishedBlocks) are ignored,
// so `mcctl --json templates get` output can be edited and given back. "internalName", when
// there, must be NAME.
//
// Failure modes: INVALID_ARGUMENT naming the file: unreadable, not JSON, not an object, a
// field Template does not have or a value of the wrong type, another internalName.
// Thread-compatible.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "messagecenter/control/v1/control.pb.h"

namespace mc::mcctl {

[[nodiscard]] absl::Status ApplyTemplateJson(const std::string& text, const std::string& what,
                                             const std::string& name,
                                             messagecenter::control::v1::Template* t);

[[nodiscard]] absl::Status ApplyTemplateFile(const std::string& path, const std::string& name,
                                             messagecenter::control::v1::Template* t);

}  // namespace mc::mcctl
