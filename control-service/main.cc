// control-service: parses the flags and runs one ControlInstance (control_instance.h: the
// composition root, its start and its drain) until SIGTERM/SIGINT; see service/service_main.h.
#include "common/service/service_main.h"
#include "control-service/control_config.h"
#include "control-service/control_instance.h"
#include "control-service/migrations/migrations.h"

int main(int argc, char** argv) {
  using namespace mc;
  return service::ServiceMain<control::ControlInstance>(
      argc, argv,
      service::ServiceProgram<control::ControlConfig>{.name = "control-service",
                                                      .component = "control",
                                                      .parse = control::ParseControlConfig,
                                                      .migrations = control::Migrations()});
}
