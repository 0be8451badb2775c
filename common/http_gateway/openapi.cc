#include "common/http_gateway/openapi.h"

#include <google/protobuf/descriptor.h>

#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace mc::http {
namespace {

namespace pbuf = google::protobuf;
using json = nlohmann::ordered_json;

std::string Ref(const pbuf::Descriptor* d) {
  return absl::StrCat("#/components/schemas/", d->full_name());
}

class Schemas {
 public:
  // The schema of a field's type; adds the messages it needs.
  json FieldSchema(const pbuf::FieldDescriptor* f) {
    json item = ScalarOrRef(f);
    if (f->is_map()) {
      return {{"type", "object"},
              {"additionalProperties", ScalarOrRef(f->message_type()->FindFieldByName("value"))}};
    }
    if (f->is_repeated()) return {{"type", "array"}, {"items", item}};
    return item;
  }

  json MessageRef(const pbuf::Descriptor* d) {
    Add(d);
    return {{"$ref", Ref(d)}};
  }

  json& all() { return schemas_; }

 private:
  json ScalarOrRef(const pbuf::FieldDescriptor* f) {
    using F = pbuf::FieldDescriptor;
    switch (f->type()) {
      case F::TYPE_BOOL:
        return {{"type", "boolean"}};
      case F::TYPE_STRING:
        return {{"type", "string"}};
      case F::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case F::TYPE_INT32:
      case F::TYPE_SINT32:
      case F::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case F::TYPE_UINT32:
      case F::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      case F::TYPE_INT64:
      case F::TYPE_SINT64:
      case F::TYPE_SFIXED64:
      case F::TYPE_UINT64:
      case F::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "int64"}};  // proto3 JSON: a string
      case F::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case F::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case F::TYPE_ENUM: {
        json values = json::array();
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          values.push_back(f->enum_type()->value(i)->name());
        }
        return {{"type", "string"}, {"enum", values}};
      }
      default:
        break;
    }
    const std::string& name = f->message_type()->full_name();
    if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (name == "google.protobuf.Duration") return {{"type", "string"}};
    if (name == "google.protobuf.Struct") {
      return {{"type", "object"}, {"additionalProperties", true}};
    }
    if (name == "google.protobuf.Value") return json::object();
    if (name == "google.protobuf.ListValue") return {{"type", "array"}, {"items", json::object()}};
    return MessageRef(f->message_type());
  }

  void Add(const pbuf::Descriptor* d) {
    if (!seen_.insert(d->full_name()).second) return;
    json properties = json::object();
    for (int i = 0; i < d->field_count(); ++i) {
      properties[d->field(i)->json_name()] = FieldSchema(d->field(i));
    }
    json schema = {{"type", "object"}, {"properties", properties}};
    schemas_[d->full_name()] = schema;
  }

  std::set<std::string> seen_;
  json schemas_ = json::object();
};

json Operation(Schemas& schemas, const pbuf::MethodDescriptor* m, bool body,
               const std::vector<std::string>& path_params, bool query_params,
               const std::string& operation_id) {
  json op = {{"operationId", operation_id},
             {"tags", json::array({m->service()->name()})},
             {"summary", absl::StrCat("RPC ", m->full_name(),
                                      m->server_streaming() ? " (a stream: a JSON array)" : "")}};
  json params = json::array();
  for (const std::string& p : path_params) {
    const pbuf::FieldDescriptor* f = m->input_type()->FindFieldByName(p);
    params.push_back({{"name", p},
                      {"in", "path"},
                      {"required", true},
                      {"schema", f ? schemas.FieldSchema(f) : json{{"type", "string"}}}});
  }
  if (query_params) {
    const pbuf::Descriptor* in = m->input_type();
    for (int i = 0; i < in->field_count(); ++i) {
      const pbuf::FieldDescriptor* f = in->field(i);
      if (std::find(path_params.begin(), path_params.end(), f->name()) != path_params.end()) {
        continue;
      }
      params.push_back(
          {{"name", f->json_name()}, {"in", "query"}, {"schema", schemas.FieldSchema(f)}});
    }
  }
  if (!params.empty()) op["parameters"] = params;
  if (body) {
    op["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", schemas.MessageRef(m->input_type())}}}}}};
  }
  json ok_schema = schemas.MessageRef(m->output_type());
  if (m->server_streaming()) ok_schema = {{"type", "array"}, {"items", ok_schema}};
  op["responses"] = {
      {"200",
       {{"description", "OK"}, {"content", {{"application/json", {{"schema", ok_schema}}}}}}},
      {"default",
       {{"description", "An error: the gRPC status as Google's API design guide maps it"},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}};
  return op;
}

std::vector<std::string> PathParams(const std::string& pattern) {
  std::vector<std::string> out;
  for (size_t at = pattern.find('{'); at != std::string::npos; at = pattern.find('{', at + 1)) {
    const size_t close = pattern.find('}', at);
    if (close == std::string::npos) break;
    out.push_back(pattern.substr(at + 1, close - at - 1));
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string OpenApiDocument(const std::string& title, const std::string& version,
                            const std::vector<std::string>& services,
                            const std::vector<HttpRoute>& routes) {
  const pbuf::DescriptorPool* pool = pbuf::DescriptorPool::generated_pool();
  Schemas schemas;
  json paths = json::object();
  for (const HttpRoute& r : routes) {
    const pbuf::MethodDescriptor* m = pool->FindMethodByName(r.method);
    if (m == nullptr) continue;
    paths[r.pattern][Lower(r.verb)] =
        Operation(schemas, m, r.body, PathParams(r.pattern), r.verb == "GET",
                  absl::StrCat(m->name(), "_", Lower(r.verb), "_readable"));
  }
  for (const std::string& s : services) {
    const pbuf::ServiceDescriptor* service = pool->FindServiceByName(s);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const pbuf::MethodDescriptor* m = service->method(i);
      paths[absl::StrCat("/v1/", s, "/", m->name())]["post"] =
          Operation(schemas, m, true, {}, false,
                    absl::StrCat(absl::StrReplaceAll(s, {{".", "_"}}), "_", m->name()));
    }
  }
  schemas.all()["Error"] = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties",
           {{"code", {{"type", "integer"}, {"description", "the HTTP status"}}},
            {"status", {{"type", "string"}, {"description", "the gRPC code's name"}}},
            {"message", {{"type", "string"}}},
            {"field", {{"type", "string"}, {"description", "the field the message names"}}}}},
          {"required", json::array({"code", "status", "message"})}}}}},
      {"required", json::array({"error"})}};
  json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", title}, {"version", version}}},
              {"paths", paths},
              {"components",
               {{"schemas", schemas.all()},
                {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
              {"security", json::array({{{"bearer", json::array()}}})}};
  return doc.dump(1);
}

}  // namespace mc::http
