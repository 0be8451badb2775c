#include "execution-service/events/page_token.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

PageTokenCodec Codec(char fill = 'k') {
  absl::StatusOr<PageTokenCodec> codec = PageTokenCodec::Create(std::string(32, fill));
  REQUIRE(codec.ok());
  return *std::move(codec);
}

EventFilter Filter() {
  return EventFilter{.queue = Queue::kRealTime,
                     .status = EventStatus::kPending,
                     .type = "PAGED",
                     .created_after = absl::FromUnixSeconds(1700000000),
                     .created_before = absl::FromUnixMicros(1800000000123456),
                     .page_size = 10};
}

// The message of a refused token; "ok" when it was accepted.
std::string Refusal(const PageTokenCodec& codec, absl::string_view token,
                    const EventFilter& filter = Filter()) {
  absl::StatusOr<int64_t> id = codec.Decode(token, filter);
  if (id.ok()) return "ok";
  CHECK(id.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(id.status().message());
}

bool RefusedAsNotOurs(const PageTokenCodec& codec, absl::string_view token) {
  const std::string why = Refusal(codec, token);
  return why.rfind("page_token: not a token ListEvents issued (", 0) == 0;
}

TEST_CASE("a token round-trips its cursor under the same filter") {
  const PageTokenCodec codec = Codec();
  for (int64_t id : {int64_t{1}, int64_t{2505}, int64_t{1} << 40, INT64_MAX}) {
    const std::string token = codec.Encode(id, Filter());
    CHECK(token.size() == 76);
    CHECK(token.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    CHECK(token.find(absl::StrCat(id)) == std::string::npos);
    absl::StatusOr<int64_t> back = codec.Decode(token, Filter());
    REQUIRE(back.ok());
    CHECK(*back == id);
  }
}

TEST_CASE("page_size and the cursor in the filter are not bound; the empty token is page one") {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode(2505, Filter());
  EventFilter other = Filter();
  other.page_size = 1000;
  other.before_id = 77;
  CHECK(*codec.Decode(token, other) == 2505);
  CHECK(*codec.Decode("", Filter()) == 0);
  CHECK(codec.Encode(0, Filter()).empty());  // no next page
  CHECK(codec.Encode(-3, Filter()).empty());
}

TEST_CASE("a padded, truncated, extended or re-padded token is refused") {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode(2505, Filter());
  CHECK(RefusedAsNotOurs(codec, " " + token + " "));
  CHECK(RefusedAsNotOurs(codec, token + " "));
  CHECK(RefusedAsNotOurs(codec, token + "\n"));
  CHECK(RefusedAsNotOurs(codec, token + "="));
  CHECK(RefusedAsNotOurs(codec, token + "A"));
  CHECK(RefusedAsNotOurs(codec, token.substr(0, token.size() - 1)));
  CHECK(RefusedAsNotOurs(codec, token.substr(0, 2)));
  CHECK(RefusedAsNotOurs(codec, token.substr(1)));
  // The same bytes in standard base64 (with + and /) or with padding are not the token either.
  std::string bytes;
  REQUIRE(absl::WebSafeBase64Unescape(token, &bytes));
  const std::string standard = absl::Base64Escape(bytes);
  if (standard != token) CHECK(RefusedAsNotOurs(codec, standard));
}

TEST_CASE("every one-character edit of a token is refused") {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode(2505, Filter());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  int edits = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {alphabet[(alphabet.find(token[i]) + 1) % 64],
                   alphabet[(alphabet.find(token[i]) + 32) % 64], '+', '.'}) {
      std::string edited = token;
      edited[i] = c;
      INFO("position " << i << " -> " << c);
      CHECK(RefusedAsNotOurs(codec, edited));
      ++edits;
    }
  }
  CHECK(edits == 4 * 76);
}

TEST_CASE("a token whose cursor bytes were rewritten keeps no valid MAC") {
  const PageTokenCodec codec = Codec();
  std::string bytes;
  REQUIRE(absl::WebSafeBase64Unescape(codec.Encode(2505, Filter()), &bytes));
  bytes[8] = static_cast<char>(bytes[8] ^ 0x01);  // 2505 -> 2504: a neighbouring page
  CHECK(RefusedAsNotOurs(codec, absl::WebSafeBase64Escape(bytes)));
}

TEST_CASE("bare numbers and other nonsense are refused") {
  const PageTokenCodec codec = Codec();
  for (const char* nonsense :
       {"2505", " 2505 ", "25", "1505", "0", "-1", "garbage", " ", "=", "AAAA", "____"}) {
    INFO(nonsense);
    CHECK(RefusedAsNotOurs(codec, nonsense));
  }
  CHECK(RefusedAsNotOurs(codec, std::string(76, 'A')));  // right length, version 0, no MAC
  CHECK(RefusedAsNotOurs(codec, std::string(76, '_')));
}

TEST_CASE("a token issued for another filter is refused with its own message") {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode(2505, Filter());
  std::vector<EventFilter> others(8, Filter());
  others[0].queue = Queue::kBatch;
  others[1].queue.reset();
  others[2].status = EventStatus::kSent;
  others[3].status.reset();
  others[4].type = "PAGEDX";
  others[5].created_after.reset();
  others[6].created_before = *others[6].created_before + absl::Nanoseconds(1);
  others[7].created_after = others[7].created_before;  // fields are not interchangeable
  others[7].created_before = Filter().created_after;
  for (size_t i = 0; i < others.size(); ++i) {
    INFO("filter change #" << i);
    CHECK(Refusal(codec, token, others[i])
              .rfind("page_token: not a token ListEvents issued for this filter (", 0) == 0);
  }
  // Both directions: a token of the broader filter does not fit the narrower one.
  CHECK(Refusal(codec, codec.Encode(9, EventFilter{}), Filter()) != "ok");
  CHECK(Refusal(codec, codec.Encode(9, EventFilter{}), EventFilter{}) == "ok");
}

TEST_CASE("address, external_id and template_name are bound too, each on its own") {
  const PageTokenCodec codec = Codec();
  EventFilter narrow = Filter();
  narrow.address = "someone@example.test";
  narrow.external_id = "order-1";
  narrow.template_name = "shipped";
  const std::string token = codec.Encode(2505, narrow);
  CHECK(*codec.Decode(token, narrow) == 2505);
  std::vector<EventFilter> others(7, narrow);
  others[0].address = "someone@EXAMPLE.TEST";  // the same key, yet another filter as given
  others[1].address.clear();
  others[2].external_id = "order-2";
  others[3].external_id.clear();
  others[4].template_name = "shipped2";
  others[5].template_name.clear();
  // The same text under another field is another filter.
  others[6].address = narrow.external_id;
  others[6].external_id = narrow.address;
  for (size_t i = 0; i < others.size(); ++i) {
    INFO("filter change #" << i);
    CHECK(Refusal(codec, token, others[i])
              .rfind("page_token: not a token ListEvents issued for this filter (", 0) == 0);
  }
  // A token of the filter without them does not fit the filter with one, and back.
  CHECK(Refusal(codec, codec.Encode(9, Filter()), others[1]) != "ok");
  EventFilter address_only = Filter();
  address_only.address = "someone@example.test";
  CHECK(Refusal(codec, codec.Encode(9, address_only), Filter()) != "ok");
  EventFilter template_only = Filter();
  template_only.template_name = "someone@example.test";
  CHECK(Refusal(codec, codec.Encode(9, address_only), template_only) != "ok");
}

TEST_CASE("a filter without the later fields keeps the form tokens had before them") {
  // Made by the codec as it was before address, external_id and template_name (key 32 x 'k',
  // cursor 2505, Filter()): still this filter's token, so paging survives an upgrade.
  constexpr absl::string_view kIssuedBefore =
      "AQAAAAAAAAnJ6qBspax9v9bCrKzc8zZTvd8FNerJqMoEUyKXl1HjHgJvGydiVz8s1Mij4qYncpQl";
  const PageTokenCodec codec = Codec();
  CHECK(codec.Encode(2505, Filter()) == kIssuedBefore);
  CHECK(*codec.Decode(kIssuedBefore, Filter()) == 2505);
  EventFilter with_address = Filter();
  with_address.address = "someone@example.test";
  CHECK(Refusal(codec, kIssuedBefore, with_address)
            .rfind("page_token: not a token ListEvents issued for this filter (", 0) == 0);
}

TEST_CASE("the type is length-prefixed: no two filters share a canonical form") {
  const PageTokenCodec codec = Codec();
  EventFilter a, b;
  a.type = std::string("A\0\0\0\0", 5);
  b.type = "A";
  CHECK(Refusal(codec, codec.Encode(5, a), b) != "ok");
  CHECK(Refusal(codec, codec.Encode(5, b), a) != "ok");
}

TEST_CASE("a token made with another key (another instance) is refused") {
  const std::string token = Codec('k').Encode(2505, Filter());
  CHECK(Refusal(Codec('k'), token) == "ok");  // same key: another replica of the instance
  CHECK(RefusedAsNotOurs(Codec('j'), token));
}

TEST_CASE("a key of the wrong size is refused, and never shown") {
  absl::StatusOr<PageTokenCodec> shorter = PageTokenCodec::Create("secret-secret");
  REQUIRE(shorter.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(shorter.status().message().find("secret") == absl::string_view::npos);
  CHECK(!PageTokenCodec::Create(std::string(33, 'k')).ok());
  CHECK(!PageTokenCodec::Create("").ok());
}

}  // namespace
}  // namespace mc::execution
