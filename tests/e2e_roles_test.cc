// End to end: the one table of method -> roles of each binary (execution-service/api and
// control-service/api method_roles.cc) against the README's Security table, against every
// method the binaries serve, and against the running services: each method called with no
// token, with a token of each role and with an admin token.
#include <google/protobuf/descriptor.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/testing/shared_postgres.h"
#include "control-service/api/method_roles.h"
#include "execution-service/api/method_roles.h"
#include "messagecenter/control/v1/control.grpc.pb.h"
#include "messagecenter/v1/events.grpc.pb.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "messagecenter/v1/suppressions.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/raw_call.h"

namespace mc::e2e {
namespace {
using grpcutil::MethodRoles;
using grpcutil::Roles;

constexpr char kPusher[] = "pusher-token-0123456789";
constexpr char kOperator[] = "operator-token-0123456789";
constexpr char kControlRole[] = "control-token-0123456789";
const std::string kRoleTokens =
    absl::StrCat("--auth_tokens=pusher:", kPusher, ",operator:", kOperator,
                 ",control:", kControlRole, ",", kToken);

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  // Each proto file's descriptors are registered once its code is linked in.
  (void)messagecenter::v1::PushEventRequest::descriptor();
  (void)messagecenter::v1::PublishTemplateRequest::descriptor();
  (void)messagecenter::v1::ListWorkflowsRequest::descriptor();
  (void)messagecenter::v1::GetInstanceInfoRequest::descriptor();
  (void)messagecenter::v1::ListSuppressionsRequest::descriptor();
  (void)messagecenter::control::v1::ListAccountsRequest::descriptor();
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
}

Roles RoleBits(absl::string_view cell) {
  Roles roles = 0;
  for (absl::string_view word : absl::StrSplit(cell, ',')) {
    word = absl::StripAsciiWhitespace(word);
    if (word == "pusher") roles |= grpcutil::kPusher;
    if (word == "operator") roles |= grpcutil::kOperator;
    if (word == "control") roles |= grpcutil::kControl;
  }
  return roles;
}

// The README's Security table, expanded: rows "| `service` | `M1`, `M2` or every method | roles |";
// a service ending in ".*" stands for every control-instance service.
MethodRoles ReadmeTable() {
  std::ifstream in(MC_SOURCE_DIR "/README.md");
  REQUIRE(in);
  MethodRoles table;
  const std::regex row(R"(^\| `(messagecenter\.[A-Za-z0-9_.*]+)`[^|]*\|([^|]*)\|([^|]*)\|\s*$)");
  const std::regex name("`([A-Za-z]+)`");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    std::string service = m[1];
    const std::string methods = m[2];
    const Roles roles = RoleBits(std::string(m[3]));
    std::vector<std::string> services = {service};
    if (absl::EndsWith(service, ".*")) services = kControlServices;
    for (const std::string& s : services) {
      const google::protobuf::ServiceDescriptor* d = Service(s);
      REQUIRE(d != nullptr);
      if (methods.find("every method") != std::string::npos) {
        for (int i = 0; i < d->method_count(); ++i) table[d->method(i)->full_name()] = roles;
      } else {
        for (std::sregex_iterator it(methods.begin(), methods.end(), name), end; it != end; ++it) {
          table[absl::StrCat(s, ".", (*it)[1].str())] = roles;
        }
      }
    }
  }
  return table;
}

TEST_CASE("the README's role table says what the binaries' tables say, for every method") {
  MethodRoles code = execution::ExecutionMethodRoles();
  for (auto& [method, roles] : control::ControlMethodRoles()) code[method] = roles;
  MethodRoles readme = ReadmeTable();
  for (const auto& [method, roles] : code) {
    INFO(method);
    REQUIRE(readme.contains(method));
    CHECK(readme[method] == roles);
  }
  CHECK(readme.size() == code.size());
  // And the tables leave no method the binaries serve without an entry.
  std::vector<std::string> all = kExecutionServices;
  all.insert(all.end(), kControlServices.begin(), kControlServices.end());
  for (const std::string& s : all) {
    const google::protobuf::ServiceDescriptor* d = Service(s);
    REQUIRE(d != nullptr);
    for (int i = 0; i < d->method_count(); ++i) {
      INFO(d->method(i)->full_name());
      CHECK(code.contains(d->method(i)->full_name()));
    }
  }
}

void CheckServedRoles(const process::ServiceProcess& service, const MethodRoles& table) {
  auto channel = Channel(service.address());
  const std::vector<std::pair<Roles, std::string>> callers = {{0, ""},
                                                              {grpcutil::kPusher, kPusher},
                                                              {grpcutil::kOperator, kOperator},
                                                              {grpcutil::kControl, kControlRole},
                                                              {grpcutil::kAdmin, kToken}};
  for (const auto& [method, allowed] : table) {
    const size_t dot = method.rfind('.');
    const std::string path = absl::StrCat("/", method.substr(0, dot), "/", method.substr(dot + 1));
    for (const auto& [role, token] : callers) {
      INFO(path << " as role bits " << role);
      grpc::Status s = RawCall(channel, path, token, "");  // the empty message
      if (role == 0) {
        CHECK(s.error_code() == grpc::UNAUTHENTICATED);
      } else if ((role & allowed) == 0) {
        CHECK(s.error_code() == grpc::PERMISSION_DENIED);
      } else {
        CHECK(s.error_code() != grpc::UNAUTHENTICATED);
        CHECK(s.error_code() != grpc::PERMISSION_DENIED);
      }
    }
  }
}

TEST_CASE("the running services enforce exactly their tables") {
  const std::string dsn = testing::SharedPostgresDsn();
  auto exec = StartExecution(dsn, testing::FreshSchema("roles"), {kRoleTokens});
  CheckServedRoles(exec, execution::ExecutionMethodRoles());
  auto control = StartControl(dsn, testing::FreshSchema("rolesc"), {kRoleTokens});
  CheckServedRoles(control, control::ControlMethodRoles());
}

}  // namespace
}  // namespace mc::e2e
