// Connection: the channel to the control or the execution instance, with the client's TLS
// settings (grpc::SslCredentials: system or given roots, optional client certificate, server
// name override), and client contexts carrying the bearer token and the deadline.
// The token goes only into the `authorization` metadata. Thread-safe after construction.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "control-service/mcctl/client_settings.h"

namespace mc::mcctl {

enum class Target { kControl, kExecution };

class Connection {
 public:
  Connection(const ClientSettings& settings, Target target);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // A fresh context per call: token (when given) and --timeout-seconds deadline.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  const std::string& address() const { return address_; }
  // "the control instance at 127.0.0.1:50061".
  std::string Describe() const;
  // How to change the address: "--control or MC_CONTROL (now from the default)".
  std::string AddressSetting() const;
  // True when the channel is connected: a failure came from the server, not from reaching it.
  bool Reached() const;

 private:
  Target target_;
  std::string address_;
  std::string source_;
  std::string token_;
  int timeout_seconds_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace mc::mcctl
