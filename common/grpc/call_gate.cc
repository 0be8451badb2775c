#include "common/grpc/call_gate.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message_lite.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mc::grpcutil {

absl::StatusOr<Roles> CallGate::RolesOf(absl::string_view method) const {
  auto it = roles_.find(method);
  if (it == roles_.end()) {
    return absl::NotFoundError(absl::StrCat(method, " has no entry in the table of roles"));
  }
  return it->second;
}

absl::Status CallGate::Enter(const grpc::ServerContextBase& context, Roles allowed) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  return Enter(it == metadata.end() ? absl::string_view()
                                    : absl::string_view(it->second.data(), it->second.size()),
               allowed);
}

absl::Status CallGate::Enter(absl::string_view authorization, Roles allowed) {
  in_flight_.fetch_add(1);
  if (draining_.load()) {
    last_refused_ns_.store(absl::GetCurrentTimeNanos());
    Leave();
    return absl::UnavailableError("the service is shutting down: retry (another replica)");
  }
  if (absl::Status s =
          auth_.CheckHeader(std::string_view(authorization.data(), authorization.size()), allowed);
      !s.ok()) {
    Leave();
    return s;
  }
  return absl::OkStatus();
}

void CallGate::Leave() {
  if (in_flight_.fetch_sub(1) == 1 && draining_.load()) {
    absl::MutexLock lock(&mu_);
    changed_.SignalAll();
  }
}

absl::Status CallGate::Parse(const grpc::ByteBuffer& body, google::protobuf::MessageLite* request) {
  bool parsed = false;
  grpc::Slice slice;
  if (body.TrySingleSlice(&slice).ok()) {
    google::protobuf::io::CodedInputStream in(slice.begin(), static_cast<int>(slice.size()));
    in.SetRecursionLimit(kParseRecursionLimit);
    parsed = request->ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
  } else {
    grpc::ByteBuffer copy(body);  // shares the slices; the reader needs a mutable buffer
    grpc::ProtoBufferReader reader(&copy);
    if (reader.status().ok()) {
      google::protobuf::io::CodedInputStream in(&reader);
      in.SetRecursionLimit(kParseRecursionLimit);
      // A zero tag ends a message: bytes after it mean the body was not this message.
      parsed = request->ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
    }
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("request: could not be parsed as ", request->GetTypeName(),
                     " (not its protobuf encoding, a text field not UTF-8, or nested too deep)"));
  }
  return absl::OkStatus();
}

absl::Status CallGate::Serialize(const google::protobuf::MessageLite& response,
                                 grpc::ByteBuffer* body) {
  bool own_buffer = false;
  grpc::Status s = grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::MessageLite>(
      response, body, &own_buffer);
  if (!s.ok()) return absl::InternalError(absl::StrCat("response: ", s.error_message()));
  return absl::OkStatus();
}

void CallGate::Drain(absl::Time deadline, absl::Duration quiet) {
  draining_.store(true);
  // Quiet since the drain began or the last refusal, whichever is later: with no refusal yet,
  // the calls in flight ending is not the end (their callers are about to send the next one).
  const absl::Time began = absl::Now();
  absl::MutexLock lock(&mu_);
  while (true) {
    const absl::Time now = absl::Now();
    if (now >= deadline) return;
    const absl::Time quiet_until =
        std::max(began, absl::FromUnixNanos(last_refused_ns_.load())) + quiet;
    if (in_flight_.load() == 0 && now >= quiet_until) return;
    // Woken by the last Leave; otherwise looks again when the quiet time may have passed.
    changed_.WaitWithDeadline(&mu_, in_flight_.load() == 0 ? std::min(quiet_until, deadline)
                                                           : std::min(now + quiet, deadline));
  }
}

}  // namespace mc::grpcutil
