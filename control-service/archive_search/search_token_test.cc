#include "control-service/archive_search/search_token.h"

#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace mc::control {
namespace {

SearchTokenCodec Codec(char fill = 'k') {
  absl::StatusOr<SearchTokenCodec> codec = SearchTokenCodec::Create(std::string(32, fill));
  REQUIRE(codec.ok());
  return *std::move(codec);
}

SearchFilter Filter() {
  return SearchFilter{.accounts = {"exec_b", "exec_a"},
                      .address = "Jane@Example.com",
                      .external_id = "order-17",
                      .event_type = "RECEIPT",
                      .status = 2,
                      .received_after = absl::FromUnixSeconds(1700000000),
                      .received_before = absl::FromUnixMicros(1800000000123456)};
}

StoryCursor Cursor() {
  return {
      .received = absl::FromUnixMicros(1750000000654321), .account = "exec_a", .event_id = 2505};
}

// The message of a refused token; "ok" when it was accepted.
std::string Refusal(const SearchTokenCodec& codec, absl::string_view token,
                    const SearchFilter& filter = Filter()) {
  absl::StatusOr<std::optional<StoryCursor>> cursor = codec.Decode(token, filter);
  if (cursor.ok()) return "ok";
  CHECK(cursor.status().code() == absl::StatusCode::kInvalidArgument);
  return std::string(cursor.status().message());
}

bool RefusedAsNotOurs(const SearchTokenCodec& codec, absl::string_view token) {
  return Refusal(codec, token).rfind("page_token: not a token SearchEvents issued (", 0) == 0;
}

TEST_CASE("a token round-trips its cursor under the same filter") {
  const SearchTokenCodec codec = Codec();
  for (const StoryCursor& c :
       {Cursor(), StoryCursor{.received = absl::FromUnixMicros(1), .account = "a", .event_id = 1},
        StoryCursor{.received = absl::FromUnixMicros(-5000000),
        .account = std::string(40, 'x'),
        .event_id = INT64_MAX}}) {
    const std::string token = codec.Encode(c, Filter());
    CHECK(token.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    absl::StatusOr<std::optional<StoryCursor>> back = codec.Decode(token, Filter());
    REQUIRE(back.ok());
    REQUIRE(back->has_value());
    CHECK(**back == c);
  }
  absl::StatusOr<std::optional<StoryCursor>> first = codec.Decode("", Filter());
  REQUIRE(first.ok());
  CHECK_FALSE(first->has_value());
}

TEST_CASE("the accounts are bound as a set: order and repeats do not matter") {
  const SearchTokenCodec codec = Codec();
  const std::string token = codec.Encode(Cursor(), Filter());
  SearchFilter reordered = Filter();
  reordered.accounts = {"exec_a", "exec_b", "exec_a"};
  CHECK(Refusal(codec, token, reordered) == "ok");
}

TEST_CASE("a padded, truncated, extended or re-padded token is refused") {
  const SearchTokenCodec codec = Codec();
  const std::string token = codec.Encode(Cursor(), Filter());
  CHECK(RefusedAsNotOurs(codec, " " + token));
  CHECK(RefusedAsNotOurs(codec, token + " "));
  CHECK(RefusedAsNotOurs(codec, token + "\n"));
  CHECK(RefusedAsNotOurs(codec, token + "="));
  CHECK(RefusedAsNotOurs(codec, token + "A"));
  CHECK(RefusedAsNotOurs(codec, token + "AAAA"));
  CHECK(RefusedAsNotOurs(codec, token.substr(0, token.size() - 1)));
  CHECK(RefusedAsNotOurs(codec, token.substr(0, token.size() - 4)));
  CHECK(RefusedAsNotOurs(codec, token.substr(1)));
  std::string bytes;
  REQUIRE(absl::WebSafeBase64Unescape(token, &bytes));
  const std::string standard = absl::Base64Escape(bytes);
  if (standard != token) CHECK(RefusedAsNotOurs(codec, standard));
}

TEST_CASE("every one-character edit of a token is refused") {
  const SearchTokenCodec codec = Codec();
  const std::string token = codec.Encode(Cursor(), Filter());
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {alphabet[(alphabet.find(token[i]) + 1) % 64],
                   alphabet[(alphabet.find(token[i]) + 32) % 64], '+', '.'}) {
      std::string edited = token;
      edited[i] = c;
      INFO("position " << i << " -> " << c);
      CHECK(RefusedAsNotOurs(codec, edited));
    }
  }
}

TEST_CASE("a token whose cursor or account bytes were rewritten keeps no valid MAC") {
  const SearchTokenCodec codec = Codec();
  std::string bytes;
  REQUIRE(absl::WebSafeBase64Unescape(codec.Encode(Cursor(), Filter()), &bytes));
  for (size_t at : {size_t{8}, size_t{16}, size_t{19}}) {  // time, id, the account's first byte
    std::string edited = bytes;
    edited[at] = static_cast<char>(edited[at] ^ 0x01);
    INFO("byte " << at);
    CHECK(RefusedAsNotOurs(codec, absl::WebSafeBase64Escape(edited)));
  }
  std::string longer = bytes;  // the account's length claims a byte more
  longer[18] = static_cast<char>(longer[18] + 1);
  CHECK(RefusedAsNotOurs(codec, absl::WebSafeBase64Escape(longer)));
}

TEST_CASE("nonsense is refused") {
  const SearchTokenCodec codec = Codec();
  for (const char* nonsense : {"2505", " ", "=", "AAAA", "____", "garbage", "exec_a:2505"}) {
    INFO(nonsense);
    CHECK(RefusedAsNotOurs(codec, nonsense));
  }
  CHECK(RefusedAsNotOurs(codec, std::string(92, 'A')));  // long enough, version 0, no MAC
}

TEST_CASE("a token issued for another filter is refused with its own message") {
  const SearchTokenCodec codec = Codec();
  const std::string token = codec.Encode(Cursor(), Filter());
  std::vector<SearchFilter> others(12, Filter());
  others[0].accounts = {"exec_a"};
  others[1].accounts.clear();
  others[2].address = "jane@example.com";
  others[3].address.clear();
  others[4].external_id = "order-18";
  others[5].event_type.clear();
  others[6].status = 3;
  others[7].status.reset();
  others[8].received_after.reset();
  others[9].received_before = *others[9].received_before + absl::Microseconds(1);
  others[10].received_after = Filter().received_before;  // fields are not interchangeable
  others[10].received_before = Filter().received_after;
  others[11].external_id = Filter().event_type;
  others[11].event_type = Filter().external_id;
  for (size_t i = 0; i < others.size(); ++i) {
    INFO("filter change #" << i);
    CHECK(Refusal(codec, token, others[i])
              .rfind("page_token: not a token SearchEvents issued for this filter (", 0) == 0);
  }
}

TEST_CASE("texts are length-prefixed: no two filters share a canonical form") {
  const SearchTokenCodec codec = Codec();
  SearchFilter a, b;
  a.address = "A";
  a.external_id = "B";
  b.address = "AB";
  CHECK(Refusal(codec, codec.Encode(Cursor(), a), b) != "ok");
  SearchFilter c, d;
  c.accounts = {"ab"};
  d.accounts = {"a", "b"};
  CHECK(Refusal(codec, codec.Encode(Cursor(), c), d) != "ok");
}

TEST_CASE("a token made with another key is refused; a key of the wrong size never shows") {
  const std::string token = Codec('k').Encode(Cursor(), Filter());
  CHECK(Refusal(Codec('k'), token) == "ok");  // same key: another replica
  CHECK(RefusedAsNotOurs(Codec('j'), token));
  absl::StatusOr<SearchTokenCodec> shorter = SearchTokenCodec::Create("secret-secret");
  REQUIRE(shorter.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(shorter.status().message().find("secret-") == absl::string_view::npos);
  CHECK_FALSE(SearchTokenCodec::Create(std::string(33, 'k')).ok());
}

}  // namespace
}  // namespace mc::control
