#include "execution-service/events/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kCursorAt = 1, kDigestAt = 9, kMacAt = 25;
constexpr size_t kDigestSize = 16, kMacSize = 32;
constexpr size_t kTokenBytes = kMacAt + kMacSize;  // 57: a multiple of 3, so no padding bits
constexpr size_t kTokenChars = kTokenBytes / 3 * 4;
// Keeps a MAC made with this key for anything else from ever passing as a page token.
constexpr absl::string_view kContext = "messagecenter.v1.EventService.ListEvents page_token\n";

constexpr absl::string_view kNotOurs =
    "page_token: not a token ListEvents issued (pass next_page_token back unchanged)";
constexpr absl::string_view kOtherFilter =
    "page_token: not a token ListEvents issued for this filter (queue, status, type, "
    "created_after, created_before, address, external_id and template_name must stay as they "
    "were on the first page)";

void PutBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutTime(const std::optional<absl::Time>& t, std::string* out) {
  if (!t) {
    out->push_back(0);
    return;
  }
  out->push_back(1);
  const int64_t seconds = absl::ToUnixSeconds(*t);  // floor
  const int64_t nanos = absl::ToInt64Nanoseconds(*t - absl::FromUnixSeconds(seconds));
  PutBigEndian(static_cast<uint64_t>(seconds), 8, out);
  PutBigEndian(static_cast<uint64_t>(nanos), 4, out);
}

void PutText(absl::string_view text, std::string* out) {
  PutBigEndian(text.size(), 4, out);
  out->append(text.data(), text.size());
}

// The filters added later (address, external_id, template_name), each only when set, as its
// tag (the proto field number) and its length-prefixed text.
void PutLaterFilter(char tag, absl::string_view text, std::string* out) {
  if (text.empty()) return;
  out->push_back(tag);
  PutText(text, out);
}

// The filter's canonical form: every bound field, fixed-width or length-prefixed, so two
// filters have the same form only when they are equal. The first five fields make a
// self-delimiting prefix, the form tokens had before the later filters existed: a filter
// without them keeps that form (its tokens, also those issued before, stay good), and one with
// any of them appends tagged fields in tag order (no such token was ever issued without them).
std::string CanonicalFilter(const EventFilter& f) {
  std::string out;
  out.push_back(f.queue ? static_cast<char>(*f.queue) : 0);
  out.push_back(f.status ? 1 : 0);
  out.push_back(f.status ? static_cast<char>(*f.status) : 0);
  PutTime(f.created_after, &out);
  PutTime(f.created_before, &out);
  PutText(f.type, &out);
  PutLaterFilter(8, f.address, &out);
  PutLaterFilter(9, f.external_id, &out);
  PutLaterFilter(10, f.template_name, &out);
  return out;
}

std::array<unsigned char, kDigestSize> FilterDigest(const EventFilter& f) {
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

absl::StatusOr<PageTokenCodec> PageTokenCodec::Create(std::string key) {
  if (key.size() != kKeySize) {
    OPENSSL_cleanse(key.data(), key.size());
    return absl::InvalidArgumentError(
        absl::StrCat("page token key: ", key.size(), " bytes, not ", kKeySize));
  }
  return PageTokenCodec(std::move(key));
}

PageTokenCodec::~PageTokenCodec() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string PageTokenCodec::Encode(int64_t before_id, const EventFilter& filter) const {
  if (before_id <= 0) return "";
  std::string bytes;
  bytes.reserve(kTokenBytes);
  bytes.push_back(static_cast<char>(kVersion));
  PutBigEndian(static_cast<uint64_t>(before_id), 8, &bytes);
  const std::array<unsigned char, kDigestSize> digest = FilterDigest(filter);
  bytes.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  const std::array<unsigned char, kMacSize> mac = Mac(key_, bytes);
  bytes.append(reinterpret_cast<const char*>(mac.data()), mac.size());
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<int64_t> PageTokenCodec::Decode(absl::string_view token,
                                               const EventFilter& filter) const {
  if (token.empty()) return 0;
  std::string bytes;
  // Only the exact text Encode makes: no padding, whitespace or other alphabet (re-encoding
  // must give the token back).
  if (token.size() != kTokenChars || !absl::WebSafeBase64Unescape(token, &bytes) ||
      bytes.size() != kTokenBytes || absl::WebSafeBase64Escape(bytes) != token ||
      static_cast<uint8_t>(bytes[0]) != kVersion) {
    return absl::InvalidArgumentError(kNotOurs);
  }
  const std::array<unsigned char, kMacSize> mac =
      Mac(key_, absl::string_view(bytes).substr(0, kMacAt));
  if (CRYPTO_memcmp(mac.data(), bytes.data() + kMacAt, kMacSize) != 0) {
    return absl::InvalidArgumentError(kNotOurs);
  }
  const std::array<unsigned char, kDigestSize> digest = FilterDigest(filter);
  if (CRYPTO_memcmp(digest.data(), bytes.data() + kDigestAt, kDigestSize) != 0) {
    return absl::InvalidArgumentError(kOtherFilter);
  }
  uint64_t before_id = 0;
  for (size_t i = kCursorAt; i < kDigestAt; ++i) {
    before_id = (before_id << 8) | static_cast<uint8_t>(bytes[i]);
  }
  if (before_id == 0 || before_id > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError(kNotOurs);  // never issued: Encode refuses these
  }
  return static_cast<int64_t>(before_id);
}

}  // namespace mc::execution
