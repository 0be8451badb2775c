#include "control-service/accounts/account.h"

#include <catch2/catch.hpp>
#include <string>

namespace mc::control {
namespace {

Account Good() {
  return {.internal_name = "exec_a",
          .label = "Shop",
          .endpoint = "exec1:50051",
          .credential = "0123456789abcdef"};
}

std::string Message(const Account& a, bool require_credential = true) {
  absl::Status s = ValidateAccount(a, require_credential);
  return s.ok() ? "ok" : std::string(s.message());
}

std::string Repeat(const char* c, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += c;
  return out;
}

TEST_CASE("a well-formed account passes") { CHECK(Message(Good()) == "ok"); }

TEST_CASE("account.internal_name: at most 40 characters") {
  Account a = Good();
  a.internal_name = "e" + std::string(39, 'x');
  CHECK(Message(a) == "ok");
  a.internal_name += "x";
  CHECK(Message(a) == "account.internal_name: longer than 40 characters");
  // ASCII only: 40 two-byte characters pass the length and fail the syntax.
  a.internal_name = Repeat("é", 40);
  CHECK(Message(a) == "account.internal_name: letters, digits and '_', starting with a letter");
  a.internal_name = "";
  CHECK(Message(a) == "account.internal_name: letters, digits and '_', starting with a letter");
}

TEST_CASE("account.label: at most 255 characters, whatever the bytes") {
  for (const char* c : {"l", "é", "€", "😀"}) {
    INFO(c);
    Account a = Good();
    a.label = Repeat(c, 255);
    CHECK(Message(a) == "ok");
    CHECK(Message(a, /*require_credential=*/false) == "ok");
    a.label = Repeat(c, 256);
    CHECK(Message(a) == "account.label: longer than 255 characters");
  }
}

TEST_CASE("instance_id: 1 to 64 letters, digits, '_', '-' or '.'") {
  CHECK(ValidateInstanceId("exec_a-0badcafe").ok());
  CHECK(ValidateInstanceId("e" + std::string(63, 'x')).ok());
  CHECK(ValidateInstanceId("e" + std::string(64, 'x')).message() ==
        "instance_id: longer than 64 characters");
  for (const std::string& bad : {std::string(), std::string("with space"), Repeat("é", 64)}) {
    INFO(bad);
    CHECK(ValidateInstanceId(bad).message() ==
          "instance_id: 1 to 64 letters, digits, '_', '-' or '.'");
  }
}

}  // namespace
}  // namespace mc::control
