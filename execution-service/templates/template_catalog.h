// TemplateCatalog: compiled templates by id, compiled once and kept (a published version never
// changes): a TemplateSource (templates/template_source.h). Failure modes: Get returns the
// repository's error, or INTERNAL if a stored template no longer compiles. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "execution-service/templates/compiled_template.h"
#include "execution-service/templates/template_repository.h"
#include "execution-service/templates/template_source.h"

namespace mc::execution {

class TemplateCatalog final : public TemplateSource {
 public:
  explicit TemplateCatalog(TemplateRepository& repository) : repository_(repository) {}
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const CompiledTemplate>> Get(int64_t id) override;

 private:
  TemplateRepository& repository_;
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<const CompiledTemplate>> compiled_;
};

}  // namespace mc::execution
