// What an operator does to bring a Message Center into service, done through the control
// instance's API for the local cluster: register and initialize each execution instance's
// account, start its technical workflows, create its archiving workflow, author and publish
// the demo templates. Every step is idempotent, so a second run of mc-local over the same data
// goes through. Each function returns an error text (empty when it worked).
#pragma once

#include <string>
#include <vector>

#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::local {

struct InstanceEndpoint {
  std::string account;  // e.g. "exec1"
  std::string label;
  std::string address;  // host:port
};

struct Tokens {
  std::string op;       // operator
  std::string pusher;   // pushes events
  std::string control;  // the control instance's credential on the execution instances
};

std::string RegisterInstances(const std::string& control_address,
                              const std::vector<InstanceEndpoint>& instances, const Tokens& tokens);

// Creates (or updates) the demo templates on the control and publishes each to every instance.
std::string PublishTemplates(const std::string& control_address, const Tokens& tokens);

// Runs every account's archiving workflow now; returns the events copied in total.
std::string RunArchiving(const std::string& control_address,
                         const std::vector<InstanceEndpoint>& instances, const Tokens& tokens,
                         int64_t* events_copied);

}  // namespace mc::local
