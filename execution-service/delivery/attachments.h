// Attachments as values: one given in an event's ctx, and the total a message may carry.
//  - AttachmentFromCtx: {"name": "invoice.pdf", "type": "application/pdf", "content":
//    "<base64>"} -> Attachment. "name": a non-empty string of at most 255 bytes, without control
//    characters, '/' or '\'; "type": optional (application/octet-stream), a media type
//    (common/mail/mail_field_checks.h); "content": the bytes in standard base64 (RFC 4648 section
//    4), checked strictly: only the alphabet, padded to a multiple of 4, no white space, no bits
//    set past the last byte. Other members are ignored.
//  - CheckAttachmentsSize: the attachments' content in all, at most `max_total_bytes`.
// Failure modes: AttachmentFromCtx: INVALID_ARGUMENT naming the member and why ("content: not
// base64 (a character outside the alphabet at offset 12)"); CheckAttachmentsSize:
// FAILED_PRECONDITION "attachments: N bytes, over the limit of M". Pure, thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/delivery/message.h"

namespace mc::execution {

inline constexpr size_t kMaxAttachmentNameBytes = 255;

[[nodiscard]] absl::StatusOr<Attachment> AttachmentFromCtx(const nlohmann::json& value);

[[nodiscard]] absl::Status CheckAttachmentsSize(const std::vector<Attachment>& attachments,
                                                size_t max_total_bytes);

}  // namespace mc::execution
