// FakeTemplateSource: a TemplateSource for unit tests, in memory: templates compiled from the
// content a test gives, or the error it sets for an id.
//
// Failure modes: Get returns NOT_FOUND for an id never given, the set error for a failing one;
// Add returns the compilation's error. Not thread-safe: one test thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "execution-service/templates/template_source.h"

namespace mc::execution {

class FakeTemplateSource final : public TemplateSource {
 public:
  [[nodiscard]] absl::Status Add(int64_t id, TemplateContent content) {
    PublishedTemplate published;
    published.id = id;
    published.content = std::move(content);
    absl::StatusOr<CompiledTemplate> compiled = CompiledTemplate::Compile(published);
    if (!compiled.ok()) return compiled.status();
    templates_[id] = std::make_shared<const CompiledTemplate>(std::move(*compiled));
    return absl::OkStatus();
  }
  void Fail(int64_t id, absl::Status error) { templates_[id] = std::move(error); }

  [[nodiscard]] absl::StatusOr<std::shared_ptr<const CompiledTemplate>> Get(int64_t id) override {
    ++gets_;
    auto it = templates_.find(id);
    if (it == templates_.end()) return absl::NotFoundError(absl::StrCat("template ", id));
    return it->second;
  }

  int gets() const { return gets_; }

 private:
  std::map<int64_t, absl::StatusOr<std::shared_ptr<const CompiledTemplate>>> templates_;
  int gets_ = 0;
};

}  // namespace mc::execution
