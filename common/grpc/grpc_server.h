// GrpcServer: the gRPC server bootstrap shared by both services.
//
// Start() listens on `listen` ("host:port"; port 0 picks a free one, see port()), registers the
// given gated services (every call passes `gate` first, see gated_service.h) plus
// grpc.health.v1 and server reflection, and starts serving. Health answers for the overall
// status ("") and for each service by its full name (NOT_FOUND only for names this server does
// not serve); SetServing sets them all.
// Shutdown() sets every health status NOT_SERVING for good, drains the gate (new calls get
// UNAVAILABLE "retry", calls in flight finish) for at most `grace`, then closes gRPC, which
// cancels what is still running when the grace is over.
// Failure modes: Start returns UNAVAILABLE when the address cannot be bound, INVALID_ARGUMENT
// naming the file when a TLS file cannot be read or only one of certificate and key is given,
// INTERNAL listing every method a service leaves outside the gate (no handler, no roles entry).
// Thread-safe after Start.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grpc/call_gate.h"
#include "common/grpc/gated_service.h"

namespace mc::grpcutil {

struct ServerOptions {
  std::string listen = "0.0.0.0:0";
  int max_message_bytes = 64 << 20;
  // TLS when both are set (PEM files); then mutual TLS when `tls_client_ca_file` is set too:
  // a client must present a certificate signed by that CA.
  std::string tls_cert_file, tls_key_file, tls_client_ca_file;
};

class GrpcServer {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<Gated*>& services, CallGate& gate);
  ~GrpcServer();

  int port() const { return port_; }
  // A channel to this server within the process (no socket), for the HTTP/JSON gateway: its
  // calls pass the gate as every call does.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // Sets the overall health status ("" service) and each named service's.
  void SetServing(bool serving);
  void Shutdown(absl::Duration grace);

 private:
  explicit GrpcServer(CallGate& gate) : gate_(gate) {}
  CallGate& gate_;
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace mc::grpcutil
