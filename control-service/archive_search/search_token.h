// SearchTokenCodec: the page tokens of ArchiveService.SearchEvents, opaque to clients, bound to
// the filter they were issued for, and tamper-evident, in the form of the execution instances'
// ListEvents tokens (execution-service/events/page_token.h).
//
// A token is base64url without padding of: a version byte (1); the keyset cursor (the received
// time in microseconds and the event id, 8 bytes big-endian each; the account's length, 2 bytes,
// then its bytes: account names have at most 40 characters); the first 16 bytes of the SHA-256 of
// the filter's canonical form; and the HMAC-SHA256, under the control's key (search_token_key,
// migration 0006), of a context label and everything before it. The filter bound is every field of
// SearchFilter (the accounts as a set: order and repeats do not matter); the page size is not (it
// may change from page to page: the cursor is a place in the order, so pages stay exact). The
// cursor is not encrypted: a client that decodes a token learns an event it was shown; it cannot
// make one.
//
// Encode: the token for the page after `cursor` under `filter`. Decode: the cursor a token
// carries; nullopt for an empty token (the first page).
// Failure modes (Decode): INVALID_ARGUMENT "page_token: ..." for anything but a token Encode made
// with this key for an equal filter: other length or characters (spaces, padding, truncation),
// an edited character, a token of another key, a token of another filter (a message of its
// own). The MAC is compared in constant time; the key never appears in a message.
// Thread-safe (immutable after construction).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "control-service/archive_search/archived_story.h"

namespace mc::control {

class SearchTokenCodec {
 public:
  static constexpr size_t kKeySize = 32;

  // INVALID_ARGUMENT unless `key` has kKeySize bytes.
  [[nodiscard]] static absl::StatusOr<SearchTokenCodec> Create(std::string key);

  SearchTokenCodec(SearchTokenCodec&& other) noexcept = default;
  SearchTokenCodec& operator=(SearchTokenCodec&& other) noexcept = default;
  SearchTokenCodec(const SearchTokenCodec&) = delete;
  SearchTokenCodec& operator=(const SearchTokenCodec&) = delete;
  ~SearchTokenCodec();  // wipes the key

  std::string Encode(const StoryCursor& cursor, const SearchFilter& filter) const;
  [[nodiscard]] absl::StatusOr<std::optional<StoryCursor>> Decode(absl::string_view token,
                                                                  const SearchFilter& filter) const;

 private:
  explicit SearchTokenCodec(std::string key) : key_(std::move(key)) {}

  std::string key_;
};

}  // namespace mc::control
