#include "execution-service/bounces/bounce_report.h"

#include <gmime/gmime.h>

#include <mutex>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "execution-service/bounces/enhanced_status.h"

namespace mc::execution {
namespace {

// GMime's types and tables are set up once per process (g_mime_init is not reentrant).
void InitGmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

// A GObject reference, dropped at the end of the scope.
template <typename T>
class Ref {
 public:
  explicit Ref(T* object) : object_(object) {}
  ~Ref() {
    if (object_ != nullptr) g_object_unref(object_);
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  T* get() const { return object_; }

 private:
  T* object_;
};

// `text` without a UTF-8 sequence its last bytes leave incomplete.
std::string CutUtf8(std::string text) {
  size_t lead = text.size();
  while (lead > 0 && (static_cast<unsigned char>(text[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return text;
  const unsigned char c = static_cast<unsigned char>(text[lead - 1]);
  const size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (text.size() - (lead - 1) < need) text.resize(lead - 1);
  return text;
}

// Runs of white space (folding included) as one space, trimmed, cut at `max` bytes (never inside
// a UTF-8 sequence).
std::string Collapse(absl::string_view text, size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= max) return CutUtf8(std::move(out));
  }
  return out;
}

// "rfc822; bob@example.test" -> "bob@example.test"; "smtp; 550 ..." -> "550 ...". The type is an
// atom before the first ';' (no space inside); a value without one is kept whole.
std::string WithoutType(absl::string_view value) {
  const size_t semi = value.find(';');
  if (semi != absl::string_view::npos && semi > 0 && semi <= 32) {
    absl::string_view type = absl::StripAsciiWhitespace(value.substr(0, semi));
    if (!type.empty() && type.find(' ') == absl::string_view::npos) {
      return std::string(absl::StripAsciiWhitespace(value.substr(semi + 1)));
    }
  }
  return std::string(absl::StripAsciiWhitespace(value));
}

// The address inside <>; a '<' whose '>' is missing (a value cut short) goes too, so that the
// address never keeps half of its brackets.
std::string BareAddress(absl::string_view value) {
  absl::string_view v = absl::StripAsciiWhitespace(value);
  const size_t open = v.find('<');
  if (open != absl::string_view::npos) {
    const size_t close = v.find('>', open);
    v = close != absl::string_view::npos ? v.substr(open + 1, close - open - 1)
                                         : v.substr(open + 1);
  }
  return std::string(absl::StripAsciiWhitespace(v));
}

std::string Field(const char* value) {
  return value == nullptr ? std::string() : Collapse(value, kMaxFieldChars);
}

std::string Header(GMimeObject* object, const char* name) {
  return Field(g_mime_object_get_header(object, name));
}

// The decoded content of a leaf part (transfer encoding undone), at most `max` bytes.
std::string Content(GMimePart* part, size_t max) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (wrapper == nullptr) return {};
  Ref<GMimeStream> mem(g_mime_stream_mem_new());
  if (g_mime_data_wrapper_write_to_stream(wrapper, mem.get()) < 0) return {};
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), std::min<size_t>(bytes->len, max));
}

// A text part's text in UTF-8 (its charset converted), at most `max` bytes.
std::string Text(GMimeObject* object, size_t max) {
  if (!GMIME_IS_TEXT_PART(object)) return Content(GMIME_PART(object), max);
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(object));
  if (text == nullptr) return {};
  std::string out(text, std::min(strlen(text), max));
  g_free(text);
  return out;
}

// A block of header fields ("Name: value" lines, folded or not), read by GMime's own header
// parser: the block is given to it as a message without a body. Names lowercased, values
// decoded and collapsed, in order.
using Fields = std::vector<std::pair<std::string, std::string>>;
Fields ParseFieldBlock(absl::string_view block) {
  std::string text(block);
  text.append("\r\n\r\n");
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  Fields fields;
  if (message.get() == nullptr) return fields;
  GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(message.get()));
  const int n = g_mime_header_list_get_count(list);
  for (int i = 0; i < n && i < 64; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
    const char* name = g_mime_header_get_name(header);
    if (name == nullptr) continue;
    fields.emplace_back(absl::AsciiStrToLower(name), Field(g_mime_header_get_value(header)));
  }
  return fields;
}

std::string Get(const Fields& fields, absl::string_view name) {
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return {};
}

// The field groups of a message/delivery-status or message/feedback-report body: blocks
// separated by blank lines (a line of white space only counts as blank, as some MTAs write).
std::vector<Fields> ParseFieldGroups(absl::string_view body) {
  std::vector<Fields> groups;
  std::string block;
  auto flush = [&] {
    if (absl::StripAsciiWhitespace(block).empty()) {
      block.clear();
      return;
    }
    Fields fields = ParseFieldBlock(block);
    if (!fields.empty()) groups.push_back(std::move(fields));
    block.clear();
  };
  for (absl::string_view line : absl::StrSplit(body, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) {
      flush();
      if (groups.size() > kMaxRecipients + 1) break;
      continue;
    }
    absl::StrAppend(&block, line, "\r\n");
  }
  flush();
  return groups;
}

// What a walk over the parts found (the first of each).
struct Found {
  std::string report_type;  // the outermost multipart/report's report-type, lowercase
  std::optional<std::string> delivery_status;
  std::optional<std::string> feedback_report;
  std::optional<Fields> original_headers;  // as fields: Message-ID, Return-Path, ...
  std::optional<std::string> text;         // the first text/plain part
  int parts = 0;
};

constexpr size_t kMaxPartBytes = 1 << 20;  // a status or feedback part is a few hundred bytes
constexpr size_t kMaxTextBytes = 64 << 10;

Fields MessageHeaders(GMimeMessage* message) {
  Fields fields;
  const char* id = g_mime_message_get_message_id(message);
  if (id != nullptr) fields.emplace_back("message-id", Field(id));
  GMimeObject* object = GMIME_OBJECT(message);
  fields.emplace_back("return-path", Header(object, "Return-Path"));
  fields.emplace_back("to", Header(object, "To"));
  return fields;
}

void Walk(GMimeObject* object, int depth, Found& found) {
  if (object == nullptr || depth > kMaxDepth || ++found.parts > kMaxParts) return;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (GMIME_IS_MULTIPART(object)) {
    if (type != nullptr && g_mime_content_type_is_type(type, "multipart", "report") &&
        found.report_type.empty()) {
      const char* report_type = g_mime_content_type_get_parameter(type, "report-type");
      if (report_type != nullptr) found.report_type = absl::AsciiStrToLower(report_type);
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int n = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < n && found.parts <= kMaxParts; ++i) {
      Walk(g_mime_multipart_get_part(multipart, i), depth + 1, found);
    }
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object)) {
    // The returned message: its headers only (never a report of its own).
    GMimeMessage* message = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    if (message != nullptr && !found.original_headers)
      found.original_headers = MessageHeaders(message);
    return;
  }
  if (!GMIME_IS_PART(object) || type == nullptr) return;
  GMimePart* part = GMIME_PART(object);
  if (g_mime_content_type_is_type(type, "message", "delivery-status") ||
      g_mime_content_type_is_type(type, "message", "global-delivery-status")) {
    if (!found.delivery_status) found.delivery_status = Content(part, kMaxPartBytes);
  } else if (g_mime_content_type_is_type(type, "message", "feedback-report")) {
    if (!found.feedback_report) found.feedback_report = Content(part, kMaxPartBytes);
  } else if (g_mime_content_type_is_type(type, "text", "rfc822-headers") ||
             g_mime_content_type_is_type(type, "message", "rfc822-headers")) {
    if (!found.original_headers)
      found.original_headers = ParseFieldBlock(Content(part, kMaxPartBytes));
  } else if (g_mime_content_type_is_type(type, "message", "rfc822") ||
             g_mime_content_type_is_type(type, "message", "global")) {
    // A returned message GMime kept as a leaf (an encoding it does not descend into).
    if (!found.original_headers)
      found.original_headers = ParseFieldBlock(Content(part, kMaxPartBytes));
  } else if (g_mime_content_type_is_type(type, "text", "plain")) {
    if (!found.text) found.text = Text(object, kMaxTextBytes);
  }
}

// `needles` in lowercase.
bool ContainsAny(absl::string_view haystack, std::initializer_list<absl::string_view> needles) {
  const std::string lower = absl::AsciiStrToLower(haystack);
  for (absl::string_view needle : needles) {
    if (absl::StrContains(lower, needle)) return true;
  }
  return false;
}

bool StartsWithAny(absl::string_view text, std::initializer_list<absl::string_view> prefixes) {
  for (absl::string_view prefix : prefixes) {
    if (absl::StartsWithIgnoreCase(text, prefix)) return true;
  }
  return false;
}

bool IsAutoReply(GMimeObject* message, absl::string_view subject) {
  const std::string submitted = absl::AsciiStrToLower(Header(message, "Auto-Submitted"));
  if (absl::StartsWith(submitted, "auto-replied")) return true;
  if (!Header(message, "X-Autoreply").empty() || !Header(message, "X-Autorespond").empty()) {
    return true;
  }
  if (absl::EqualsIgnoreCase(Header(message, "Precedence"), "auto_reply")) return true;
  return StartsWithAny(subject, {"out of office", "automatic reply", "auto:", "autoreply",
                                 "auto-reply", "auto reply", "vacation"});
}

// Sent by a mail system: From MAILER-DAEMON or postmaster, or an X-Failed-Recipients field
// (Exim, Gmail). Checked before the auto-reply marks, which most bounces carry too.
bool SentByMailSystem(GMimeObject* message) {
  const std::string from = Header(message, "From");
  if (ContainsAny(from, {"mailer-daemon", "postmaster@", "<postmaster"})) return true;
  return g_mime_object_get_header(message, "X-Failed-Recipients") != nullptr;
}

bool HasBounceSubject(absl::string_view subject) {
  return ContainsAny(subject, {"failure notice", "undelivered mail", "undeliverable",
                               "delivery status notification", "returned mail",
                               "mail delivery failed", "delivery failure", "non-delivery"});
}

// The paragraph of an old-style bounce's text that carries a status code, else its first.
std::string TextDiagnostic(absl::string_view text) {
  std::vector<std::string> paragraphs;
  std::string current;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) {
      if (!current.empty()) paragraphs.push_back(std::move(current));
      current.clear();
      continue;
    }
    if (absl::StartsWith(line, "---")) break;  // "--- Below this line is a copy of the message."
    absl::StrAppend(&current, current.empty() ? "" : " ", line);
  }
  if (!current.empty()) paragraphs.push_back(std::move(current));
  for (const std::string& p : paragraphs) {
    if (FindEnhancedStatus(p).has_value()) return Collapse(p, kMaxDiagnosticChars);
  }
  for (const std::string& p : paragraphs) {
    for (absl::string_view word : absl::StrSplit(p, ' ', absl::SkipEmpty())) {
      std::optional<int> code = ParseSmtpReplyCode(word);
      if (code && *code >= 400 && *code < 600) return Collapse(p, kMaxDiagnosticChars);
    }
  }
  return paragraphs.empty() ? std::string() : Collapse(paragraphs.front(), kMaxDiagnosticChars);
}

void ReadOriginal(const Found& found, BounceReport& report) {
  if (!found.original_headers) return;
  report.original_message_id = BareAddress(Get(*found.original_headers, "message-id"));
  report.original_return_path = BareAddress(Get(*found.original_headers, "return-path"));
}

void ReadDsn(absl::string_view body, BounceReport& report) {
  std::vector<Fields> groups = ParseFieldGroups(body);
  for (const Fields& group : groups) {
    const std::string final_recipient = Get(group, "final-recipient");
    const std::string action = Get(group, "action");
    if (final_recipient.empty() && action.empty()) {
      // The per-message group.
      if (report.reporting_mta.empty())
        report.reporting_mta = WithoutType(Get(group, "reporting-mta"));
      continue;
    }
    if (report.recipients.size() >= kMaxRecipients) break;
    report.recipients.push_back(
        {.final_recipient = BareAddress(WithoutType(final_recipient)),
         .original_recipient = BareAddress(WithoutType(Get(group, "original-recipient"))),
         .action = absl::AsciiStrToLower(action),
         .status = Get(group, "status"),
         .diagnostic = Collapse(WithoutType(Get(group, "diagnostic-code")), kMaxDiagnosticChars)});
  }
}

void ReadFeedback(absl::string_view body, BounceReport& report) {
  std::vector<Fields> groups = ParseFieldGroups(body);
  if (groups.empty()) return;
  // One group (RFC 5965 3.1); some generators split it: read each field's first occurrence.
  Fields all;
  for (Fields& g : groups) all.insert(all.end(), g.begin(), g.end());
  report.feedback_type = absl::AsciiStrToLower(Get(all, "feedback-type"));
  report.original_mail_from = BareAddress(Get(all, "original-mail-from"));
  report.original_rcpt_to = BareAddress(Get(all, "original-rcpt-to"));
}

}  // namespace

absl::StatusOr<BounceReport> ParseBounceReport(absl::string_view message, size_t max_bytes) {
  if (message.empty()) return absl::InvalidArgumentError("empty message");
  if (message.size() > max_bytes) {
    return absl::InvalidArgumentError("message larger than the bounce size limit");
  }
  InitGmime();
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(message.data(), message.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  Ref<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), nullptr));
  if (parsed.get() == nullptr) return absl::InvalidArgumentError("not a MIME message");

  BounceReport report;
  GMimeObject* top = GMIME_OBJECT(parsed.get());
  report.subject = Field(g_mime_message_get_subject(parsed.get()));
  Found found;
  Walk(g_mime_message_get_mime_part(parsed.get()), 0, found);
  ReadOriginal(found, report);

  const bool says_feedback = found.report_type == "feedback-report";
  if (found.delivery_status && !(says_feedback && found.feedback_report)) {
    report.type = ReportType::kDsn;
    ReadDsn(*found.delivery_status, report);
  } else if (found.feedback_report) {
    report.type = ReportType::kComplaint;
    ReadFeedback(*found.feedback_report, report);
  } else if (!SentByMailSystem(top) && IsAutoReply(top, report.subject)) {
    // Postfix, Exim, Gmail and Exchange mark their bounces "Auto-Submitted: auto-replied" as
    // well: a bounce whose report is missing or cut short must not pass as a vacation message
    // (never a failure), so its sender is looked at first.
    report.type = ReportType::kAutoReply;
  } else if (SentByMailSystem(top) || HasBounceSubject(report.subject)) {
    report.type = ReportType::kUnstructured;
    DsnRecipient recipient;
    recipient.diagnostic = TextDiagnostic(found.text.value_or(""));
    report.recipients.push_back(std::move(recipient));
  }
  return report;
}

absl::string_view ReportTypeName(ReportType type) {
  switch (type) {
    case ReportType::kDsn:
      return "dsn";
    case ReportType::kComplaint:
      return "complaint";
    case ReportType::kAutoReply:
      return "auto_reply";
    case ReportType::kUnstructured:
      return "unstructured";
    case ReportType::kNotAReport:
      break;
  }
  return "not_a_report";
}

}  // namespace mc::execution
