#include "control-service/archive_search/search_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace mc::control {
namespace {

constexpr uint8_t kVersion = 1;
// version | received_us (8) | event_id (8) | account length (2) | account | digest | MAC
constexpr size_t kReceivedAt = 1, kEventIdAt = 9, kAccountLengthAt = 17, kAccountAt = 19;
constexpr size_t kDigestSize = 16, kMacSize = 32;
constexpr size_t kMinTokenBytes = kAccountAt + kDigestSize + kMacSize;
// Keeps a MAC made with this key for anything else from ever passing as a page token.
constexpr absl::string_view kContext =
    "messagecenter.control.v1.ArchiveService.SearchEvents page_token\n";

constexpr absl::string_view kNotOurs =
    "page_token: not a token SearchEvents issued (pass next_page_token back unchanged)";
constexpr absl::string_view kOtherFilter =
    "page_token: not a token SearchEvents issued for this filter (accounts, address, "
    "external_id, event_type, status, received_after and received_before must stay as they were "
    "on the first page)";

void PutBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetBigEndian(absl::string_view bytes) {
  uint64_t v = 0;
  for (char c : bytes) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

void PutText(absl::string_view text, std::string* out) {
  PutBigEndian(text.size(), 4, out);
  out->append(text.data(), text.size());
}

void PutTime(const std::optional<absl::Time>& t, std::string* out) {
  out->push_back(t ? 1 : 0);
  PutBigEndian(t ? static_cast<uint64_t>(absl::ToUnixMicros(*t)) : 0, 8, out);
}

// The filter's canonical form: every field, fixed-width or length-prefixed, the accounts sorted
// and without repeats, so two filters have the same form only when they select the same events.
std::string CanonicalFilter(const SearchFilter& f) {
  const std::set<std::string> accounts(f.accounts.begin(), f.accounts.end());
  std::string out;
  PutBigEndian(accounts.size(), 4, &out);
  for (const std::string& a : accounts) PutText(a, &out);
  PutText(f.address, &out);
  PutText(f.external_id, &out);
  PutText(f.event_type, &out);
  out.push_back(f.status ? 1 : 0);
  PutBigEndian(f.status ? static_cast<uint32_t>(*f.status) : 0, 4, &out);
  PutTime(f.received_after, &out);
  PutTime(f.received_before, &out);
  return out;
}

std::array<unsigned char, kDigestSize> FilterDigest(const SearchFilter& f) {
  const std::string canonical = CanonicalFilter(f);
  unsigned char full[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), full);
  std::array<unsigned char, kDigestSize> digest;
  std::copy(full, full + kDigestSize, digest.begin());
  return digest;
}

// HMAC-SHA256(key, kContext || body).
std::array<unsigned char, kMacSize> Mac(const std::string& key, absl::string_view body) {
  const std::string input = absl::StrCat(kContext, body);
  std::array<unsigned char, kMacSize> mac;
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), &size);
  return mac;
}

}  // namespace

absl::StatusOr<SearchTokenCodec> SearchTokenCodec::Create(std::string key) {
  if (key.size() != kKeySize) {
    OPENSSL_cleanse(key.data(), key.size());
    return absl::InvalidArgumentError(
        absl::StrCat("search token key: ", key.size(), " bytes, not ", kKeySize));
  }
  return SearchTokenCodec(std::move(key));
}

SearchTokenCodec::~SearchTokenCodec() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string SearchTokenCodec::Encode(const StoryCursor& cursor, const SearchFilter& filter) const {
  const absl::string_view account =
      absl::string_view(cursor.account).substr(0, std::numeric_limits<uint16_t>::max());
  std::string bytes;
  bytes.reserve(kMinTokenBytes + account.size());
  bytes.push_back(static_cast<char>(kVersion));
  PutBigEndian(static_cast<uint64_t>(absl::ToUnixMicros(cursor.received)), 8, &bytes);
  PutBigEndian(static_cast<uint64_t>(cursor.event_id), 8, &bytes);
  PutBigEndian(account.size(), 2, &bytes);
  bytes.append(account.data(), account.size());
  const std::array<unsigned char, kDigestSize> digest = FilterDigest(filter);
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  const std::array<unsigned char, kMacSize> mac = Mac(key_, bytes);
  bytes.append(reinterpret_cast<const char*>(mac.data()), mac.size());
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<std::optional<StoryCursor>> SearchTokenCodec::Decode(
    absl::string_view token, const SearchFilter& filter) const {
  if (token.empty()) return std::nullopt;
  std::string bytes;
  // Only the exact text Encode makes: no padding, whitespace or other alphabet (re-encoding
  // must give the token back).
  if (!absl::WebSafeBase64Unescape(token, &bytes) || bytes.size() < kMinTokenBytes ||
      absl::WebSafeBase64Escape(bytes) != token || static_cast<uint8_t>(bytes[0]) != kVersion) {
    return absl::InvalidArgumentError(kNotOurs);
  }
  const absl::string_view view(bytes);
  const size_t account_size = GetBigEndian(view.substr(kAccountLengthAt, 2));
  if (bytes.size() != kMinTokenBytes + account_size) return absl::InvalidArgumentError(kNotOurs);
  const size_t digest_at = kAccountAt + account_size, mac_at = digest_at + kDigestSize;
  const std::array<unsigned char, kMacSize> mac = Mac(key_, view.substr(0, mac_at));
  if (CRYPTO_memcmp(mac.data(), bytes.data() + mac_at, kMacSize) != 0) {
    return absl::InvalidArgumentError(kNotOurs);
  }
  const std::array<unsigned char, kDigestSize> digest = FilterDigest(filter);
  if (CRYPTO_memcmp(digest.data(), bytes.data() + digest_at, kDigestSize) != 0) {
    return absl::InvalidArgumentError(kOtherFilter);
  }
  return StoryCursor{.received = absl::FromUnixMicros(
                         static_cast<int64_t>(GetBigEndian(view.substr(kReceivedAt, 8)))),
                     .account = std::string(view.substr(kAccountAt, account_size)),
                     .event_id = static_cast<int64_t>(GetBigEndian(view.substr(kEventIdAt, 8)))};
}

}  // namespace mc::control
