// GatedService<Generated>: a gRPC service whose every method is served through a CallGate, so
// that no handler runs before the gate has checked the shutdown state, the token and the
// caller's role (from the one MethodRoles table), and parsed the body itself.
//
// Each method is served raw: gRPC hands over the body's bytes and never parses them, so an
// unparseable body reaches the gate (INVALID_ARGUMENT "request: could not be parsed as ...")
// instead of gRPC's own INTERNAL or empty 'unimplemented', and an unauthenticated caller's body is
// not parsed at all. A derived class registers each handler once, in its constructor:
//   ServeUnary("GetEvent", &EventGrpcService::GetEvent);          // synchronous
//   ServeStream("ExportArchive", &InstanceGrpcService::ExportArchive);  // server stream
//   ServeAsync("PushEvent", &EventGrpcService::PushEvent);        // finished by a callback
// Synchronous and streaming handlers run on gRPC's synchronous threads and take the real
// grpc::ServerContext; an asynchronous handler is called on gRPC's callback thread and must
// not block: it calls `done` exactly once, from any thread, and the response it filled is sent
// then.
// Faults() lists what would leave a method open or unserved (a method not registered, one
// with no roles entry, a handler of the wrong shape); GrpcServer::Start refuses to serve a
// service with faults. Registration happens in the constructor; afterwards thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/support/method_handler.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/grpc/call_gate.h"
#include "common/status/grpc_status.h"

namespace google::protobuf {
class Descriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace mc::grpcutil {

// What GrpcServer needs of a gated service.
class Gated {
 public:
  virtual ~Gated() = default;
  virtual grpc::Service& grpc_service() = 0;
  virtual const std::string& service_name() const = 0;
  virtual std::vector<std::string> Faults() const = 0;
};

using RawStream = grpc::ServerReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>;
// Called once by an asynchronous handler with the call's outcome.
using Done = std::function<void(absl::Status)>;

namespace internal {

// The bookkeeping of one service's methods, apart from the templates.
class MethodTable {
 public:
  enum class Kind { kUnary, kServerStream };
  struct Slot {
    int index;
    Roles roles;
  };
  MethodTable(const CallGate& gate, std::string service_name);
  // The method's index and roles; nullopt (and a fault) when it does not exist, has another
  // shape or types, has no roles entry, or was registered before.
  std::optional<Slot> Prepare(absl::string_view method, Kind kind,
                              const google::protobuf::Descriptor* request,
                              const google::protobuf::Descriptor* response);
  std::vector<std::string> Faults() const;
  const std::string& name() const { return name_; }

 private:
  const CallGate& gate_;
  std::string name_;
  const google::protobuf::ServiceDescriptor* descriptor_;
  std::vector<bool> served_;
  std::vector<std::string> faults_;
};

// One synchronous call through the gate: Enter, read and parse the body into `request`, run
// `handle`, Leave. Returns the call's status.
grpc::Status ServeSync(CallGate& gate, Roles roles, const grpc::ServerContext& context,
                       RawStream& stream, google::protobuf::MessageLite& request,
                       absl::FunctionRef<grpc::Status()> handle);
// Serialises and writes a unary response.
grpc::Status WriteResponse(RawStream& stream, const google::protobuf::MessageLite& response);

// The typed writer a streaming handler writes its messages to.
template <class W>
class RawWriter final : public grpc::ServerWriterInterface<W> {
 public:
  explicit RawWriter(RawStream& stream) : stream_(stream) {}
  using grpc::ServerWriterInterface<W>::Write;
  void SendInitialMetadata() override { stream_.SendInitialMetadata(); }
  bool Write(const W& message, grpc::WriteOptions options) override {
    grpc::ByteBuffer body;
    return CallGate::Serialize(message, &body).ok() && stream_.Write(body, options);
  }

 private:
  RawStream& stream_;
};

// One asynchronous call: owns its request and response until gRPC is done with it.
template <class Req, class Resp>
class AsyncCall final : public grpc::ServerUnaryReactor {
 public:
  AsyncCall(CallGate& gate, grpc::ByteBuffer* body_out) : gate_(gate), body_out_(body_out) {}
  [[nodiscard]] absl::Status Admit(const grpc::CallbackServerContext& context, Roles roles,
                                   const grpc::ByteBuffer& body) {
    absl::Status s = gate_.Enter(context, roles);
    if (!s.ok()) return s;
    admitted_ = true;
    return CallGate::Parse(body, &request);
  }
  void Complete(const absl::Status& outcome) {
    absl::Status s = outcome;
    if (s.ok()) s = CallGate::Serialize(response, body_out_);
    if (admitted_) gate_.Leave();
    Finish(status::ToGrpc(s));
  }
  void OnDone() override { delete this; }

  Req request;
  Resp response;

 private:
  CallGate& gate_;
  grpc::ByteBuffer* body_out_;
  bool admitted_ = false;
};

}  // namespace internal

template <class Generated>
class GatedService : public Generated::Service, public Gated {
 public:
  grpc::Service& grpc_service() final { return *this; }
  const std::string& service_name() const final { return methods_.name(); }
  std::vector<std::string> Faults() const final { return methods_.Faults(); }

 protected:
  explicit GatedService(CallGate& gate)
      : gate_(gate), methods_(gate, Generated::service_full_name()) {}

  template <class Self, class Req, class Resp>
  void ServeUnary(absl::string_view method,
                  grpc::Status (Self::*handler)(grpc::ServerContext*, const Req*, Resp*)) {
    Self* self = static_cast<Self*>(this);
    ServeSync<Req, Resp>(
        method, internal::MethodTable::Kind::kUnary,
        [self, handler](grpc::ServerContext* ctx, const Req& request, RawStream& stream) {
          Resp response;
          grpc::Status s = (self->*handler)(ctx, &request, &response);
          return s.ok() ? internal::WriteResponse(stream, response) : s;
        });
  }

  template <class Self, class Req, class Resp>
  void ServeStream(absl::string_view method,
                   grpc::Status (Self::*handler)(grpc::ServerContext*, const Req*,
                                                 grpc::ServerWriterInterface<Resp>*)) {
    Self* self = static_cast<Self*>(this);
    ServeSync<Req, Resp>(
        method, internal::MethodTable::Kind::kServerStream,
        [self, handler](grpc::ServerContext* ctx, const Req& request, RawStream& stream) {
          internal::RawWriter<Resp> writer(stream);
          return (self->*handler)(ctx, &request, &writer);
        });
  }

  template <class Self, class Req, class Resp>
  void ServeAsync(absl::string_view method,
                  void (Self::*handler)(grpc::CallbackServerContext*, const Req&, Resp*, Done)) {
    std::optional<internal::MethodTable::Slot> slot = methods_.Prepare(
        method, internal::MethodTable::Kind::kUnary, Req::descriptor(), Resp::descriptor());
    if (!slot) return;
    Self* self = static_cast<Self*>(this);
    CallGate* gate = &gate_;
    this->MarkMethodRawCallback(
        slot->index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                         [self, handler, gate, roles = slot->roles](
                             grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* body,
                             grpc::ByteBuffer* body_out) -> grpc::ServerUnaryReactor* {
                           auto* call = new internal::AsyncCall<Req, Resp>(*gate, body_out);
                           if (absl::Status s = call->Admit(*ctx, roles, *body); !s.ok()) {
                             call->Complete(s);
                             return call;
                           }
                           (self->*handler)(
                               ctx, call->request, &call->response,
                               [call](absl::Status outcome) { call->Complete(outcome); });
                           return call;
                         }));
  }

 private:
  // A synchronous method through the gate: `run` gets the parsed request and the raw stream.
  template <class Req, class Resp, class Run>
  void ServeSync(absl::string_view method, internal::MethodTable::Kind kind, Run run) {
    std::optional<internal::MethodTable::Slot> slot =
        methods_.Prepare(method, kind, Req::descriptor(), Resp::descriptor());
    if (!slot) return;
    CallGate* gate = &gate_;
    this->MarkMethodStreamed(
        slot->index,
        new grpc::internal::TemplatedBidiStreamingHandler<RawStream, false>(
            [gate, run, roles = slot->roles](grpc::ServerContext* ctx, RawStream* stream) {
              Req request;
              return internal::ServeSync(*gate, roles, *ctx, *stream, request,
                                         [&] { return run(ctx, request, *stream); });
            }));
  }

  CallGate& gate_;
  internal::MethodTable methods_;
};

}  // namespace mc::grpcutil
