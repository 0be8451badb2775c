// Build-time generator of the control instance's OpenAPI document (common/http_gateway):
// openapi_gen OUT.json OUT.cc.
#include "common/http_gateway/openapi_files.h"
#include "control-service/api/http_routes.h"
#include "messagecenter/control/v1/control.pb.h"

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  (void)messagecenter::control::v1::ListAccountsRequest::descriptor();
  return mc::http::WriteOpenApiFiles(
      argv[1], argv[2], "mc::control", "ControlOpenApiJson", "Message Center control instance",
      mc::control::ControlHttpServices(), mc::control::ControlHttpRoutes());
}
