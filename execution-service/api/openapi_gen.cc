// Build-time generator of the execution instance's OpenAPI document (common/http_gateway):
// openapi_gen OUT.json OUT.cc.
#include "common/http_gateway/openapi_files.h"
#include "execution-service/api/http_routes.h"
#include "messagecenter/v1/events.pb.h"
#include "messagecenter/v1/instance.pb.h"
#include "messagecenter/v1/suppressions.pb.h"
#include "messagecenter/v1/templates.pb.h"
#include "messagecenter/v1/webhooks.pb.h"
#include "messagecenter/v1/workflows.pb.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  // Each proto file's descriptors are registered once its code is linked in: use one of each.
  (void)messagecenter::v1::PushEventRequest::descriptor();
  (void)messagecenter::v1::GetInstanceInfoRequest::descriptor();
  (void)messagecenter::v1::ListSuppressionsRequest::descriptor();
  (void)messagecenter::v1::PublishTemplateRequest::descriptor();
  (void)messagecenter::v1::PutSubscriptionRequest::descriptor();
  (void)messagecenter::v1::ListWorkflowsRequest::descriptor();
  return mc::http::WriteOpenApiFiles(argv[1], argv[2], "mc::execution", "ExecutionOpenApiJson",
                                     "Message Center execution instance",
                                     mc::execution::ExecutionHttpServices(),
                                     mc::execution::ExecutionHttpRoutes());
}
