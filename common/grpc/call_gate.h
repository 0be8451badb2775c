// CallGate: what every call of the project's services passes before its handler runs, in this
// order, and what a shutdown waits for.
//
//  1. The service still takes calls: once Drain() has begun, a new call gets UNAVAILABLE
//     ("shutting down: retry") with nothing done, which tells the caller to retry elsewhere.
//  2. The caller's bearer token and its role, against the method's entry in the one table of
//     method -> roles (MethodRoles): UNAUTHENTICATED / PERMISSION_DENIED as BearerAuth says,
//     before a single byte of the body is parsed, so an unauthenticated caller costs a hash
//     and can make nothing log.
//  3. The body, parsed by Parse() under a recursion limit well above the nesting a field
//     allows (so that a deep ctx is refused by its own validation rule, naming the field):
//     INVALID_ARGUMENT "request: could not be parsed as <message type>" for bytes that are not
//     that message.
//
// Calls admitted by Enter() are counted until Leave(); Drain() waits for them. Thread-safe:
// Enter/Leave are two atomic operations on the hot path; Drain takes a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc/bearer_auth.h"

namespace google::protobuf {
class MessageLite;
}
namespace grpc {
class ByteBuffer;
class ServerContextBase;
}  // namespace grpc

namespace mc::grpcutil {

// The one table of who may call what: method full name ("messagecenter.v1.EventService.PushEvent",
// protobuf's MethodDescriptor::full_name) -> the roles allowed. A method missing from it is
// never served (GrpcServer::Start refuses to start).
using MethodRoles = absl::flat_hash_map<std::string, Roles>;

class CallGate {
 public:
  // Nesting the parser accepts, in protobuf messages (a level of JSON ctx costs three).
  static constexpr int kParseRecursionLimit = 400;

  CallGate(const BearerAuth& auth, MethodRoles roles) : auth_(auth), roles_(std::move(roles)) {}
  CallGate(const CallGate&) = delete;
  CallGate& operator=(const CallGate&) = delete;

  // The roles `method` allows; NOT_FOUND when the table has no entry for it.
  [[nodiscard]] absl::StatusOr<Roles> RolesOf(absl::string_view method) const;
  const MethodRoles& roles() const { return roles_; }
  // The roles of an admitted call's token (BearerAuth::RolesOf).
  Roles CallerRoles(const grpc::ServerContextBase& context) const { return auth_.RolesOf(context); }

  // Steps 1 and 2 for one call. OK: the call is counted and Leave() must follow once it has
  // finished. Otherwise nothing is counted and the status is the call's answer.
  [[nodiscard]] absl::Status Enter(const grpc::ServerContextBase& context, Roles allowed);
  // The same for the call's `authorization` metadata value.
  [[nodiscard]] absl::Status Enter(absl::string_view authorization, Roles allowed);
  void Leave();

  // Step 3. `body` is only read.
  [[nodiscard]] static absl::Status Parse(const grpc::ByteBuffer& body,
                                          google::protobuf::MessageLite* request);
  // The response as the bytes gRPC sends; INTERNAL if protobuf cannot serialise it.
  [[nodiscard]] static absl::Status Serialize(const google::protobuf::MessageLite& response,
                                              grpc::ByteBuffer* body);

  // Refuses every call from now on (step 1), then waits until no admitted call is in flight
  // and no call has been refused for `quiet`, counted from when the drain began at the earliest
  // (callers that were still sending have gone, so the transport can close without cutting a
  // call in half), or until `deadline`.
  void Drain(absl::Time deadline, absl::Duration quiet);
  int in_flight() const { return in_flight_.load(); }

 private:
  const BearerAuth& auth_;
  const MethodRoles roles_;
  std::atomic<int> in_flight_{0};
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> last_refused_ns_{0};  // absl::GetCurrentTimeNanos of the last refusal
  absl::Mutex mu_;
  absl::CondVar changed_;
};

}  // namespace mc::grpcutil
