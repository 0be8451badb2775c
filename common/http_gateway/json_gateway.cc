#include "common/http_gateway/json_gateway.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/http_gateway/http_status.h"

namespace mc::http {
namespace {

namespace pbuf = google::protobuf;
constexpr char kJson[] = "application/json";

void ReplyError(HttpExchange& ex, int code, absl::string_view message) {
  ex.Reply(HttpStatusOf(code), kJson, ErrorJson(code, message));
}

std::string UrlDecode(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      if (absl::SimpleHexAtoi(s.substr(i + 1, 2), &v)) {
        out += static_cast<char>(v);
        i += 2;
      } else {
        out += s[i];
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

const pbuf::FieldDescriptor* FieldNamed(const pbuf::Descriptor* d, const std::string& name) {
  if (const pbuf::FieldDescriptor* f = d->FindFieldByName(name)) return f;
  return d->FindFieldByCamelcaseName(name);
}

// A parameter's text as the JSON value of its field (proto3 JSON takes quoted numbers).
absl::StatusOr<nlohmann::json> ParamValue(const pbuf::FieldDescriptor* f, const std::string& v) {
  if (f->cpp_type() == pbuf::FieldDescriptor::CPPTYPE_BOOL) {
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    return absl::InvalidArgumentError(absl::StrCat(f->json_name(), ": true or false"));
  }
  if (f->cpp_type() == pbuf::FieldDescriptor::CPPTYPE_MESSAGE &&
      f->message_type()->full_name() != "google.protobuf.Timestamp" &&
      f->message_type()->full_name() != "google.protobuf.Duration") {
    return nlohmann::json::parse(v, nullptr, false);  // a JSON value given whole
  }
  return v;
}

// The request JSON: the body (or {}) with the parameters set on it by field name.
absl::StatusOr<std::string> WithParams(const pbuf::Descriptor* d, std::string body,
                                       const Captures& params) {
  if (params.empty()) return body.empty() ? std::string("{}") : body;
  nlohmann::json j =
      body.empty() ? nlohmann::json::object() : nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return absl::InvalidArgumentError("request: the body is not a JSON object");
  for (const auto& [name, value] : params) {
    const pbuf::FieldDescriptor* f = FieldNamed(d, name);
    if (f == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": no such field of ", d->full_name()));
    }
    absl::StatusOr<nlohmann::json> v = ParamValue(f, value);
    if (!v.ok()) return v.status();
    if (f->is_repeated()) {
      j[f->json_name()].push_back(*v);
    } else {
      j[f->json_name()] = *v;
    }
  }
  return j.dump();
}

std::string MethodPath(const pbuf::MethodDescriptor* m) {
  return absl::StrCat("/", m->service()->full_name(), "/", m->name());
}

std::string TypeUrl(const pbuf::Descriptor* d) {
  return absl::StrCat("type.googleapis.com/", d->full_name());
}

grpc::ByteBuffer ToBuffer(std::string bytes) {
  grpc::Slice slice(std::move(bytes));
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBuffer(const grpc::ByteBuffer& buffer, std::string* bytes) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  bytes->clear();
  for (const grpc::Slice& s : slices) {
    bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return true;
}

}  // namespace

JsonGateway::JsonGateway(std::shared_ptr<grpc::Channel> channel, grpcutil::CallGate& gate,
                         std::vector<std::string> services, std::vector<HttpRoute> routes,
                         std::string openapi_json, JsonGatewayOptions options)
    : channel_(std::move(channel)),
      gate_(gate),
      services_(std::move(services)),
      routes_(std::move(routes)),
      openapi_json_(std::move(openapi_json)),
      options_(options),
      types_(pbuf::util::NewTypeResolverForDescriptorPool(
          "type.googleapis.com", pbuf::DescriptorPool::generated_pool())) {}

JsonGateway::~JsonGateway() = default;

bool JsonGateway::ToJson(const pbuf::Descriptor* type, const grpc::ByteBuffer& buffer,
                         std::string* json) const {
  std::string bytes;
  if (!FromBuffer(buffer, &bytes)) return false;
  pbuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;  // a status of 0 reads PENDING, not nothing
  json->clear();
  return pbuf::util::BinaryToJsonString(types_.get(), TypeUrl(type), bytes, json, options).ok();
}

bool JsonGateway::Resolve(HttpExchange& ex, Target* target) {
  const pbuf::DescriptorPool* pool = pbuf::DescriptorPool::generated_pool();
  bool path_known = false;
  for (const HttpRoute& r : routes_) {
    Captures captures;
    if (!MatchRoute(r, ex.path(), &captures)) continue;
    path_known = true;
    if (r.verb != ex.method()) continue;
    target->method = pool->FindMethodByName(r.method);
    target->body = r.body;
    target->params = std::move(captures);
    break;
  }
  if (target->method == nullptr && !path_known) {
    // POST /v1/{service}/{method}
    const std::vector<std::string> parts = absl::StrSplit(ex.path(), '/');
    if (parts.size() == 4 && parts[0].empty() && parts[1] == "v1" && Serves(parts[2])) {
      path_known = true;
      if (ex.method() == "POST" && !GenericMethod(ex, parts[2], parts[3], target)) return false;
    }
  }
  if (target->method == nullptr) {
    if (path_known) {
      ex.Reply(405, kJson,
               ErrorJson(12, absl::StrCat(ex.method(), " is not served at ", ex.path()), 405));
    } else {
      ReplyError(ex, 5, absl::StrCat("path: no route for ", ex.method(), " ", ex.path()));
    }
    return false;
  }
  if (!ex.query().empty()) {
    for (absl::string_view pair : absl::StrSplit(ex.query(), '&', absl::SkipEmpty())) {
      const size_t eq = pair.find('=');
      target->params.emplace_back(
          UrlDecode(pair.substr(0, eq)),
          eq == absl::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1)));
    }
  }
  return true;
}

void JsonGateway::Handle(HttpExchange& ex) {
  if (ex.path() == "/v1/openapi.json") {
    if (ex.method() != "GET" && ex.method() != "HEAD") {
      ex.Reply(405, kJson, ErrorJson(12, "GET /v1/openapi.json", 405));
      return;
    }
    ex.Reply(200, kJson, openapi_json_);
    return;
  }
  Target target;
  if (!Resolve(ex, &target)) return;
  Serve(ex, target, ex.Header("Authorization"));
}

void JsonGateway::HandleCall(HttpExchange& ex, absl::string_view service, absl::string_view method,
                             const std::string& authorization) {
  if (!Serves(service)) {
    ReplyError(ex, 5, absl::StrCat("service: no service ", service));
    return;
  }
  Target target;
  if (GenericMethod(ex, service, method, &target)) Serve(ex, target, authorization);
}

bool JsonGateway::Serves(absl::string_view service) const {
  return std::find(services_.begin(), services_.end(), service) != services_.end();
}

bool JsonGateway::GenericMethod(HttpExchange& ex, absl::string_view service,
                                absl::string_view method, Target* target) {
  target->method =
      pbuf::DescriptorPool::generated_pool()->FindMethodByName(absl::StrCat(service, ".", method));
  if (target->method != nullptr) return true;
  ReplyError(ex, 12, absl::StrCat("method: ", service, " has no method ", method));
  return false;
}

void JsonGateway::Serve(HttpExchange& ex, const Target& target, const std::string& authorization) {
  // The token and its role first: nothing of the body is read for a caller refused.
  absl::StatusOr<grpcutil::Roles> roles = gate_.RolesOf(target.method->full_name());
  if (!roles.ok()) {
    ReplyError(ex, 12, absl::StrCat("method: ", target.method->full_name(), " is not served"));
    return;
  }
  if (absl::Status s = gate_.Enter(authorization, *roles); !s.ok()) {
    ReplyError(ex, static_cast<int>(s.code()), s.message());
    return;
  }
  gate_.Leave();  // the call below passes the gate itself
  std::string body;
  if (target.body) {
    absl::StatusOr<std::string> read = ex.ReadBody();
    if (!read.ok()) {
      const int status = BodyErrorStatus(read.status());
      ex.Reply(status, kJson, ErrorJson(status == 413 ? 8 : 3, read.status().message(), status));
      return;
    }
    body = *std::move(read);
  }
  absl::StatusOr<std::string> request =
      WithParams(target.method->input_type(), std::move(body), target.params);
  if (!request.ok()) {
    ReplyError(ex, 3, request.status().message());
    return;
  }
  Call(ex, target, *request, authorization);
}

void JsonGateway::Call(HttpExchange& ex, const Target& target, const std::string& request_json,
                       const std::string& authorization) {
  const pbuf::MethodDescriptor* m = target.method;
  // Straight from JSON to the wire form (protobuf's JSON converter), no message built between.
  std::string request_bytes;
  pbuf::util::JsonParseOptions parse;
  if (const auto s = pbuf::util::JsonToBinaryString(types_.get(), TypeUrl(m->input_type()),
                                                    request_json, &request_bytes, parse);
      !s.ok()) {
    ReplyError(ex, 3,
               absl::StrCat("request: not a JSON ", m->input_type()->name(), ": ",
                            std::string(s.message())));
    return;
  }
  grpc::ByteBuffer request_buffer = ToBuffer(std::move(request_bytes));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
  grpc::GenericStub stub(channel_);

  if (!m->server_streaming()) {
    grpc::ByteBuffer response_buffer;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, MethodPath(m), grpc::StubOptions(), &request_buffer, &response_buffer,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    const grpc::Status s = done.get_future().get();
    if (!s.ok()) {
      ReplyError(ex, s.error_code(), s.error_message());
      return;
    }
    std::string json;
    if (!ToJson(m->output_type(), response_buffer, &json)) {
      ReplyError(ex, 13, "response: cannot be written as JSON");
      return;
    }
    ex.Reply(200, kJson, json);
    return;
  }

  // A server stream: every message, as a JSON array.
  grpc::CompletionQueue cq;
  void* tag;
  bool ok = false;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&ctx, MethodPath(m), &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  std::string array = "[";
  size_t count = 0;
  if (ok) {
    call->WriteLast(request_buffer, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    while (ok) {
      grpc::ByteBuffer page;
      call->Read(&page, reinterpret_cast<void*>(3));
      cq.Next(&tag, &ok);
      if (!ok) break;
      std::string json;
      if (!ToJson(m->output_type(), page, &json)) break;
      if (count++ > 0) array += ",";
      array += json;
      if (count >= options_.max_stream_messages) {
        ctx.TryCancel();
        break;
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  if (!status.ok() && count < options_.max_stream_messages) {
    ReplyError(ex, status.error_code(), status.error_message());
    return;
  }
  array += "]";
  ex.Reply(200, kJson, array);
}

}  // namespace mc::http
