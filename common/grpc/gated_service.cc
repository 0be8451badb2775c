#include "common/grpc/gated_service.h"

#include <google/protobuf/descriptor.h>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"

namespace mc::grpcutil::internal {

MethodTable::MethodTable(const CallGate& gate, std::string service_name)
    : gate_(gate),
      name_(std::move(service_name)),
      descriptor_(google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name_)) {
  if (descriptor_ == nullptr) {
    faults_.push_back(absl::StrCat(name_, ": no such service in the compiled protos"));
    return;
  }
  served_.assign(descriptor_->method_count(), false);
}

std::optional<MethodTable::Slot> MethodTable::Prepare(
    absl::string_view method, Kind kind, const google::protobuf::Descriptor* request,
    const google::protobuf::Descriptor* response) {
  if (descriptor_ == nullptr) return std::nullopt;
  const google::protobuf::MethodDescriptor* m = descriptor_->FindMethodByName(std::string(method));
  const std::string full = absl::StrCat(name_, ".", method);
  if (m == nullptr) {
    faults_.push_back(absl::StrCat(full, ": no such method"));
    return std::nullopt;
  }
  const bool stream = kind == Kind::kServerStream;
  if (m->client_streaming() || m->server_streaming() != stream || m->input_type() != request ||
      m->output_type() != response) {
    faults_.push_back(absl::StrCat(full, ": the handler's shape or types differ from the proto"));
    return std::nullopt;
  }
  if (served_[m->index()]) {
    faults_.push_back(absl::StrCat(full, ": registered twice"));
    return std::nullopt;
  }
  absl::StatusOr<Roles> roles = gate_.RolesOf(m->full_name());
  if (!roles.ok()) {
    faults_.push_back(std::string(roles.status().message()));
    return std::nullopt;
  }
  served_[m->index()] = true;
  return Slot{m->index(), *roles};
}

std::vector<std::string> MethodTable::Faults() const {
  std::vector<std::string> faults = faults_;
  for (size_t i = 0; i < served_.size(); ++i) {
    if (!served_[i]) {
      faults.push_back(absl::StrCat(descriptor_->method(static_cast<int>(i))->full_name(),
                                    ": no handler registered through the gate"));
    }
  }
  return faults;
}

grpc::Status ServeSync(CallGate& gate, Roles roles, const grpc::ServerContext& context,
                       RawStream& stream, google::protobuf::MessageLite& request,
                       absl::FunctionRef<grpc::Status()> handle) {
  if (absl::Status s = gate.Enter(context, roles); !s.ok()) return status::ToGrpc(s);
  absl::Cleanup leave = [&gate] { gate.Leave(); };
  grpc::ByteBuffer body;
  if (!stream.Read(&body)) {
    return status::ToGrpc(
        absl::InvalidArgumentError("request: missing (the call sent no message)"));
  }
  if (absl::Status s = CallGate::Parse(body, &request); !s.ok()) return status::ToGrpc(s);
  return handle();
}

grpc::Status WriteResponse(RawStream& stream, const google::protobuf::MessageLite& response) {
  grpc::ByteBuffer body;
  if (absl::Status s = CallGate::Serialize(response, &body); !s.ok()) return status::ToGrpc(s);
  // The last message: corked until the status, which goes in the same write.
  if (!stream.Write(body, grpc::WriteOptions().set_last_message())) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the caller went away before the response");
  }
  return grpc::Status::OK;
}

}  // namespace mc::grpcutil::internal
