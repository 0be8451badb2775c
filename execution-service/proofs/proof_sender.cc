#include "execution-service/proofs/proof_sender.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/personalisation/channel.h"
#include "common/personalisation/template_validation.h"
#include "common/text/utf8.h"
#include "execution-service/proofs/proof_outcome.h"
#include "execution-service/templates/compiled_template.h"

namespace mc::execution {
namespace {

constexpr size_t kMaxAddressChars = 320;
constexpr size_t kMaxSeedFieldChars = 16;
constexpr char kProofPrefix[] = "[Proof] ";

absl::Status CheckSeeds(const std::vector<ProofSeed>& seeds) {
  if (seeds.empty()) return absl::InvalidArgumentError("seeds: at least one");
  if (seeds.size() > kMaxProofSeeds) {
    return absl::InvalidArgumentError(
        absl::StrCat("seeds: at most ", kMaxProofSeeds, " (", seeds.size(), " given)"));
  }
  for (size_t i = 0; i < seeds.size(); ++i) {
    const ProofSeed& s = seeds[i];
    if (s.address.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].address: required"));
    }
    if (text::CodePoints(s.address) > kMaxAddressChars) {
      return absl::InvalidArgumentError(
          absl::StrCat("seeds[", i, "].address: longer than ", kMaxAddressChars, " characters"));
    }
    if (s.language.size() > kMaxSeedFieldChars || s.country.size() > kMaxSeedFieldChars) {
      return absl::InvalidArgumentError(absl::StrCat(
          "seeds[", i, "].language/country: longer than ", kMaxSeedFieldChars, " characters"));
    }
    if (!s.ctx.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].ctx: a JSON object"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string ProofSender::NextMessageId() {
  return absl::StrCat("<proof-", absl::ToUnixMicros(absl::Now()), "-", sent_.fetch_add(1), "@",
                      options_.message_id_domain, ">");
}

absl::StatusOr<std::vector<ProofOutcome>> ProofSender::Send(
    const personalisation::TemplateContent& given, const std::vector<ProofSeed>& seeds) {
  personalisation::TemplateContent content = given;
  if (content.version == 0) content.version = 1;  // a proof of a template never published
  if (absl::Status s = personalisation::ValidateTemplate(content); !s.ok()) return s;
  if (absl::Status s = CheckSeeds(seeds); !s.ok()) return s;
  // Id 0: the attachments by URL are fetched for this proof, never cached (MessageAssembly).
  absl::StatusOr<CompiledTemplate> compiled =
      CompiledTemplate::Compile({.id = 0, .content = content, .published = absl::Now()});
  if (!compiled.ok()) return compiled.status();
  const bool sms = content.channel == static_cast<int>(personalisation::Channel::kSms);
  if (!sms && content.channel != static_cast<int>(personalisation::Channel::kEmail)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "channel: ", content.channel, ": this instance sends proofs by email and SMS only"));
  }
  MessageAssembly assembly(options_.assembly);  // its own heap: proofs are rare

  std::vector<ProofOutcome> outcomes(seeds.size());
  std::vector<OutgoingMessage> messages(seeds.size());
  std::vector<const OutgoingMessage*> to_send;
  std::vector<size_t> sent_index;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const ProofSeed& seed = seeds[i];
    outcomes[i].address = seed.address;
    DeliveryItem item;
    item.event.type = content.event_type;
    item.event.wished_channel = content.channel;
    (sms ? item.event.mobile_phone : item.event.email) = seed.address;
    item.event.language = seed.language;
    item.event.country = seed.country;
    item.event.ctx_json = seed.ctx.dump();
    OutgoingMessage& m = messages[i];
    m.channel = content.channel;
    m.address = seed.address;
    absl::Status made =
        ProofAssemblyStatus(assembly.Assemble(*compiled, item, seed.ctx, m, &outcomes[i].language));
    if (!made.ok()) {
      outcomes[i].status = made;
      continue;
    }
    m.message_id = NextMessageId();
    if (sms) {
      m.sms = absl::StrCat(kProofPrefix, m.sms);
    } else {
      m.subject = absl::StrCat(kProofPrefix, m.subject);
      m.headers.emplace_back("X-MC-Proof", "1");
    }
    to_send.push_back(&m);
    sent_index.push_back(i);
  }
  if (to_send.empty()) return outcomes;
  std::vector<SendOutcome> sent = (sms ? sms_ : email_).SendAll(to_send);
  for (size_t k = 0; k < sent_index.size(); ++k) {
    ProofOutcome& o = outcomes[sent_index[k]];
    o.status = ProofSendStatus(sent[k]);
    if (o.status.ok()) o.message_id = messages[sent_index[k]].message_id;
  }
  return outcomes;
}

}  // namespace mc::execution
