#include "execution-service/suppressions/suppression_list.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text/utf8.h"
#include "execution-service/events/address_key.h"
#include "execution-service/events/event_validator.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxAddress = 4096;  // a device token's limit, the longest address
constexpr size_t kMaxReason = 500;
constexpr size_t kMaxActor = 128;

bool ValidChannel(int c) { return c == 0 || c == 1 || c == 41 || c == 42; }

absl::Status CheckChannel(int channel) {
  if (ValidChannel(channel)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("channel: ", channel, " is not 0 (email), 1 (SMS), 41 (iOS) or 42 (Android)"));
}

absl::Status CheckText(const char* field, const std::string& text, size_t max, bool required) {
  if (required && text.empty())
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  if (absl::StrContains(text, '\0')) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not contain NUL"));
  }
  if (text::CodePoints(text) > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than ", max, " characters"));
  }
  return absl::OkStatus();
}

// An address to add: valid for its channel.
absl::Status CheckNewAddress(int channel, const std::string& address) {
  if (absl::Status s = CheckText("address", address, kMaxAddress, true); !s.ok()) return s;
  if (channel == 0 && !IsValidEmail(address)) {
    return absl::InvalidArgumentError("address: not an email address");
  }
  if (channel == 1 && NormalisePhone(address).empty()) {
    return absl::InvalidArgumentError(
        "address: not a phone number (optional '+', then 6 to 15 digits)");
  }
  return absl::OkStatus();
}

// The key a prefix of an address is compared by: an email's domain part in lower case, a phone
// number's separators dropped.
std::string PrefixKey(int channel, absl::string_view prefix) {
  if (channel == 1) {
    std::string out;
    for (char c : prefix) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '+') {
        out.push_back(c);
      } else if (absl::string_view(" ().-").find(c) == absl::string_view::npos) {
        return std::string(prefix);  // not a phone number's
      }
    }
    return out;
  }
  return AddressKey(channel, prefix);
}

absl::Status CheckActor(const std::string& actor) {
  return CheckText("actor", actor, kMaxActor, true);
}

}  // namespace

std::string SuppressionList::EncodeCursor(const SuppressionCursor& c) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("1|", absl::ToUnixMicros(c.changed_at), "|", c.channel, "|", c.address));
}

absl::StatusOr<SuppressionCursor> SuppressionList::DecodeCursor(const std::string& token) {
  const absl::Status bad = absl::InvalidArgumentError(
      "page_token: not a token of this list (pass next_page_token as it was returned)");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return bad;
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 3));
  int64_t micros = 0;
  int channel = 0;
  if (parts.size() != 4 || parts[0] != "1" || !absl::SimpleAtoi(parts[1], &micros) ||
      !absl::SimpleAtoi(parts[2], &channel) || !ValidChannel(channel)) {
    return bad;
  }
  return SuppressionCursor{
      .changed_at = absl::FromUnixMicros(micros), .channel = channel, .address = parts[3]};
}

absl::StatusOr<SuppressionListPage> SuppressionList::List(const SuppressionListRequest& r) {
  SuppressionQuery q;
  if (r.channel) {
    if (absl::Status s = CheckChannel(*r.channel); !s.ok()) return s;
    q.channel = r.channel;
  }
  if (absl::Status s = CheckText("address", r.address, kMaxAddress, false); !s.ok()) return s;
  std::string text = r.address;
  q.prefix = absl::EndsWith(text, "*");
  if (q.prefix) text.pop_back();
  if (!text.empty()) {
    const auto key = [&](int channel) {
      return q.prefix ? PrefixKey(channel, text) : AddressKey(channel, text);
    };
    if (q.channel) {
      q.keys.push_back(key(*q.channel));
    } else {
      for (int channel : {0, 1, 41}) {
        std::string k = key(channel);
        if (std::find(q.keys.begin(), q.keys.end(), k) == q.keys.end()) {
          q.keys.push_back(std::move(k));
        }
      }
    }
  } else {
    q.prefix = false;  // "*" alone: any address
  }
  if (r.kind != SuppressionKind::kUnspecified && r.kind != SuppressionKind::kQuarantine &&
      r.kind != SuppressionKind::kDeny) {
    return absl::InvalidArgumentError("kind: unknown");
  }
  q.kind = r.kind;
  for (SuppressionState s : r.states) {
    if (static_cast<int>(s) < 1 || static_cast<int>(s) > 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("states: unknown state ", static_cast<int>(s)));
    }
  }
  q.states = r.states;
  if (!r.failure_type.empty() && r.failure_type != "hard" && r.failure_type != "soft") {
    return absl::InvalidArgumentError("failure_type: must be \"hard\", \"soft\" or empty");
  }
  q.failure_type = r.failure_type;
  if (r.page_size < 0 || r.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ",
                                                   kMaxPageSize, " (0: ", kDefaultPageSize, ")"));
  }
  const int page_size = r.page_size == 0 ? kDefaultPageSize : r.page_size;
  if (!r.page_token.empty()) {
    absl::StatusOr<SuppressionCursor> after = DecodeCursor(r.page_token);
    if (!after.ok()) return after.status();
    q.after = *std::move(after);
  }
  q.limit = page_size + 1;  // one more tells whether a next page exists
  absl::StatusOr<SuppressionRead> read = store_.List(q);
  if (!read.ok()) return read.status();
  SuppressionListPage page;
  page.entries = std::move(read->entries);
  if (static_cast<int>(page.entries.size()) > page_size) {
    page.entries.resize(page_size);
    const SuppressionEntry& last = page.entries.back();
    page.next_page_token = EncodeCursor(
        {.changed_at = last.changed_at, .channel = last.channel, .address = last.address});
  }
  for (SuppressionEntry& e : page.entries) {
    e.state = StateOf(e.active, e.removed, e.expires, read->now);
  }
  return page;
}

absl::StatusOr<SuppressionEntry> SuppressionList::One(absl::StatusOr<SuppressionRead> read) {
  if (!read.ok()) return read.status();
  if (read->entries.empty()) return absl::InternalError("the store returned no entry");
  SuppressionEntry e = std::move(read->entries.front());
  e.state = StateOf(e.active, e.removed, e.expires, read->now);
  return e;
}

absl::StatusOr<SuppressionEntry> SuppressionList::Add(int channel, const std::string& address,
                                                      SuppressionKind kind,
                                                      const std::string& reason,
                                                      const std::string& actor) {
  if (absl::Status s = CheckChannel(channel); !s.ok()) return s;
  if (absl::Status s = CheckNewAddress(channel, address); !s.ok()) return s;
  if (kind == SuppressionKind::kUnspecified) kind = SuppressionKind::kDeny;
  if (kind != SuppressionKind::kQuarantine && kind != SuppressionKind::kDeny) {
    return absl::InvalidArgumentError("kind: must be QUARANTINE or DENY");
  }
  if (absl::Status s = CheckText("reason", reason, kMaxReason, true); !s.ok()) return s;
  if (absl::Status s = CheckActor(actor); !s.ok()) return s;
  std::string key = AddressKey(channel, channel == 1 ? NormalisePhone(address) : address);
  return One(store_.Add({.channel = channel,
                         .address = std::move(key),
                         .kind = kind,
                         .reason = reason,
                         .changed_by = actor}));
}

absl::StatusOr<SuppressionEntry> SuppressionList::Remove(int channel, const std::string& address,
                                                         const std::string& actor) {
  if (absl::Status s = CheckChannel(channel); !s.ok()) return s;
  if (absl::Status s = CheckText("address", address, kMaxAddress, true); !s.ok()) return s;
  if (absl::Status s = CheckActor(actor); !s.ok()) return s;
  return One(store_.Remove(channel, AddressKey(channel, address), actor));
}

absl::StatusOr<SuppressionEntry> SuppressionList::Reactivate(int channel,
                                                             const std::string& address,
                                                             const std::string& actor) {
  if (absl::Status s = CheckChannel(channel); !s.ok()) return s;
  if (absl::Status s = CheckText("address", address, kMaxAddress, true); !s.ok()) return s;
  if (absl::Status s = CheckActor(actor); !s.ok()) return s;
  return One(store_.Reactivate(channel, AddressKey(channel, address), actor, policy_.soft_expiry));
}

}  // namespace mc::execution
