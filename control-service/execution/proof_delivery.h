// What a proof asks of an execution instance and what comes back, per seed
// (messagecenter.v1.TemplateService.SendProof). Plain values.
#pragma once

#include <string>

namespace mc::control {

// One seed as the instance renders it: the address its proof goes to, the test event's ctx
// (a JSON object), language and country.
struct ProofSeed {
  std::string address;
  std::string ctx_json = "{}";
  std::string language, country;
};

// One seed's outcome: `code` is a google.rpc.Code number (0: the relay took it).
struct ProofOutcome {
  std::string address;
  int code = 0;
  std::string message;
  std::string message_id;  // when sent
  std::string language;    // the variant rendered; "" for the default parts
};

}  // namespace mc::control
