// VerpCodec: the signed return path (envelope MAIL FROM, VERP) of each email, and its decoding
// when a bounce or an auto-reply comes back to it.
//
// Shape: <instance>-<queue>-<event id>-<signature>@<bounce domain>, all lowercase, e.g.
//   prod=eu-1-2-4815162342-k3j5h2abqd@bounces.example.com
//   - instance: the instance id lowercased, each '.' written as '=' (an id such as ".x" or
//     "a..b" would otherwise make the local part an invalid dot-atom; '=' is atext, as in
//     classic VERP, and never part of an instance id, so the mapping is reversible). Instance
//     ids match ^[A-Za-z0-9_.-]{1,64}$ and may hold '-': the fields are read from the right;
//   - queue: QueueNumber (1 real-time, 2 batch);
//   - event id: decimal, positive, no leading zero;
//   - signature: 10 characters of lowercase base32 (RFC 4648 alphabet a-z 2-7): the first 50
//     bits of HMAC-SHA256(key, "mc-verp-v1\n" instance "\n" queue "\n" event id), the instance
//     lowercase with its dots.
// Why so: MTAs may lowercase (rarely uppercase) a local part, so every field is
// case-insensitive: the instance is signed and returned in lowercase (compare it with the
// instance's own id case-insensitively), the signature is base32, not base64. 50 bits, because
// a forger can only guess online, one bounce per guess sent to our listener (the key never
// leaves the instance, so there is nothing to test guesses against offline): 2^50 guesses are
// out of reach, and every wrong one is counted and dropped; more bits would only lengthen an
// address that should stay within RFC 5321's 64-octet local part. The fixed fields take 14
// characters plus the event id's digits, so an instance id of up to 37 characters stays within
// 64 octets for event ids below 10^13; a longer id gives a longer local part, which Postfix
// and Exim take by default but a strict relay may refuse.
//
// Decode accepts the address bare or in <>, with surrounding spaces, the domain in any case
// (and a trailing root dot), the local part in any case. kNotVerp: another domain, or not this
// shape (a field missing, out of range or with other characters). kBadSignature: the shape and
// the domain are right but the signature is not this key's (forged, edited, another key); the
// fields are then filled as read, for logs and counters only, never to act on.
//
// Preconditions: the key is 32 bytes (Create checks it; the constructor takes any key, as HMAC
// does), the instance id matches the pattern above and the event id is positive (Encode of
// anything else gives an address Decode refuses as kNotVerp). The key never appears in any
// output. Thread-safe (immutable after construction); the key is wiped on destruction. The HMAC
// is keyed once, at construction (SHA-256 states after the key's inner and outer pads, copied
// per signature): OpenSSL 3's one-shot HMAC() fetches and keys anew on every call, several
// times the cost of the hashing itself, on the path of every email.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "execution-service/events/queue.h"

struct evp_md_ctx_st;

namespace mc::execution {

enum class VerpStatus { kOk, kNotVerp, kBadSignature };

struct VerpAddress {
  VerpStatus status = VerpStatus::kNotVerp;
  std::string instance_id;  // lowercase; empty for kNotVerp
  Queue queue = Queue::kRealTime;
  int64_t event_id = 0;  // 0 for kNotVerp
};

class VerpCodec {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kSignatureChars = 10;  // 50 bits of base32

  // INVALID_ARGUMENT unless the key has kKeySize bytes and the domain is a host name
  // (letters, digits, '-' and '.', at most 253 characters, no empty label).
  [[nodiscard]] static absl::StatusOr<VerpCodec> Create(std::string key, std::string bounce_domain);

  VerpCodec(std::string key, std::string bounce_domain);
  VerpCodec(VerpCodec&& other) noexcept = default;
  VerpCodec& operator=(VerpCodec&& other) noexcept = default;
  VerpCodec(const VerpCodec&) = delete;
  VerpCodec& operator=(const VerpCodec&) = delete;
  ~VerpCodec();

  // The return path, without <>.
  std::string Encode(absl::string_view instance_id, Queue queue, int64_t event_id) const;
  VerpAddress Decode(absl::string_view address) const;

  const std::string& bounce_domain() const { return bounce_domain_; }

 private:
  std::string Signature(absl::string_view instance_lower, int queue_number, int64_t event_id) const;

  struct DigestFree {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::string key_;
  std::string bounce_domain_;  // lowercase, without a trailing dot
  // SHA-256 after key ^ ipad and after key ^ opad (RFC 2104); never changed after construction.
  std::unique_ptr<evp_md_ctx_st, DigestFree> inner_, outer_;
};

}  // namespace mc::execution
