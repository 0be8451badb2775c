// What an operator does to bring a Message Center into service, done through the control
// instance's API for the local cluster: register and initialize each execution instance's
// account, start its technical workflows, create its archiving workflow, author and publish
// the demo templates, subscribe the local webhook receiver to every final status. Every step is
// idempotent, so a second run of mc-local over the same data goes through. Each function
// returns an error text (empty when it worked).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::local {

struct InstanceEndpoint {
  std::string account;  // e.g. "exec1"
  std::string label;
  std::string address;      // host:port
  std::string instance_id;  // set by RegisterInstances: the identifier the instance stamps
};

struct Tokens {
  std::string op;       // operator
  std::string pusher;   // pushes events
  std::string control;  // the control instance's credential on the execution instances
};

// Sets each instance's instance_id.
std::string RegisterInstances(const std::string& control_address,
                              std::vector<InstanceEndpoint>* instances, const Tokens& tokens);

// Creates (or updates) the demo templates on the control and publishes each to every instance.
std::string PublishTemplates(const std::string& control_address, const Tokens& tokens);

// Puts the subscription "mc-local" (every final status, one webhook per POST, signed with
// `secret`) to `url` on each instance, with the control token, as the control instance
// publishes subscriptions (its SubscriptionService is not served yet, so mc-local does it
// itself through each instance's messagecenter.v1.WebhookService); a paused one is resumed.
std::string SubscribeWebhooks(const std::vector<InstanceEndpoint>& instances, const Tokens& tokens,
                              const std::string& url, const std::string& secret);

// What one account's archiving run copied. `ran` is false when the scheduler was running the
// workflow already (RunNow refused with ABORTED): it copies on its own schedule too.
struct ArchiveRunCopies {
  std::string account;
  bool ran = false;
  int64_t events = 0, delivery_logs = 0, quarantine = 0;
};

// Runs every account's archiving workflow now; `runs` gets one entry per instance, in order.
std::string RunArchiving(const std::string& control_address,
                         const std::vector<InstanceEndpoint>& instances, const Tokens& tokens,
                         std::vector<ArchiveRunCopies>* runs);

}  // namespace mc::local
