// ProofSender: sends proofs of a template (ACC's "send a proof"). The template is checked and
// compiled as a publication is (common/personalisation), rendered per seed with the seed as the
// event (its address the channel's, its ctx, language and country) by the same MessageAssembly
// the lanes use (variants, sender fields, attachments, budgets), then sent through the channel's
// sender. The message is marked: "[Proof] " before the subject (an SMS: its text) and, on an
// email, the header field "X-MC-Proof: 1"; its Message-ID is "<proof-...@domain>" and its
// envelope sender the relay's own (no VERP return path: a bounce of a proof names no event).
// Nothing is stored: a proof is no event, delivery log, webhook or report count. Attachments by
// URL are fetched for each proof (never from the publications' cache).
//
// Failure modes: Send returns INVALID_ARGUMENT naming the field for a template that does not
// compile ("html_body: line 3, column 7: ...") or bad seeds (none, more than kMaxProofSeeds, an
// empty or overlong address); otherwise one outcome per seed (proof_outcome.h).
// Thread-safe: each call has its own script heap; the senders are called one SendAll at a time
// (ChannelSender's contract).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/personalisation/template_content.h"
#include "execution-service/delivery/channel_sender.h"
#include "execution-service/processing/message_assembly.h"
#include "execution-service/proofs/proof.h"

namespace mc::execution {

inline constexpr size_t kMaxProofSeeds = 20;

struct ProofSenderOptions {
  std::string message_id_domain = "messagecenter.local";
  MessageAssemblyOptions assembly;  // budgets, attachment limit and source, as the lanes'
};

class ProofSender {
 public:
  ProofSender(ChannelSender& email, ChannelSender& sms, ProofSenderOptions options)
      : email_(email), sms_(sms), options_(std::move(options)) {}

  [[nodiscard]] absl::StatusOr<std::vector<ProofOutcome>> Send(
      const personalisation::TemplateContent& content, const std::vector<ProofSeed>& seeds);

 private:
  std::string NextMessageId();

  ChannelSender& email_;
  ChannelSender& sms_;
  const ProofSenderOptions options_;
  std::atomic<uint64_t> sent_{0};
};

}  // namespace mc::execution
