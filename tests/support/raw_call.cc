#include "tests/support/raw_call.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "messagecenter/control/v1/control.pb.h"
#include "messagecenter/v1/events.pb.h"
#include "messagecenter/v1/instance.pb.h"
#include "messagecenter/v1/suppressions.pb.h"
#include "messagecenter/v1/templates.pb.h"
#include "messagecenter/v1/workflows.pb.h"
#include "tests/support/e2e_cluster.h"

namespace mc::e2e {

const std::vector<std::string> kExecutionServices = {
    "messagecenter.v1.EventService",    "messagecenter.v1.TemplateService",
    "messagecenter.v1.WorkflowService", "messagecenter.v1.InstanceService",
    "messagecenter.v1.WebhookService",  "messagecenter.v1.SuppressionService"};
const std::vector<std::string> kControlServices = {
    "messagecenter.control.v1.AccountService", "messagecenter.control.v1.TemplateService",
    "messagecenter.control.v1.BlockService",   "messagecenter.control.v1.ArchivingService",
    "messagecenter.control.v1.ReportService",  "messagecenter.control.v1.SubscriptionService",
    "messagecenter.control.v1.ArchiveService", "messagecenter.control.v1.SuppressionService"};

std::vector<std::string> MethodPaths(const std::vector<std::string>& services) {
  // Each proto file's descriptors are registered once its code is linked in: use one message
  // of each.
  for (const google::protobuf::Descriptor* d :
       {messagecenter::v1::PushEventRequest::descriptor(),
        messagecenter::v1::PublishTemplateRequest::descriptor(),
        messagecenter::v1::ListWorkflowsRequest::descriptor(),
        messagecenter::v1::GetInstanceInfoRequest::descriptor(),
        messagecenter::v1::ListSuppressionsRequest::descriptor(),
        messagecenter::control::v1::ListAccountsRequest::descriptor()}) {
    REQUIRE(d != nullptr);
  }
  std::vector<std::string> paths;
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* s =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    REQUIRE(s != nullptr);
    for (int i = 0; i < s->method_count(); ++i) {
      paths.push_back(absl::StrCat("/", name, "/", s->method(i)->name()));
    }
  }
  return paths;
}

grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
                     const std::string& token, const std::string& body) {
  grpc::GenericStub stub(channel);
  std::unique_ptr<grpc::ClientContext> ctx = Context(token);
  grpc::CompletionQueue cq;
  void* tag;
  bool ok;
  auto call = stub.PrepareCall(ctx.get(), path, &cq);
  call->StartCall(nullptr);
  cq.Next(&tag, &ok);
  if (ok) {
    grpc::Slice slice(body);
    call->WriteLast(grpc::ByteBuffer(&slice, 1), grpc::WriteOptions(), nullptr);
    cq.Next(&tag, &ok);
    grpc::ByteBuffer reply;
    while (ok) {
      call->Read(&reply, nullptr);
      cq.Next(&tag, &ok);
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace mc::e2e
