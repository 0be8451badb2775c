// Proofs (ACC's "send a proof"): a template rendered with a seed's test data and sent to the
// seed's address, marked as a proof and kept out of every event, log and report. Plain values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"

namespace mc::execution {

// One seed: where its proof goes and the test event it stands for.
struct ProofSeed {
  std::string address;  // email address or phone number, by the template's channel
  nlohmann::json ctx = nlohmann::json::object();
  std::string language;  // picks the variant as an event's does; "" not said
  std::string country;
};

// What became of one seed's proof: OK when the relay took it, else why not (proof_outcome.h).
struct ProofOutcome {
  std::string address;
  absl::Status status;
  std::string message_id;  // when sent
  std::string language;    // the variant rendered; "" for the default parts
};

}  // namespace mc::execution
