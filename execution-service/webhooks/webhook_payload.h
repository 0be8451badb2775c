// The JSON bodies of status webhooks: messagecenter.v1.WebhookPayload for one change,
// WebhookBatch for a batched POST (webhooks.proto), written by protobuf's JSON printer (proto3
// canonical mapping: lowerCamelCase names, enums by name, RFC 3339 timestamps, 64-bit integers
// as strings; fields at their default left out). `type` is "event.attempt" for a soft failure
// tried again, else "event.status"; `timestamp` is when the change happened; status_label is
// ACC's label of the status. Text that is not valid UTF-8 has its stray bytes replaced by
// U+FFFD, so the body is always valid JSON. BatchWebhookId is the `webhook-id` header of a
// batch: "batch_" and the first item's id.
// Failure modes: none in practice (INTERNAL if the printer failed). Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "execution-service/webhooks/webhook_change.h"
#include "messagecenter/v1/webhooks.pb.h"

namespace mc::execution {

void WebhookPayloadToProto(const WebhookChange& change, messagecenter::v1::WebhookPayload* out);

[[nodiscard]] absl::StatusOr<std::string> WebhookPayloadJson(const WebhookChange& change);
[[nodiscard]] absl::StatusOr<std::string> WebhookBatchJson(
    absl::Span<const WebhookChange* const> changes);

std::string BatchWebhookId(const WebhookChange& first);

}  // namespace mc::execution
