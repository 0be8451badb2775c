#include "common/personalisation/template_validation.h"

#include <catch2/catch.hpp>
#include <string>

#include "absl/strings/match.h"
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

// Good() with a French variant, sender fields and an attachment of each kind.
TemplateContent Full() {
  TemplateContent t = Good();
  t.default_language = "en";
  t.variants = {{.language = "fr", .subject = "Votre commande", .text_body = "Expédiée."}};
  t.sender = {.from = "Brand <shop@brand.test>",
              .reply_to = "help@brand.test",
              .headers = {{.name = "X-Campaign", .value = "<%= rtEvent.type %>"}},
              .list_unsubscribe = "<https://brand.test/u>, <mailto:u@brand.test>",
              .list_unsubscribe_post = true};
  t.attachments = {{.url = "https://files.brand.test/terms.pdf", .content_type = "application/pdf"},
                   {.ctx_path = "invoice.file"}};
  t.blocks = {{.name = "footer", .version = 1}};
  return t;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return absl::StartsWith(s, prefix);
}

TEST_CASE("variants, sender, attachments and blocks that follow the rules pass") {
  CHECK(Message(Full()) == "ok");
  TemplateContent t = Full();
  t.variants.push_back({.language = "pt-BR", .subject = "Seu pedido", .html_body = "<p>Ok</p>"});
  t.variants.push_back({.language = "es-419", .subject = "Su pedido", .text_body = "Ok"});
  t.variants.push_back({.language = "fr-CA", .subject = "Votre commande", .text_body = "Ok"});
  CHECK(Message(t) == "ok");
  t.default_language = "";
  CHECK(Message(t) == "ok");
}

TEST_CASE("languages: a BCP 47 primary tag with an optional region, unique, not the default") {
  for (const char* bad : {"f", "francaiss", "fr_FR", "fr-", "fr-F", "fr-FRA", "fr-12", "12",
                          "fr-CA-x", "", "fr CA"}) {
    INFO(bad);
    TemplateContent t = Full();
    t.variants[0].language = bad;
    CHECK(StartsWith(Message(t), absl::StrCat("variants[0].language: \"", bad,
                                              "\" is not a language: a BCP 47 primary tag")));
    t = Full();
    t.default_language = bad;
    if (*bad != '\0') CHECK(StartsWith(Message(t), "default_language: \""));
  }
  TemplateContent t = Full();
  t.variants.push_back(t.variants[0]);
  t.variants[1].language = "FR";
  CHECK(Message(t) == "variants[1].language: \"FR\" has a variant already");
  t = Full();
  t.variants[0].language = "EN";
  CHECK(Message(t) ==
        "variants[0].language: \"EN\" is the default_language: the template's own parts are "
        "that language's");
}

TEST_CASE("a variant's parts follow the template's rules, named with its language") {
  TemplateContent t = Full();
  t.variants[0].subject = "";
  CHECK(Message(t) == "variants[fr].subject: required for email");
  t = Full();
  t.variants[0].text_body = "";
  CHECK(Message(t) == "variants[fr].html_body: an HTML or a text body is required for email");
  t = Full();
  t.variants[0].html_body = "<p>\n  <%= rtEvent.nope %></p>";
  const std::string m = Message(t);
  INFO(m);
  CHECK(StartsWith(m, "variants[fr].html_body: line 2, column 15: unknown event field 'nope'"));
  // The same fault in the template's own part says the same after its own name.
  TemplateContent own = Good();
  own.html_body = t.variants[0].html_body;
  CHECK(Message(own) == m.substr(std::string("variants[fr].").size()));
  t = Full();
  t.variants[0].subject = "<%= rtEvent.ctx.x";
  CHECK(StartsWith(Message(t), "variants[fr].subject: line 1, column "));
  TemplateContent sms = Good();
  sms.channel = 1;
  sms.sms_text = "Hi";
  sms.variants = {{.language = "de"}};
  CHECK(Message(sms) == "variants[de].sms_text: required for SMS");
  sms.variants[0].sms_text = "Hallo";
  CHECK(Message(sms) == "ok");
}

TEST_CASE("sender: mailboxes unless personalised, custom headers, one-click unsubscribe") {
  TemplateContent t = Full();
  t.sender.from = "shop.brand.test";
  CHECK(Message(t) == "sender.from: address \"shop.brand.test\": no '@'");
  t.sender.from = "Brand <shop@brand.test";
  CHECK(StartsWith(Message(t), "sender.from: mailbox: write it as Display Name <"));
  t.sender.from = "<%= rtEvent.ctx.brand %> <shop@brand.test>";
  CHECK(Message(t) == "ok");
  t.sender.from = "<%= rtEvent.nope %>";
  CHECK(StartsWith(Message(t), "sender.from: line 1, column "));
  t = Full();
  t.sender.reply_to = "help@";
  CHECK(Message(t) == "sender.reply_to: address \"help@\": no domain");
  for (const char* reserved :
       {"From", "to", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Return-Path",
        "Received", "Reply-To", "List-Unsubscribe-Post", "DKIM-Signature", "Sender", "Resent-To",
        "Bcc", "Cc", "Date"}) {
    INFO(reserved);
    t = Full();
    t.sender.headers[0].name = reserved;
    CHECK(Message(t) == absl::StrCat("sender.headers[0].name: header name \"", reserved,
                                     "\" is written by the message itself, not as a custom "
                                     "header"));
  }
  t = Full();
  t.sender.headers[0].name = "X Campaign";
  CHECK(StartsWith(Message(t), "sender.headers[0].name: header name \"X Campaign\": only "));
  t.sender.headers[0].name = "X-Campaign";
  t.sender.headers[0].value = "<%= rtEvent.ctx.a";
  CHECK(StartsWith(Message(t), "sender.headers[0].value: line 1, column "));
  t = Full();
  t.sender.headers.assign(20, {.name = "X-A", .value = "1"});
  CHECK(Message(t) == "ok");
  t.sender.headers.push_back({.name = "X-B", .value = "2"});
  CHECK(Message(t) == "sender.headers: at most 20 (21 given)");
  t = Full();
  t.sender.list_unsubscribe = "https://brand.test/u";
  CHECK(StartsWith(Message(t), "sender.list_unsubscribe: List-Unsubscribe: entry 1 "));
  t.sender.list_unsubscribe = "<mailto:u@brand.test>";
  CHECK(Message(t) ==
        "sender.list_unsubscribe_post: one-click (RFC 8058) needs an https URI in "
        "list_unsubscribe");
  t.sender.list_unsubscribe_post = false;
  CHECK(Message(t) == "ok");
  t.sender.list_unsubscribe = "<https://brand.test/u/<%= rtEvent.ctx.token %>>";
  t.sender.list_unsubscribe_post = true;
  CHECK(Message(t) == "ok");
  t.sender.list_unsubscribe = "";
  CHECK(StartsWith(Message(t), "sender.list_unsubscribe_post: "));
  TemplateContent sms = Good();
  sms.channel = 1;
  sms.sms_text = "Hi";
  sms.sender.from = "shop@brand.test";
  CHECK(Message(sms) == "sender: only email templates have sender fields");
}

TEST_CASE("attachments: exactly one of an https URL and a ctx path, at most 10") {
  TemplateContent t = Full();
  t.attachments[0].ctx_path = "a.b";
  CHECK(Message(t) == "attachments[0]: exactly one of url and ctx_path");
  t.attachments[0] = {};
  CHECK(Message(t) == "attachments[0]: exactly one of url and ctx_path");
  for (const char* bad : {"http://files.test/a.pdf", "ftp://x", "https://", "files.test/a"}) {
    INFO(bad);
    t.attachments[0] = {.url = bad};
    CHECK(Message(t) == "attachments[0].url: an https:// URL");
  }
  t.attachments[0] = {.url = "https://files.test/a b.pdf"};
  CHECK(StartsWith(Message(t), "attachments[0].url: printable ASCII without spaces"));
  t.attachments[0] = {.url = "https://f.test/" + std::string(2000 - 15, 'a')};
  CHECK(Message(t) == "ok");
  t.attachments[0].url += "a";
  CHECK(Message(t) == "attachments[0].url: longer than 2000 characters");
  for (const char* bad : {"a..b", ".a", "a.", "a b", "items[0]", "a/b"}) {
    INFO(bad);
    t.attachments[0] = {.ctx_path = bad};
    CHECK(StartsWith(Message(t), absl::StrCat("attachments[0].ctx_path: \"", bad,
                                              "\" is not a dotted path of keys")));
  }
  t.attachments[0] = {.ctx_path = "order.invoice_pdf-1"};
  CHECK(Message(t) == "ok");
  t.attachments[0] = {.url = "https://f.test/a", .filename = "../a"};
  CHECK(StartsWith(Message(t), "attachments[0].filename: a name without control characters"));
  t.attachments[0] = {.url = "https://f.test/a", .content_type = "pdf"};
  CHECK(StartsWith(Message(t), "attachments[0].content_type: \"pdf\" is not a media type"));
  t = Full();
  t.attachments.assign(10, {.ctx_path = "a"});
  CHECK(Message(t) == "ok");
  t.attachments.push_back({.ctx_path = "b"});
  CHECK(Message(t) == "attachments: at most 10 (11 given)");
  TemplateContent sms = Good();
  sms.channel = 1;
  sms.sms_text = "Hi";
  sms.attachments = {{.ctx_path = "a"}};
  CHECK(Message(sms) == "attachments: only email templates have attachments");
}

TEST_CASE("blocks: named as templates are, with positive versions") {
  TemplateContent t = Full();
  t.blocks[0].version = 0;
  CHECK(Message(t) == "blocks[0].version: must be positive");
  t.blocks[0] = {.name = "1footer", .version = 1};
  CHECK(Message(t) == "blocks[0].name: required; a letter then letters, digits, '_', '-' or '.'");
  CHECK(ValidateName("block.name", "footer").ok());
  CHECK(ValidateName("block.name", "").message() ==
        "block.name: required; a letter then letters, digits, '_', '-' or '.'");
}

}  // namespace
}  // namespace mc::personalisation
