// MessageAssembly: one event's message from its template: the rendered parts of the variant
// for its language, the template's sender fields, and its attachments (from the event's ctx,
// or fetched by URL once per published copy (each time for a copy of id 0, a proof) through an
// AttachmentSource, e.g. the
// AttachmentCache over the libcurl fetcher), within the total size limit.
//
// Assemble's status says what the processor does with the event (delivery_policy.h):
//  - OK: send it;
//  - UNAVAILABLE: a soft failure (an attachment's server down, timed out, 5xx): tried again
//    after the back-off, as a relay's 4xx is;
//  - any other error: a hard failure of that one event, its reason the message (a template
//    with code that ran past its time or memory budget or threw, naming the part; an
//    attachment missing from the ctx or refused by its server; the attachments over the limit).
// Logic only: the template, heap and source are given. Not thread-safe: one per lane worker
// (its heap is that thread's).
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/script/script_heap.h"
#include "execution-service/delivery/attachment_fetcher.h"
#include "execution-service/delivery/message.h"
#include "execution-service/processing/delivery_store.h"
#include "execution-service/templates/compiled_template.h"

namespace mc::execution {

struct MessageAssemblyOptions {
  script::ScriptHeapOptions script;         // each render's budgets
  size_t max_attachment_bytes = 10 << 20;   // all of a message's attachments together
  AttachmentSource* attachments = nullptr;  // URL attachments; nullptr: refused
};

class MessageAssembly {
 public:
  explicit MessageAssembly(MessageAssemblyOptions options) : options_(std::move(options)) {}

  // Fills m's content (subject, bodies, SMS text, sender fields, attachments) and *language (the
  // variant chosen; "" for the default parts).
  [[nodiscard]] absl::Status Assemble(const CompiledTemplate& t, const DeliveryItem& item,
                                      const nlohmann::json& ctx, OutgoingMessage& m,
                                      std::string* language);

 private:
  [[nodiscard]] absl::Status Attach(const CompiledTemplate& t, const nlohmann::json& ctx,
                                    OutgoingMessage& m);

  const MessageAssemblyOptions options_;
  std::unique_ptr<script::ScriptHeap> heap_;  // made on the first template with code
};

}  // namespace mc::execution
