#include "execution-service/bounces/verp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace mc::execution {
namespace {

// Keeps a MAC made with this key for anything else from ever passing as a return path.
constexpr absl::string_view kContext = "mc-verp-v1\n";
constexpr absl::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kMaxInstanceChars = 64;
constexpr size_t kMaxEventDigits = 19;  // INT64_MAX has 19

bool IsInstanceChar(char c) {  // the written form: lowercase, '.' as '='
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '-' || c == '=';
}

std::string WrittenInstance(absl::string_view instance_lower) {
  std::string out(instance_lower);
  for (char& c : out) {
    if (c == '.') c = '=';
  }
  return out;
}

bool ValidDomain(absl::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  size_t label = 0;
  for (char c : domain) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (absl::ascii_isalnum(c) || c == '-') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

std::string CanonicalDomain(absl::string_view domain) {
  domain = absl::StripAsciiWhitespace(domain);
  absl::ConsumeSuffix(&domain, ".");
  return absl::AsciiStrToLower(domain);
}

}  // namespace

absl::StatusOr<VerpCodec> VerpCodec::Create(std::string key, std::string bounce_domain) {
  if (key.size() != kKeySize) {
    const size_t size = key.size();
    OPENSSL_cleanse(key.data(), key.size());
    return absl::InvalidArgumentError(absl::StrCat("bounce key: ", size, " bytes, not ", kKeySize));
  }
  if (!ValidDomain(CanonicalDomain(bounce_domain))) {
    OPENSSL_cleanse(key.data(), key.size());
    return absl::InvalidArgumentError(
        absl::StrCat("bounce_domain: \"", bounce_domain,
                     "\" is not a host name (letters, digits, '-' and '.', labels of 1 to 63)"));
  }
  return VerpCodec(std::move(key), std::move(bounce_domain));
}

void VerpCodec::DigestFree::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

VerpCodec::VerpCodec(std::string key, std::string bounce_domain)
    : key_(std::move(key)),
      bounce_domain_(CanonicalDomain(bounce_domain)),
      inner_(EVP_MD_CTX_new()),
      outer_(EVP_MD_CTX_new()) {
  // RFC 2104: the key (hashed first when longer than SHA-256's 64-byte block), zero-padded.
  unsigned char block[64] = {};
  if (key_.size() > sizeof(block)) {
    unsigned int n = 0;
    EVP_Digest(key_.data(), key_.size(), block, &n, EVP_sha256(), nullptr);
  } else {
    std::copy(key_.begin(), key_.end(), block);
  }
  unsigned char pad[64];
  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = block[i] ^ 0x36;
  EVP_DigestInit_ex(inner_.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(inner_.get(), pad, sizeof(pad));
  for (size_t i = 0; i < sizeof(pad); ++i) pad[i] = block[i] ^ 0x5c;
  EVP_DigestInit_ex(outer_.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(outer_.get(), pad, sizeof(pad));
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

VerpCodec::~VerpCodec() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string VerpCodec::Signature(absl::string_view instance_lower, int queue_number,
                                 int64_t event_id) const {
  const std::string input =
      absl::StrCat(kContext, instance_lower, "\n", queue_number, "\n", event_id);
  unsigned char inner[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];
  unsigned int inner_len = 0, mac_len = 0;
  const std::unique_ptr<evp_md_ctx_st, DigestFree> ctx(EVP_MD_CTX_new());
  EVP_MD_CTX_copy_ex(ctx.get(), inner_.get());
  EVP_DigestUpdate(ctx.get(), input.data(), input.size());
  EVP_DigestFinal_ex(ctx.get(), inner, &inner_len);
  EVP_MD_CTX_copy_ex(ctx.get(), outer_.get());
  EVP_DigestUpdate(ctx.get(), inner, inner_len);
  EVP_DigestFinal_ex(ctx.get(), mac, &mac_len);
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | mac[i];
  std::string out(kSignatureChars, 'a');
  for (size_t i = 0; i < kSignatureChars; ++i) {
    out[i] = kBase32[(bits >> (64 - 5 * (i + 1))) & 0x1f];  // the top 50 bits, 5 at a time
  }
  return out;
}

std::string VerpCodec::Encode(absl::string_view instance_id, Queue queue, int64_t event_id) const {
  const std::string lower = absl::AsciiStrToLower(instance_id);
  return absl::StrCat(WrittenInstance(lower), "-", QueueNumber(queue), "-", event_id, "-",
                      Signature(lower, QueueNumber(queue), event_id), "@", bounce_domain_);
}

VerpAddress VerpCodec::Decode(absl::string_view address) const {
  VerpAddress out;
  absl::string_view a = absl::StripAsciiWhitespace(address);
  if (absl::ConsumePrefix(&a, "<") && !absl::ConsumeSuffix(&a, ">")) return out;
  a = absl::StripAsciiWhitespace(a);
  const size_t at = a.rfind('@');
  if (at == absl::string_view::npos || CanonicalDomain(a.substr(at + 1)) != bounce_domain_) {
    return out;
  }
  const std::string local = absl::AsciiStrToLower(a.substr(0, at));
  absl::string_view rest = local;

  // From the right: signature, event id, queue; what is left is the instance.
  size_t dash = rest.rfind('-');
  if (dash == absl::string_view::npos) return out;
  const absl::string_view signature = rest.substr(dash + 1);
  rest = rest.substr(0, dash);
  if (signature.size() != kSignatureChars ||
      signature.find_first_not_of(kBase32) != absl::string_view::npos) {
    return out;
  }
  dash = rest.rfind('-');
  if (dash == absl::string_view::npos) return out;
  const absl::string_view event = rest.substr(dash + 1);
  rest = rest.substr(0, dash);
  int64_t event_id = 0;
  if (event.empty() || event.size() > kMaxEventDigits || event[0] == '0' ||
      event.find_first_not_of("0123456789") != absl::string_view::npos ||
      !absl::SimpleAtoi(event, &event_id) || event_id <= 0) {
    return out;
  }
  dash = rest.rfind('-');
  if (dash == absl::string_view::npos) return out;
  const absl::string_view queue = rest.substr(dash + 1);
  const absl::string_view instance = rest.substr(0, dash);
  if (queue != "1" && queue != "2") return out;
  if (instance.empty() || instance.size() > kMaxInstanceChars) return out;
  for (char c : instance) {
    if (!IsInstanceChar(c)) return out;
  }

  std::string instance_id(instance);
  for (char& c : instance_id) {
    if (c == '=') c = '.';
  }
  const int queue_number = queue[0] - '0';
  const std::string expected = Signature(instance_id, queue_number, event_id);
  out.instance_id = std::move(instance_id);
  out.queue = QueueFromNumber(queue_number);
  out.event_id = event_id;
  out.status = CRYPTO_memcmp(expected.data(), signature.data(), kSignatureChars) == 0
                   ? VerpStatus::kOk
                   : VerpStatus::kBadSignature;
  return out;
}

}  // namespace mc::execution
