// execution-service: parses the flags and runs one ExecutionInstance (execution_instance.h: the
// composition root, its start and its drain) until SIGTERM/SIGINT; see service/service_main.h.
#include <curl/curl.h>

#include "common/service/service_main.h"
#include "execution-service/execution_config.h"
#include "execution-service/execution_instance.h"
#include "execution-service/migrations/migrations.h"

int main(int argc, char** argv) {
  using namespace mc;
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread: libcurl's global state
  return service::ServiceMain<execution::ExecutionInstance>(
      argc, argv,
      service::ServiceProgram<execution::ExecutionConfig>{.name = "execution-service",
                                                          .component = "execution",
                                                          .parse = execution::ParseExecutionConfig,
                                                          .migrations = execution::Migrations()});
}
