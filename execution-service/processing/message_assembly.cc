#include "execution-service/processing/message_assembly.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "execution-service/delivery/attachments.h"

namespace mc::execution {
namespace {

// The value at a dotted key path of the ctx; nullptr when a key is missing.
const nlohmann::json* AtPath(const nlohmann::json& ctx, absl::string_view path) {
  const nlohmann::json* at = &ctx;
  for (absl::string_view key : absl::StrSplit(path, '.')) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(std::string(key));
    if (it == at->end()) return nullptr;
    at = &*it;
  }
  return at;
}

}  // namespace

absl::Status MessageAssembly::Assemble(const CompiledTemplate& t, const DeliveryItem& item,
                                       const nlohmann::json& ctx, OutgoingMessage& m,
                                       std::string* language) {
  if (t.has_script() && heap_ == nullptr) {
    absl::StatusOr<std::unique_ptr<script::ScriptHeap>> heap =
        script::ScriptHeap::Create(options_.script);
    // Not UNAVAILABLE: a heap that cannot be made fails the event, not the whole run.
    if (!heap.ok()) return absl::InternalError(heap.status().message());
    heap_ = *std::move(heap);
  }
  absl::StatusOr<RenderedMessage> r =
      t.Render({.id = item.id, .event = &item.event, .ctx = &ctx}, heap_.get());
  if (!r.ok()) {
    // A template's own failure is final for this event, whatever its code.
    return r.status().code() == absl::StatusCode::kUnavailable
               ? absl::InternalError(r.status().message())
               : r.status();
  }
  m.subject = std::move(r->subject);
  m.html = std::move(r->html);
  m.text = std::move(r->text);
  m.sms = std::move(r->sms);
  m.from = std::move(r->from);
  m.reply_to = std::move(r->reply_to);
  m.headers = std::move(r->headers);
  m.list_unsubscribe = std::move(r->list_unsubscribe);
  m.list_unsubscribe_post = r->list_unsubscribe_post;
  *language = std::move(r->language);
  if (m.channel != 0) return absl::OkStatus();  // attachments are an email's
  return Attach(t, ctx, m);
}

absl::Status MessageAssembly::Attach(const CompiledTemplate& t, const nlohmann::json& ctx,
                                     OutgoingMessage& m) {
  const PublishedTemplate& published = t.published();
  for (const personalisation::TemplateAttachment& a : published.content.attachments) {
    if (!a.ctx_path.empty()) {
      const nlohmann::json* value = AtPath(ctx, a.ctx_path);
      if (value == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("attachment ctx.", a.ctx_path, ": missing from the event's ctx"));
      }
      absl::StatusOr<Attachment> attachment = AttachmentFromCtx(*value);
      if (!attachment.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("attachment ctx.", a.ctx_path, ".", attachment.status().message()));
      }
      m.attachments.push_back(*std::move(attachment));
      continue;
    }
    if (options_.attachments == nullptr) {
      return absl::FailedPreconditionError("attachments by URL are not enabled on this instance");
    }
    // One cache entry per published copy and URL: a new publication fetches again. Id 0 (a
    // proof, not stored) is never cached.
    absl::StatusOr<Attachment> fetched = options_.attachments->Fetch(
        a.url, {.cache_key = published.id == 0 ? std::string() : absl::StrCat(published.id),
                .filename = a.filename,
                .content_type = a.content_type});
    if (!fetched.ok()) return fetched.status();
    m.attachments.push_back(*std::move(fetched));
  }
  return CheckAttachmentsSize(m.attachments, options_.max_attachment_bytes);
}

}  // namespace mc::execution
