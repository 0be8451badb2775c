// TemplateSource: compiled templates by id, as EventProcessor sees them (TemplateCatalog
// implements it over the stored templates; tests use processing/fake_template_source.h).
//
// Failure modes: Get returns UNAVAILABLE when the templates cannot be read now (the caller tries
// again later), any other error when the template cannot be used (unknown id, stored text that
// no longer compiles). Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "execution-service/templates/compiled_template.h"

namespace mc::execution {

class TemplateSource {
 public:
  virtual ~TemplateSource() = default;
  [[nodiscard]] virtual absl::StatusOr<std::shared_ptr<const CompiledTemplate>> Get(int64_t id) = 0;
};

}  // namespace mc::execution
