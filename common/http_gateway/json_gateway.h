// JsonGateway: every RPC of a service as JSON over HTTP, with no second implementation of any
// rule: each request is turned into the method's protobuf message (protobuf's own JSON parser,
// the canonical proto3 JSON mapping) and made as a gRPC call on the server's in-process channel
// with the caller's bearer token, so the call gate (token, role, parse), validation, handlers
// and messages are the gRPC ones; the answer is the response message in proto3 JSON, or the
// status as http_status.h maps it.
//
// Routes: the readable ones given (HttpRoute: path captures and query parameters set on the
// request by field name), then `POST /v1/{service}/{method}` for every method of the services
// given (full names, "messagecenter.v1.EventService"; server-streaming methods answer a JSON
// array of their messages), and `GET /v1/openapi.json` (the document given, unauthenticated).
// The token and its role are checked before the body is read (401/403 and nothing read); the
// body is read within the server's limit (413 unread past it).
// Failure modes: every failure is an answer: 404 for no route, 405 for a known path with
// another verb, 400 INVALID_ARGUMENT "request: ..." for JSON that is not the message, the
// call's status otherwise. Thread-safe.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/grpc/call_gate.h"
#include "common/http/http_server.h"
#include "common/http_gateway/http_route.h"

namespace google::protobuf {
class Descriptor;
class MethodDescriptor;
namespace util {
class TypeResolver;
}
}  // namespace google::protobuf

namespace mc::http {

struct JsonGatewayOptions {
  absl::Duration deadline = absl::Seconds(30);  // per call
  size_t max_stream_messages = 10000;           // a server stream's messages in one answer
};

class JsonGateway {
 public:
  JsonGateway(std::shared_ptr<grpc::Channel> channel, grpcutil::CallGate& gate,
              std::vector<std::string> services, std::vector<HttpRoute> routes,
              std::string openapi_json, JsonGatewayOptions options = {});
  ~JsonGateway();

  void Handle(HttpExchange& exchange);
  // The generic route's RPC `service`.`method` (`service` one of those given) for a caller a
  // front end has authenticated by other means (the console's session), calling as
  // `authorization`: the same gate, body limit and answers as Handle; 404 for a service not
  // given, 501 for a method it has not.
  void HandleCall(HttpExchange& exchange, absl::string_view service, absl::string_view method,
                  const std::string& authorization);

 private:
  struct Target {
    const google::protobuf::MethodDescriptor* method = nullptr;
    bool body = true;
    Captures params;  // path captures, then query parameters
  };
  // The RPC for the request, or the answer already sent (404/405).
  bool Resolve(HttpExchange& exchange, Target* target);
  bool Serves(absl::string_view service) const;
  // The method `service`.`method` of the generic route in `target`, or the 501 sent.
  bool GenericMethod(HttpExchange& exchange, absl::string_view service, absl::string_view method,
                     Target* target);
  // The call to `target` as `authorization`: role, body, request, answer.
  void Serve(HttpExchange& exchange, const Target& target, const std::string& authorization);
  void Call(HttpExchange& exchange, const Target& target, const std::string& request,
            const std::string& authorization);
  // A message of `type` in wire form as proto3 JSON; false when it is not one.
  bool ToJson(const google::protobuf::Descriptor* type, const grpc::ByteBuffer& buffer,
              std::string* json) const;

  const std::shared_ptr<grpc::Channel> channel_;
  grpcutil::CallGate& gate_;
  const std::vector<std::string> services_;
  const std::vector<HttpRoute> routes_;
  const std::string openapi_json_;
  const JsonGatewayOptions options_;
  // JSON to and from the wire form without a message between (thread-safe: reads the pool).
  const std::unique_ptr<google::protobuf::util::TypeResolver> types_;
};

}  // namespace mc::http
