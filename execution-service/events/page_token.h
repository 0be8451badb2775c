// PageTokenCodec: the page tokens of ListEvents, opaque to clients, bound to the filter they were
// issued for, and tamper-evident.
//
// A token is base64url without padding (76 characters) of 57 bytes: a version byte (1); the
// keyset cursor (EventFilter::before_id, 8 bytes big-endian); the first 16 bytes of the SHA-256
// of the filter's canonical form; and the HMAC-SHA256, under the instance's key, of a context
// label and those 25 bytes. The filter bound is queue, status, type, created_after,
// created_before, address, external_id and template_name; page_size is not (it may change from
// page to page: the cursor is an id, so pages stay exact), nor before_id (that is the cursor).
// The last three were added later: a filter that sets none of them has the canonical form it
// had before (so tokens issued by an older instance, or by an older replica during a rolling
// upgrade, are still taken for the same filter, and mean the same page), and a filter that
// sets any of them has a longer form no older token matches (refused as another filter's; an
// older replica, which ignores those fields, likewise refuses the newer tokens that carry them).
// The cursor is not encrypted: a client that decodes a token learns an event id it could read
// anyway; it cannot make one.
//
// Encode: the token for the page after `before_id` under `filter`; empty when before_id <= 0
// (no next page). Decode: the before_id a token carries; 0 for an empty token (the first page).
// Failure modes (Decode): INVALID_ARGUMENT "page_token: ..." for anything but a token Encode made
// with this key for an equal filter: other length or characters (spaces, padding, truncation),
// an edited character, a token of another key (another instance), a token of another filter
// (a message of its own). The MAC is compared in constant time; the key never appears in a
// message. Thread-safe (immutable after construction).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "execution-service/events/event.h"

namespace mc::execution {

class PageTokenCodec {
 public:
  static constexpr size_t kKeySize = 32;

  // INVALID_ARGUMENT unless `key` has kKeySize bytes.
  [[nodiscard]] static absl::StatusOr<PageTokenCodec> Create(std::string key);

  PageTokenCodec(PageTokenCodec&& other) noexcept = default;
  PageTokenCodec& operator=(PageTokenCodec&& other) noexcept = default;
  PageTokenCodec(const PageTokenCodec&) = delete;
  PageTokenCodec& operator=(const PageTokenCodec&) = delete;
  ~PageTokenCodec();  // wipes the key

  std::string Encode(int64_t before_id, const EventFilter& filter) const;
  [[nodiscard]] absl::StatusOr<int64_t> Decode(absl::string_view token,
                                               const EventFilter& filter) const;

 private:
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}

  std::string key_;
};

}  // namespace mc::execution
