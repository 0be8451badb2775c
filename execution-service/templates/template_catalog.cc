#include "execution-service/templates/template_catalog.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {

absl::StatusOr<std::shared_ptr<const CompiledTemplate>> TemplateCatalog::Get(int64_t id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = compiled_.find(id);
    if (it != compiled_.end()) return it->second;
  }
  absl::StatusOr<PublishedTemplate> published = repository_.Get(id);
  if (!published.ok()) return published.status();
  absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(*published);
  if (!compiled.ok()) {
    return absl::InternalError(
        absl::StrCat("stored template ", id, " does not compile: ", compiled.status().message()));
  }
  auto shared = std::make_shared<const CompiledTemplate>(std::move(*compiled));
  std::lock_guard<std::mutex> lock(mu_);
  return compiled_.emplace(id, std::move(shared)).first->second;
}

}  // namespace mc::execution
