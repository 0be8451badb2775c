// ExecutionClient: the control instance's calls to an execution instance over gRPC, with the
// account's endpoint, connection method and credential.
//
// Failure modes, always naming the account and its endpoint:
//  - unreachable, or no answer within the deadline: UNAVAILABLE;
//  - the credential refused: FAILED_PRECONDITION ("update the account's credential");
//  - otherwise the instance's own status code and message.
// The credential is sent as a bearer token and never appears in a message. Stateless and
// thread-safe: each call opens its channel (gRPC shares the TCP connection per target).
#pragma once

#include <grpcpp/channel.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "control-service/accounts/account.h"
#include "control-service/archiving/archive_rows.h"

namespace mc::control {

struct InstanceSummary {
  std::string version;
  std::string instance_id;
  bool workflows_started = false;
  // (internal name, "started" | "paused" | "stopped")
  std::vector<std::pair<std::string, std::string>> workflows;
};

// A template version as published to an execution instance.
struct TemplatePublication {
  std::string internal_name, label, event_type;
  int channel = 0;
  int version = 0;
  std::string subject, html_body, text_body, sms_text;
};

struct ExecutionClientOptions {
  absl::Duration deadline = absl::Seconds(10);
  // For accounts whose connection method is TLS (PEM text): the CA checking the instances
  // (empty: the system's roots), and a client certificate and key for mutual TLS (optional).
  std::string tls_ca, tls_cert, tls_key;
};

class ExecutionClient {
 public:
  explicit ExecutionClient(ExecutionClientOptions options = {}) : options_(std::move(options)) {}

  absl::StatusOr<InstanceSummary> GetInfo(const ExecutionTarget& target) const;
  absl::StatusOr<InstanceSummary> Initialize(const ExecutionTarget& target,
                                             const std::string& instance_id, bool force) const;
  absl::Status Publish(const ExecutionTarget& target, const TemplatePublication& t) const;
  // OK also when the instance had nothing published under that name.
  absl::Status Unpublish(const ExecutionTarget& target, const std::string& internal_name) const;

  // Streams export pages after `after` to `on_page` until caught up (or `max_pages`); stops at
  // the first error `on_page` returns, and returns it. A stream may take up to
  // `stream_deadline`; keepalive pings notice a dead peer within seconds.
  absl::Status Export(const ExecutionTarget& target, const ArchiveCursor& after, int page_size,
                      int max_pages, const std::function<absl::Status(ArchivePage&)>& on_page,
                      absl::Duration stream_deadline = absl::Minutes(30)) const;
  absl::Status ExportQuarantine(
      const ExecutionTarget& target, int page_size,
      const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const;

 private:
  std::shared_ptr<grpc::Channel> MakeChannel(const ExecutionTarget& target) const;

  ExecutionClientOptions options_;
};

}  // namespace mc::control
