#include "control-service/webhooks/subscription_validation.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace mc::control {
namespace {

// The names of subscriptions and event types: as templates' internal names and event types
// (common/personalisation/template_validation.cc).
absl::Status CheckName(const std::string& field, const std::string& value) {
  if (value.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": longer than 64 characters"));
  }
  bool valid = !value.empty() && absl::ascii_isalpha(static_cast<unsigned char>(value[0]));
  for (char c : value) {
    valid = valid && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
                      c == '.');
  }
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": required; a letter then letters, digits, '_', '-' or '.'"));
  }
  return absl::OkStatus();
}

absl::Status CheckUrl(const std::string& url) {
  if (url.empty()) return absl::InvalidArgumentError("url: required");
  if (url.size() > kMaxUrlLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("url: longer than ", kMaxUrlLength, " characters"));
  }
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return absl::InvalidArgumentError(
          "url: only printable ASCII without spaces (percent-encode the rest)");
    }
  }
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError("url: must start with https:// or http://");
  }
  absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {  // an IPv6 literal
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("url: an IPv6 host needs its closing ']'");
    }
    host = authority.substr(0, close + 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) {
      return absl::InvalidArgumentError("url: unexpected text after the IPv6 host");
    }
    port = after;
    if (host.size() == 2) return absl::InvalidArgumentError("url: no host");
  } else if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return absl::InvalidArgumentError("url: no host");
  if (authority.size() != host.size()) {
    int number = 0;
    if (port.empty() || !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535 ||
        !absl::ascii_isdigit(static_cast<unsigned char>(port[0]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("url: port '", port, "' is not a number from 1 to 65535"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateSubscription(const Subscription& s) {
  if (absl::Status st = CheckName("name", s.name); !st.ok()) return st;
  if (absl::Status st = CheckUrl(s.url); !st.ok()) return st;
  std::set<int> statuses;
  for (size_t i = 0; i < s.statuses.size(); ++i) {
    const int status = s.statuses[i];
    if (status < 1 || status > 7) {
      return absl::InvalidArgumentError(absl::StrCat(
          "statuses[", i, "]: ", status,
          " is not a status that sends a webhook (1 PENDING_DELIVERY to 7 CANCELLED)"));
    }
    if (!statuses.insert(status).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("statuses[", i, "]: ", status, " given twice"));
    }
  }
  if (s.event_types.size() > kMaxEventTypes) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_types: more than ", kMaxEventTypes, " event types"));
  }
  std::set<std::string> types;
  for (size_t i = 0; i < s.event_types.size(); ++i) {
    const std::string field = absl::StrCat("event_types[", i, "]");
    if (absl::Status st = CheckName(field, s.event_types[i]); !st.ok()) return st;
    if (!types.insert(s.event_types[i]).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", s.event_types[i], "' given twice"));
    }
  }
  if (s.max_batch < 0 || s.max_batch > kMaxBatch) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_batch: ", s.max_batch, " is not from 0 to ", kMaxBatch));
  }
  return absl::OkStatus();
}

}  // namespace mc::control
