#include "common/personalisation/template_validation.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/str_cat.h"

namespace mc::personalisation {
namespace {

TemplateContent Good() {
  return {.internal_name = "orderShipped",
          .label = "Order shipped",
          .event_type = "ORDER_SHIPPED",
          .channel = 0,
          .version = 1,
          .subject = "Your order",
          .text_body = "Shipped."};
}

std::string Message(const TemplateContent& t) {
  absl::Status s = ValidateTemplate(t);
  return s.ok() ? "ok" : std::string(s.message());
}

std::string Repeat(const char* c, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += c;
  return out;
}

TEST_CASE("a well-formed template passes") { CHECK(Message(Good()) == "ok"); }

TEST_CASE("names: at most 64 characters") {
  for (std::string TemplateContent::*name :
       {&TemplateContent::internal_name, &TemplateContent::event_type}) {
    const std::string field =
        name == &TemplateContent::internal_name ? "internal_name" : "event_type";
    INFO(field);
    TemplateContent t = Good();
    t.*name = "T" + std::string(63, 'x');
    CHECK(Message(t) == "ok");
    t.*name += "x";
    CHECK(Message(t) == field + ": longer than 64 characters");
    // ASCII only: 64 two-byte characters pass the length and fail the syntax.
    t.*name = Repeat("é", 64);
    CHECK(Message(t) == field + ": required; a letter then letters, digits, '_', '-' or '.'");
    t.*name = "";
    CHECK(Message(t) == field + ": required; a letter then letters, digits, '_', '-' or '.'");
  }
}

TEST_CASE("label: at most 255 characters, whatever the bytes") {
  for (const char* c : {"l", "é", "€", "😀"}) {
    INFO(c);
    TemplateContent t = Good();
    t.label = Repeat(c, 255);
    CHECK(Message(t) == "ok");
    t.label = Repeat(c, 256);
    CHECK(Message(t) == "label: longer than 255 characters");
  }
}

}  // namespace
}  // namespace mc::personalisation
