#include "execution-service/events/address_key.h"

#include <catch2/catch.hpp>

namespace mc::execution {
namespace {

TEST_CASE("an email's key: the domain in lower case, the local part as given") {
  CHECK(AddressKey(0, "someone@EXAMPLE.TEST") == "someone@example.test");
  CHECK(AddressKey(0, "someone@example.test") == "someone@example.test");
  CHECK(AddressKey(0, "Some.One+Tag@Sub.Example.Test") == "Some.One+Tag@sub.example.test");
  CHECK(AddressKey(0, "SOMEONE@example.test") == "SOMEONE@example.test");
  // Split at the last '@'; no '@': as given. Only ASCII letters change.
  CHECK(AddressKey(0, "a@b@C.D") == "a@b@c.d");
  CHECK(AddressKey(0, "no-at-sign.EXAMPLE") == "no-at-sign.EXAMPLE");
  CHECK(AddressKey(0, "x@ÉTÉ.TEST") == "x@ÉtÉ.test");
  CHECK(AddressKey(0, "") == "");
}

TEST_CASE("a phone number's key is the number as ingestion normalises it") {
  CHECK(AddressKey(1, "+33 6 12-34.56 (78)") == "+33612345678");
  CHECK(AddressKey(1, "+33612345678") == "+33612345678");
  CHECK(AddressKey(1, " +44 20 7946 0958") == "+442079460958");
  // Not a phone number: as given.
  CHECK(AddressKey(1, "call me") == "call me");
  CHECK(AddressKey(1, "12345") == "12345");
}

TEST_CASE("a device token's key is the token as given") {
  CHECK(AddressKey(41, "AbC-Token@X.Y") == "AbC-Token@X.Y");
  CHECK(AddressKey(42, "AbC-Token") == "AbC-Token");
}

TEST_CASE("the channel's address is the one the wished channel uses, as stored") {
  NewEvent e;
  e.email = "someone@EXAMPLE.TEST";
  e.mobile_phone = "+33612345678";
  e.device_token = "tok";
  CHECK(ChannelAddress(e) == "someone@EXAMPLE.TEST");
  e.wished_channel = 1;
  CHECK(ChannelAddress(e) == "+33612345678");
  e.wished_channel = 41;
  CHECK(ChannelAddress(e) == "tok");
  e.wished_channel = 42;
  CHECK(ChannelAddress(e) == "tok");
}

}  // namespace
}  // namespace mc::execution
