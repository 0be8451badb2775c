// VERP return paths: the round trip, the shape, case-insensitivity, and the refusal of every
// tampered field, another key and another domain.
#include "execution-service/bounces/verp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace mc::execution {
namespace {

constexpr absl::string_view kDomain = "bounces.example.com";

VerpCodec Codec(char fill = 'k', absl::string_view domain = kDomain) {
  return VerpCodec(std::string(VerpCodec::kKeySize, fill), std::string(domain));
}

VerpStatus StatusOf(const VerpCodec& codec, absl::string_view address) {
  return codec.Decode(address).status;
}

// The signature as the header defines it, with OpenSSL's one-shot HMAC (the codec keys its own
// SHA-256 states once): the top 50 bits of HMAC-SHA256(key, "mc-verp-v1\n" instance "\n" queue
// "\n" id), in lowercase base32.
std::string ExpectedSignature(const std::string& key, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | mac[i];
  std::string out;
  for (int i = 0; i < 10; ++i)
    out.push_back("abcdefghijklmnopqrstuvwxyz234567"[(bits >> (59 - 5 * i)) & 0x1f]);
  return out;
}

TEST_CASE("the signature is the documented HMAC-SHA256, for any key") {
  for (const std::string& key : {std::string(32, 'k'), std::string(32, '\0'),
                                 std::string("0123456789abcdef0123456789ABCDEF")}) {
    const VerpCodec codec(key, std::string(kDomain));
    for (int64_t id : {int64_t{1}, int64_t{4815162342}, INT64_MAX}) {
      const std::string address = codec.Encode("Prod.EU-1", Queue::kBatch, id);
      const std::string local = address.substr(0, address.find('@'));
      CHECK(local.substr(local.rfind('-') + 1) ==
            ExpectedSignature(key, absl::StrCat("mc-verp-v1\nprod.eu-1\n2\n", id)));
    }
  }
}

TEST_CASE("a return path round-trips instance, queue and event id") {
  const VerpCodec codec = Codec();
  for (Queue queue : {Queue::kRealTime, Queue::kBatch}) {
    for (int64_t id : {int64_t{1}, int64_t{4815162342}, INT64_MAX}) {
      for (absl::string_view instance :
           {"prod", "eu-west-1", "a.b_c-d", ".x", "a..b", "x.", "exec-01.prod.eu"}) {
        const std::string address = codec.Encode(instance, queue, id);
        INFO(address);
        const VerpAddress back = codec.Decode(address);
        CHECK(back.status == VerpStatus::kOk);
        CHECK(back.instance_id == instance);
        CHECK(back.queue == queue);
        CHECK(back.event_id == id);
      }
    }
  }
}

TEST_CASE("the shape: lowercase fields, dots as '=', a 10-character base32 signature") {
  const VerpCodec codec = Codec();
  const std::string address = codec.Encode("Prod.EU-1", Queue::kBatch, 4815162342);
  const std::vector<std::string> parts = absl::StrSplit(address, '@');
  REQUIRE(parts.size() == 2);
  CHECK(parts[1] == kDomain);
  CHECK(absl::StartsWith(parts[0], "prod=eu-1-2-4815162342-"));
  const std::string signature = parts[0].substr(parts[0].rfind('-') + 1);
  CHECK(signature.size() == VerpCodec::kSignatureChars);
  CHECK(signature.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string::npos);
  CHECK(address == absl::AsciiStrToLower(address));
  // A dot-atom: no leading, trailing or doubled dot, whatever the instance id.
  for (absl::string_view instance : {".x", "a..b", "x."}) {
    const std::string local = codec.Encode(instance, Queue::kRealTime, 7);
    CHECK(local.find('.') > local.find('@'));
  }
  // Within RFC 5321's 64 octets for a 37-character instance and a 13-digit event id.
  const std::string long_one =
      codec.Encode(std::string(37, 'i'), Queue::kRealTime, int64_t{9999999999999});
  CHECK(long_one.find('@') == 64);
  // The same event always gets the same address; another event another signature.
  CHECK(codec.Encode("prod", Queue::kRealTime, 5) == codec.Encode("prod", Queue::kRealTime, 5));
  const std::string five = codec.Encode("prod", Queue::kRealTime, 5);
  const std::string six = codec.Encode("prod", Queue::kRealTime, 6);
  CHECK(five.substr(five.rfind('-')) != six.substr(six.rfind('-')));
}

TEST_CASE("an uppercase instance is signed lowercase and decodes lowercase") {
  const VerpCodec codec = Codec();
  const std::string address = codec.Encode("PROD-Eu", Queue::kRealTime, 42);
  CHECK(address == codec.Encode("prod-eu", Queue::kRealTime, 42));
  const VerpAddress back = codec.Decode(address);
  CHECK(back.status == VerpStatus::kOk);
  CHECK(back.instance_id == "prod-eu");
}

TEST_CASE("an MTA's upper- or lowercasing, <>, spaces and a root dot are accepted") {
  const VerpCodec codec = Codec();
  const std::string address = codec.Encode("prod.eu", Queue::kBatch, 77);
  CHECK(StatusOf(codec, absl::AsciiStrToUpper(address)) == VerpStatus::kOk);
  CHECK(codec.Decode(absl::AsciiStrToUpper(address)).instance_id == "prod.eu");
  CHECK(StatusOf(codec, absl::StrCat("<", address, ">")) == VerpStatus::kOk);
  CHECK(StatusOf(codec, absl::StrCat("  <", address, ">\r\n")) == VerpStatus::kOk);
  CHECK(StatusOf(codec, absl::StrCat(address, ".")) == VerpStatus::kOk);
  const size_t at = address.find('@');
  CHECK(StatusOf(codec, absl::StrCat(address.substr(0, at), "@BOUNCES.Example.COM")) ==
        VerpStatus::kOk);
  // The configured domain's case and root dot do not matter either.
  const VerpCodec upper = Codec('k', "Bounces.Example.Com.");
  CHECK(upper.bounce_domain() == kDomain);
  CHECK(StatusOf(upper, address) == VerpStatus::kOk);
  CHECK(upper.Encode("prod.eu", Queue::kBatch, 77) == address);
}

TEST_CASE("tampering with any field fails the signature") {
  const VerpCodec codec = Codec();
  const std::string address = codec.Encode("prod", Queue::kRealTime, 1234);
  const std::string sig = address.substr(address.rfind('-') + 1, VerpCodec::kSignatureChars);
  const std::string at_domain = absl::StrCat("@", kDomain);
  // Instance, queue, event id: each changed, the rest kept.
  const VerpAddress instance = codec.Decode(absl::StrCat("prad-1-1234-", sig, at_domain));
  CHECK(instance.status == VerpStatus::kBadSignature);
  CHECK(instance.instance_id == "prad");  // read, for logs only
  CHECK(StatusOf(codec, absl::StrCat("prod-2-1234-", sig, at_domain)) == VerpStatus::kBadSignature);
  const VerpAddress event = codec.Decode(absl::StrCat("prod-1-1235-", sig, at_domain));
  CHECK(event.status == VerpStatus::kBadSignature);
  CHECK(event.event_id == 1235);
  // Each character of the signature.
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string edited = sig;
    edited[i] = edited[i] == 'a' ? 'b' : 'a';
    CHECK(StatusOf(codec, absl::StrCat("prod-1-1234-", edited, at_domain)) ==
          VerpStatus::kBadSignature);
  }
}

TEST_CASE("another key's return path is badly signed") {
  const std::string address = Codec('k').Encode("prod", Queue::kRealTime, 99);
  CHECK(StatusOf(Codec('j'), address) == VerpStatus::kBadSignature);
  CHECK(StatusOf(Codec('k'), address) == VerpStatus::kOk);
}

TEST_CASE("another domain or another shape is not a return path of ours") {
  const VerpCodec codec = Codec();
  const std::string address = codec.Encode("prod", Queue::kRealTime, 99);
  const std::string local = address.substr(0, address.find('@'));
  const std::string sig = local.substr(local.rfind('-') + 1);
  CHECK(StatusOf(codec, absl::StrCat(local, "@example.com")) == VerpStatus::kNotVerp);
  CHECK(StatusOf(codec, absl::StrCat(local, "@x.bounces.example.com")) == VerpStatus::kNotVerp);
  CHECK(StatusOf(codec, absl::StrCat(local, "@bounces.example.com.evil")) == VerpStatus::kNotVerp);
  for (absl::string_view other : {
           "",
           "<>",
           "@bounces.example.com",
           "postmaster@bounces.example.com",
           "<prod-1-99-abcdefghij@bounces.example.com",                  // unbalanced
           "prod-1-99@bounces.example.com",                              // no signature
           "prod-1-99-abcdefghi@bounces.example.com",                    // 9 characters
           "prod-1-99-abcdefghijk@bounces.example.com",                  // 11
           "prod-1-99-abcdefgh1j@bounces.example.com",                   // '1' is not base32
           "prod-3-99-abcdefghij@bounces.example.com",                   // no queue 3
           "prod-0-99-abcdefghij@bounces.example.com",                   // no queue 0
           "prod-1-099-abcdefghij@bounces.example.com",                  // leading zero
           "prod-1-0-abcdefghij@bounces.example.com",                    // event 0
           "prod-1-9223372036854775808-abcdefghij@bounces.example.com",  // > INT64_MAX
           "prod-1-9x-abcdefghij@bounces.example.com",                   // not decimal
           "-1-99-abcdefghij@bounces.example.com",                       // no instance
           "pr+od-1-99-abcdefghij@bounces.example.com",  // not an instance character
           "pr.od-1-99-abcdefghij@bounces.example.com",  // dots are written '='
           "1-99-abcdefghij@bounces.example.com",
       }) {
    INFO(other);
    CHECK(StatusOf(codec, other) == VerpStatus::kNotVerp);
  }
  CHECK(StatusOf(codec, absl::StrCat(std::string(65, 'i'), "-1-99-", sig, "@", kDomain)) ==
        VerpStatus::kNotVerp);
  const VerpAddress none = codec.Decode("someone@example.com");
  CHECK(none.instance_id.empty());
  CHECK(none.event_id == 0);
}

TEST_CASE("Create checks the key's size and the domain") {
  CHECK(VerpCodec::Create(std::string(32, 'k'), "bounces.example.com").ok());
  absl::StatusOr<VerpCodec> short_key = VerpCodec::Create(std::string(31, 'k'), "b.example.com");
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(short_key.status().message() == "bounce key: 31 bytes, not 32");
  for (absl::string_view domain : {"", ".", "a..b", "a b.com", "x@y.com"}) {
    INFO(domain);
    absl::StatusOr<VerpCodec> bad = VerpCodec::Create(std::string(32, 'k'), std::string(domain));
    CHECK_FALSE(bad.ok());
  }
  CHECK(VerpCodec::Create(std::string(32, 'k'), std::string(64, 'a') + ".com").status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace mc::execution
