// TemplateContent: one version of one template as an operator writes it and a publication
// carries it (DOMAIN.md section 5): the names, the channel, and the personalised parts. The
// control instance authors it, the execution instance stores and renders it: its default parts,
// its language variants, its sender, its attachments, and the blocks its includes came from.
// Plain values.
#pragma once

#include <string>
#include <vector>

namespace mc::personalisation {

// A language variant: the parts written for one language. Routing picks the variant whose
// language is the event's (compared without case: "fr" for "fr" and "fr-CA"; an exact "fr-CA"
// first), else the template's own parts (its default language).
struct TemplateVariant {
  std::string language;  // BCP 47: a primary tag, optionally a region ("fr", "pt-BR")
  std::string subject;
  std::string html_body;
  std::string text_body;
  std::string sms_text;
};

// A custom header field of an email; the value is personalised as a subject is.
struct TemplateHeader {
  std::string name;
  std::string value;
};

// Who an email comes from, per template (every value personalised as a subject is; empty: the
// instance's --smtp_from, no Reply-To, no List-Unsubscribe).
struct TemplateSender {
  std::string from;      // a mailbox, "Brand <shop@brand.test>"
  std::string reply_to;  // a mailbox
  std::vector<TemplateHeader> headers;
  std::string list_unsubscribe;        // "<https://...>, <mailto:...>" (RFC 2369)
  bool list_unsubscribe_post = false;  // RFC 8058 one-click (needs an https URI above)
};

// A file attached to each email: fetched from `url` (https, once per publication), or read
// from the event's ctx at `ctx_path` (a dotted key path to {"name", "type", "content": base64}).
struct TemplateAttachment {
  std::string url;
  std::string ctx_path;
  std::string filename;      // url ones: the name shown (empty: the URL's last segment)
  std::string content_type;  // url ones: the type (empty: the server's)
};

// A personalisation block a publication's includes were expanded from, with its version.
struct IncludedBlock {
  std::string name;
  int version = 0;
};

struct TemplateContent {
  std::string internal_name;
  std::string label;
  std::string event_type;
  int channel = 0;  // raw, validated against Channel
  int version = 0;
  std::string subject;
  std::string html_body;
  std::string text_body;
  std::string sms_text;
  std::string default_language;  // the language of the parts above ("": not said)
  std::vector<TemplateVariant> variants;
  TemplateSender sender;
  std::vector<TemplateAttachment> attachments;
  std::vector<IncludedBlock> blocks;  // set by the publication (control instance)
};

}  // namespace mc::personalisation
