// GrpcServer: the gRPC server bootstrap shared by both services.
//
// Start() listens on `listen` ("host:port"; port 0 picks a free one, see port()), registers the
// given services plus grpc.health.v1 and server reflection, and starts serving. Shutdown()
// stops accepting calls and waits up to `grace` for calls in flight, then cancels them.
// Failure modes: Start returns UNAVAILABLE when the address cannot be bound, INVALID_ARGUMENT
// naming the file when a TLS file cannot be read or only one of certificate and key is given.
// Thread-safe after Start.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

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
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  int port() const { return port_; }
  // Sets the overall health status ("" service) and each named service's.
  void SetServing(bool serving);
  void Shutdown(absl::Duration grace);

 private:
  GrpcServer() = default;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace mc::grpcutil
