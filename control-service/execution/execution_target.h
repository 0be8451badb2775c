// ExecutionTarget: an execution instance as the control instance calls it (DOMAIN.md section
// 2): the account it belongs to, its endpoint and connection method, the credential, and the
// identifier stamped on it. AccountRepository reads it from an account; the ExecutionGateway
// takes it on every call. Holds the credential: never log or return one. Plain values.
#pragma once

#include <string>

namespace mc::control {

enum class ConnectionMethod { kInsecure = 0, kTls = 1 };

struct ExecutionTarget {
  std::string account;
  std::string endpoint;
  ConnectionMethod connection_method = ConnectionMethod::kInsecure;
  std::string credential;
  std::string instance_id;
};

}  // namespace mc::control
