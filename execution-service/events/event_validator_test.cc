#include "execution-service/events/event_validator.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

NewEvent Good() {
  NewEvent e;
  e.type = "ORDER_SHIPPED";
  e.email = "jane.doe+shop@example.co.uk";
  e.ctx_json = R"({"order":{"id":"A-1"}})";
  return e;
}

// Validates and returns "field|message" for failures, "ok" otherwise.
std::string Check(NewEvent e, IngestLimits limits = {}) {
  absl::Status s = ValidateEvent(e, limits);
  if (s.ok()) return "ok";
  REQUIRE(s.code() == absl::StatusCode::kInvalidArgument);
  return std::string(FieldOf(s.message()));
}

TEST_CASE("a well-formed event passes") { CHECK(Check(Good()) == "ok"); }

TEST_CASE("type is required and well-formed") {
  NewEvent e = Good();
  e.type = "";
  CHECK(Check(e) == "type");
  for (const char* bad : {"1abc", "has space", "semi;colon", "_x", "é"}) {
    e.type = bad;
    CHECK(Check(e) == "type");
  }
  e.type = std::string(65, 'a');
  CHECK(Check(e) == "type");
  e.type = "a.b-c_D9";
  CHECK(Check(e) == "ok");
}

TEST_CASE("the wished channel's address is required") {
  NewEvent e = Good();
  e.email = "";
  CHECK(Check(e) == "email");
  e.wished_channel = 1;
  CHECK(Check(e) == "mobile_phone");
  e.mobile_phone = "+33 6 12 34 56 78";
  CHECK(Check(e) == "ok");
  e.wished_channel = 41;
  CHECK(Check(e) == "device_token");
  e.device_token = "apns-token";
  CHECK(Check(e) == "ok");
  e.wished_channel = 42;
  CHECK(Check(e) == "ok");
}

TEST_CASE("unknown channel values are refused") {
  NewEvent e = Good();
  for (int v : {2, 40, 43, -1, 99}) {
    e.wished_channel = v;
    CHECK(Check(e) == "wished_channel");
  }
}

TEST_CASE("email syntax") {
  for (const char* good :
       {"a@b.co", "first.last@sub.example.com", "x+tag@ex-ample.org", "o'brien@example.ie"}) {
    CHECK(IsValidEmail(good));
  }
  for (const char* bad :
       {"plain", "@example.com", "a@", "a@b", "a@@b.com", "a b@c.com", ".a@b.com", "a.@b.com",
        "a..b@c.com", "a@-b.com", "a@b-.com", "a@b..com", "a@b.com.", "a@b_c.com", "<a@b.com>"}) {
    CHECK_FALSE(IsValidEmail(bad));
  }
  NewEvent e = Good();
  e.email = "not-an-email";
  CHECK(Check(e) == "email");
  // Checked whenever given, even on another channel.
  e.wished_channel = 1;
  e.mobile_phone = "0612345678";
  CHECK(Check(e) == "email");
}

TEST_CASE("phone syntax, normalised") {
  CHECK(NormalisePhone("+1 (555) 010-9999") == "+15550109999");
  CHECK(NormalisePhone("06.12.34.56.78") == "0612345678");
  CHECK(NormalisePhone("12345") == "");             // too short
  CHECK(NormalisePhone("1234567890123456") == "");  // too long
  CHECK(NormalisePhone("06123x4567") == "");
  CHECK(NormalisePhone("12+3456789") == "");
  NewEvent e = Good();
  e.wished_channel = 1;
  e.mobile_phone = "call me";
  CHECK(Check(e) == "mobile_phone");
  e.mobile_phone = "+44 20 7946 0958";
  REQUIRE(ValidateEvent(e, {}).ok());
  CHECK(e.mobile_phone == "+442079460958");
}

TEST_CASE("email format values") {
  NewEvent e = Good();
  e.email_format = 3;
  CHECK(Check(e) == "email_format");
  e.email_format = 2;
  CHECK(Check(e) == "ok");
}

TEST_CASE("expiration before scheduled is refused") {
  NewEvent e = Good();
  e.scheduled = absl::FromUnixSeconds(2000);
  e.expiration = absl::FromUnixSeconds(1000);
  CHECK(Check(e) == "expiration");
  e.expiration = absl::FromUnixSeconds(2000);
  CHECK(Check(e) == "ok");
}

TEST_CASE("ctx size limit and shape") {
  NewEvent e = Good();
  e.ctx_json = R"({"k":")" + std::string(100, 'x') + R"("})";
  CHECK(Check(e, {.max_ctx_bytes = 50}) == "ctx");
  CHECK(Check(e, {.max_ctx_bytes = 200}) == "ok");
  e.ctx_json = "[1,2]";
  CHECK(Check(e) == "ctx");
  e.ctx_json = R"({"k":"a\u0000b"})";
  CHECK(Check(e) == "ctx");
}

TEST_CASE("text fields: NUL characters and lengths") {
  NewEvent e = Good();
  e.external_id = std::string("a\0b", 3);
  CHECK(Check(e) == "external_id");
  e.external_id = std::string(256, 'k');
  CHECK(Check(e) == "external_id");
  e.external_id = "k";
  e.origin = std::string(300, 'o');
  CHECK(Check(e) == "origin");
}

// N times `c`.
std::string Repeat(absl::string_view c, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out.append(c.data(), c.size());
  return out;
}

// The full message of a refusal, "ok" otherwise.
std::string Message(NewEvent e, IngestLimits limits = {}) {
  absl::Status s = ValidateEvent(e, limits);
  return s.ok() ? "ok" : std::string(s.message());
}

TEST_CASE("text limits are in characters, at the boundary, whatever the bytes") {
  struct Limit {
    const char* field;
    std::string NewEvent::*member;
    size_t max;
  };
  for (const Limit& l :
       {Limit{"external_id", &NewEvent::external_id, 255}, Limit{"origin", &NewEvent::origin, 255},
        Limit{"language", &NewEvent::language, 35}, Limit{"country", &NewEvent::country, 35},
        Limit{"device_token", &NewEvent::device_token, 4096}}) {
    for (const char* c : {"k", "é", "€", "😀"}) {
      INFO(l.field << " of '" << c << "'");
      NewEvent e = Good();
      e.*l.member = Repeat(c, l.max);
      CHECK(Message(e) == "ok");
      e.*l.member = Repeat(c, l.max + 1);
      CHECK(Message(e) == absl::StrCat(l.field, ": longer than ", l.max, " characters"));
    }
  }
}

TEST_CASE("type: at most 64 characters") {
  NewEvent e = Good();
  e.type = "T" + std::string(63, 'x');
  CHECK(Message(e) == "ok");
  e.type += "x";
  CHECK(Message(e) == "type: longer than 64 characters");
  // Only ASCII is allowed: 64 two-byte characters pass the length and fail the syntax.
  e.type = Repeat("é", 64);
  CHECK(Message(e) ==
        "type: must start with a letter and hold only letters, digits, '_', '-' or '.'");
}

TEST_CASE("mobile_phone: at most 64 characters as given") {
  NewEvent e = Good();
  e.wished_channel = 1;
  e.mobile_phone = "+33 6 12 34 56 78";
  e.mobile_phone += std::string(64 - e.mobile_phone.size(), ' ');
  REQUIRE(e.mobile_phone.size() == 64);
  CHECK(Message(e) == "ok");
  NewEvent normalised = e;
  REQUIRE(ValidateEvent(normalised, {}).ok());
  CHECK(normalised.mobile_phone == "+33612345678");
  e.mobile_phone = "+33 6 12 34 56 78" + std::string(64 - 17 + 1, ' ');
  CHECK(Message(e) == "mobile_phone: longer than 64 characters");
}

TEST_CASE("email: at most 254 octets (RFC 5321), local part 64, labels 63") {
  const std::string local(64, 'a');
  const std::string domain =
      std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(58, 'd') + ".co";
  NewEvent e = Good();
  e.email = local + "@" + domain;
  REQUIRE(e.email.size() == 254);
  CHECK(Message(e) == "ok");
  e.email = local + "@" + "e" + domain;
  CHECK(Message(e) == "email: longer than 254 octets");
  CHECK(IsValidEmail(local + "@b.co"));
  CHECK_FALSE(IsValidEmail(local + "a@b.co"));
  CHECK(IsValidEmail("a@" + std::string(63, 'b') + ".co"));
  CHECK_FALSE(IsValidEmail("a@" + std::string(64, 'b') + ".co"));
  // Not ASCII: not an address, whatever its length.
  e.email = "é@example.com";
  CHECK(Check(e) == "email");
}

TEST_CASE("ctx: at most the limit in bytes of its JSON form") {
  NewEvent e = Good();
  e.ctx_json = R"({"k":")" + Repeat("é", 100) + R"("})";
  const size_t bytes = e.ctx_json.size();
  CHECK(bytes == 208);
  CHECK(Message(e, {.max_ctx_bytes = bytes}) == "ok");
  CHECK(Message(e, {.max_ctx_bytes = bytes - 1}) ==
        "ctx: too large: 208 bytes as JSON, limit 207 bytes");
}

TEST_CASE("ListEvents' text filters: address in octets, external id and template in characters") {
  const auto message = [](const EventFilter& f) {
    absl::Status s = ValidateEventFilter(f);
    if (s.ok()) return std::string("ok");
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    return std::string(s.message());
  };
  EventFilter f;
  CHECK(message(f) == "ok");
  f.address = std::string(254, 'a');
  CHECK(message(f) == "ok");
  f.address = Repeat("é", 127);  // 127 characters, 254 octets
  CHECK(message(f) == "ok");
  f.address += "a";
  CHECK(message(f) == "address: longer than 254 octets");
  f = {};
  f.external_id = Repeat("é", 255);
  CHECK(message(f) == "ok");
  f.external_id += "a";
  CHECK(message(f) == "external_id: longer than 255 characters");
  f = {};
  f.template_name = Repeat("é", 64);
  CHECK(message(f) == "ok");
  f.template_name += "a";
  CHECK(message(f) == "template_name: longer than 64 characters");
  f = {};
  f.address = std::string("a\0b", 3);
  CHECK(message(f) == "address: contains a NUL character");
}

TEST_CASE("FieldOf reads the field prefix") {
  CHECK(FieldOf("email: bad") == "email");
  CHECK(FieldOf("no field here") == "");
  CHECK(FieldOf("two words: x") == "");
}

}  // namespace
}  // namespace mc::execution
