// SuppressionList: the execution instance's suppression list as operators and the control
// instance manage it (messagecenter.v1.SuppressionService): list and search, add by hand,
// remove, reactivate. Rules, apart from transport and storage (SuppressionStore):
//  - channel: 0 (email), 1 (SMS), 41 (iOS) or 42 (Android);
//  - an added address is validated for its channel (an email address, a phone number, a
//    non-empty device token of at most 4096 characters) and stored as its key
//    (events/address_key.h: an email's domain in lower case, a phone number without its
//    separators); Remove and Reactivate find the entry by the key of what they are given;
//  - reason: required, at most 500 characters; actor (who, stored as changed_by): required
//    (the RPC layer puts the caller's role when none is given), at most 128 characters; no NUL;
//  - kind: deny by default; quarantine adds a hard quarantine entry;
//  - search: an address is compared by its key (of the given channel's rule; without a channel,
//    of each rule), or is a prefix of keys when it ends in '*'; kind, states and failure_type
//    ("hard", "soft" or "") filter; page_size 1 to 1000 (0: 100); pages in (changed_at DESC,
//    channel, address) order with an opaque page token (base64url of the last entry's
//    position: not secret, a client learns nothing it cannot list);
//  - each entry's state is StateOf() at the store's clock.
// Failure modes: INVALID_ARGUMENT naming the field ("address: ..."); NOT_FOUND for an address
// without an entry; UNAVAILABLE when the store cannot be reached.
// Thread-safe (immutable; the store is).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "execution-service/suppressions/suppression.h"
#include "execution-service/suppressions/suppression_policy.h"
#include "execution-service/suppressions/suppression_store.h"

namespace mc::execution {

struct SuppressionListRequest {
  std::optional<int> channel;
  std::string address;  // "" any; a trailing '*': a prefix of keys
  SuppressionKind kind = SuppressionKind::kUnspecified;
  std::vector<SuppressionState> states;
  std::string failure_type;
  int page_size = 0;
  std::string page_token;
};

struct SuppressionListPage {
  std::vector<SuppressionEntry> entries;
  std::string next_page_token;  // "" on the last page
};

class SuppressionList {
 public:
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;

  SuppressionList(SuppressionStore& store, SuppressionPolicy policy)
      : store_(store), policy_(policy) {}

  [[nodiscard]] absl::StatusOr<SuppressionListPage> List(const SuppressionListRequest& request);
  [[nodiscard]] absl::StatusOr<SuppressionEntry> Add(int channel, const std::string& address,
                                                     SuppressionKind kind,
                                                     const std::string& reason,
                                                     const std::string& actor);
  [[nodiscard]] absl::StatusOr<SuppressionEntry> Remove(int channel, const std::string& address,
                                                        const std::string& actor);
  [[nodiscard]] absl::StatusOr<SuppressionEntry> Reactivate(int channel, const std::string& address,
                                                            const std::string& actor);

  // The page token of the page after `c`, and back (INVALID_ARGUMENT "page_token: ..." for
  // anything EncodeCursor did not make).
  static std::string EncodeCursor(const SuppressionCursor& c);
  [[nodiscard]] static absl::StatusOr<SuppressionCursor> DecodeCursor(const std::string& token);

 private:
  // The one entry of a write, with its state.
  [[nodiscard]] static absl::StatusOr<SuppressionEntry> One(absl::StatusOr<SuppressionRead> read);

  SuppressionStore& store_;
  const SuppressionPolicy policy_;
};

}  // namespace mc::execution
