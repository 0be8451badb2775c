// ProofSender over fake channel senders: each seed's proof is its own render (variant, ctx,
// country), marked as a proof, sent on the template's channel; a seed whose data breaks the
// template, and one the relay refuses, are their own outcomes; bad input is refused whole.
#include "execution-service/proofs/proof_sender.h"

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "execution-service/processing/fake_channel_sender.h"

namespace mc::execution {
namespace {

personalisation::TemplateContent OrderTemplate() {
  personalisation::TemplateContent c;
  c.internal_name = "order";
  c.event_type = "ORDER";
  c.channel = 0;
  c.subject = "Order <%= rtEvent.ctx.order %>";
  c.html_body =
      "<% if (rtEvent.ctx.order == 'BOOM') throw new Error('no order'); %>"
      "<p><%= formatNumber(rtEvent.ctx.total) %></p>";
  c.text_body = "Order <%= rtEvent.ctx.order %>";
  c.default_language = "en";
  c.variants.push_back({.language = "fr",
                        .subject = "Commande <%= rtEvent.ctx.order %>",
                        .html_body = "<p><%= formatNumber(rtEvent.ctx.total) %></p>",
                        .text_body = "Commande"});
  c.sender.reply_to = "care@brand.test";
  return c;
}

TEST_CASE("a proof per seed: rendered with its data, marked, sent, nothing else") {
  FakeChannelSender email, sms;
  ProofSender proofs(email, sms, {.message_id_domain = "mc.test"});
  email.Answer("gone@example.test",
               {.kind = SendOutcome::Kind::kHardFailure, .reason = "550 5.1.1 no such user"});
  const std::vector<ProofSeed> seeds = {
      {.address = "ana@example.test",
       .ctx = {{"order", "A-1"}, {"total", 1234.5}},
       .country = "US"},
      {.address = "zoe@example.fr",
       .ctx = {{"order", "A-2"}, {"total", 1234.5}},
       .language = "fr",
       .country = "FR"},
      {.address = "boom@example.test", .ctx = {{"order", "BOOM"}}},
      {.address = "gone@example.test", .ctx = {{"order", "A-3"}, {"total", 1}}},
  };
  absl::StatusOr<std::vector<ProofOutcome>> out = proofs.Send(OrderTemplate(), seeds);
  REQUIRE(out.ok());
  REQUIRE(out->size() == 4);

  CHECK((*out)[0].status.ok());
  CHECK((*out)[0].address == "ana@example.test");
  CHECK((*out)[0].language.empty());
  CHECK(absl::StartsWith((*out)[0].message_id, "<proof-"));
  CHECK(absl::EndsWith((*out)[0].message_id, "@mc.test>"));
  CHECK((*out)[1].status.ok());
  CHECK((*out)[1].language == "fr");
  CHECK((*out)[1].message_id != (*out)[0].message_id);
  CHECK((*out)[2].status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(absl::StrContains((*out)[2].status.message(), "no order"));
  CHECK((*out)[2].message_id.empty());
  CHECK((*out)[3].status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(absl::StrContains((*out)[3].status.message(), "550 5.1.1"));
  CHECK((*out)[3].message_id.empty());

  // One SendAll with the three that rendered; none on the SMS channel.
  CHECK(email.calls() == 1);
  CHECK(sms.calls() == 0);
  REQUIRE(email.sent().size() == 3);
  const OutgoingMessage& en = email.sent()[0];
  CHECK(en.subject == "[Proof] Order A-1");
  CHECK(absl::StrContains(en.html, "1,234.5"));
  CHECK(en.reply_to == "care@brand.test");
  CHECK(en.return_path.empty());  // the relay's own envelope sender: no event's VERP
  REQUIRE(!en.headers.empty());
  CHECK(en.headers.back() == std::pair<std::string, std::string>{"X-MC-Proof", "1"});
  const OutgoingMessage& fr = email.sent()[1];
  CHECK(fr.subject == "[Proof] Commande A-2");
  CHECK(absl::StrContains(fr.html, "1\u202f234,5"));
}

TEST_CASE("an SMS proof goes to the SMS sender, its text marked") {
  FakeChannelSender email, sms;
  ProofSender proofs(email, sms, {});
  personalisation::TemplateContent c;
  c.internal_name = "otp";
  c.event_type = "OTP";
  c.channel = 1;
  c.sms_text = "Code <%= rtEvent.ctx.code %>";
  absl::StatusOr<std::vector<ProofOutcome>> out =
      proofs.Send(c, {{.address = "+33600000000", .ctx = {{"code", "123456"}}}});
  REQUIRE(out.ok());
  REQUIRE(out->size() == 1);
  CHECK((*out)[0].status.ok());
  REQUIRE(sms.sent().size() == 1);
  CHECK(sms.sent()[0].sms == "[Proof] Code 123456");
  CHECK(sms.sent()[0].address == "+33600000000");
  CHECK(email.calls() == 0);
}

TEST_CASE("bad input is refused whole, naming the field") {
  FakeChannelSender email, sms;
  ProofSender proofs(email, sms, {});
  struct Row {
    std::string name;
    personalisation::TemplateContent content;
    std::vector<ProofSeed> seeds;
    std::string field;
  };
  personalisation::TemplateContent broken = OrderTemplate();
  broken.html_body = "<p>\n<%= rtEvent.ctx.order ";
  std::vector<ProofSeed> many(kMaxProofSeeds + 1, ProofSeed{.address = "a@example.test"});
  const std::vector<Row> rows = {
      {"no seed", OrderTemplate(), {}, "seeds"},
      {"too many", OrderTemplate(), many, "seeds: at most 20"},
      {"no address", OrderTemplate(), {{.address = ""}}, "seeds[0].address"},
      {"ctx not an object", OrderTemplate(), {{.address = "a@x.test", .ctx = 3}}, "seeds[0].ctx"},
      {"does not compile", broken, {{.address = "a@x.test"}}, "html_body: line 2"},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    absl::StatusOr<std::vector<ProofOutcome>> out = proofs.Send(row.content, row.seeds);
    REQUIRE(!out.ok());
    CHECK(out.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(absl::StartsWith(out.status().message(), row.field));
  }
  CHECK(email.calls() == 0);
}

}  // namespace
}  // namespace mc::execution
