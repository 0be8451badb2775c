// TemplateAuthoring: the control instance's template operations (DOMAIN.md section 5): author,
// preview with a seed's test data, publish to every enabled execution instance (each
// publication a new version), unpublish everywhere, send a proof to the seed addresses through
// one instance.
// Parts include personalisation blocks (block_expansion.h): saving, previewing and publishing
// expand every include with the blocks' current content and check the result
// (common/personalisation/template_validation.h); a publication sends that result with the
// versions of the blocks used, and records them with its outcomes. The stored template keeps
// its includes, so a block changed later reaches the instances with the next publication.
//
// Failure modes: INVALID_ARGUMENT naming the field or the personalisation fault's position, or
// the part and the block of an include that cannot be expanded;
// NOT_FOUND; ALREADY_EXISTS; FAILED_PRECONDITION for deleting a published template, previewing
// or sending a proof without a seed, a proof through a disabled account, or a publication no
// instance took (the message lists each instance's reason). Per instance, a publication is refused
// with FAILED_PRECONDITION naming the instance and what is missing: identifier, started technical
// workflows, archiving workflow. Each instance's publication outcome is counted
// (mc_publications_total: ok, refused, error). Thread-safe; a publication calls the instances in
// parallel.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "control-service/accounts/account_repository.h"
#include "control-service/archiving/archiving_repository.h"
#include "control-service/execution/execution_gateway.h"
#include "control-service/metrics/control_metrics.h"
#include "control-service/templates/block_repository.h"
#include "control-service/templates/template_repository.h"

namespace mc::control {

struct RenderedPreview {
  std::string address, subject, html_body, text_body, sms_text;
};

struct ProofResult {
  std::string account;
  std::vector<ProofOutcome> outcomes;  // one per seed, in the template's order
};

struct PublicationResult {
  AuthoredTemplate template_;
  int version = 0;
  std::vector<InstanceOutcome> outcomes;
};

class TemplateAuthoring {
 public:
  TemplateAuthoring(TemplateRepository& templates, BlockRepository& blocks,
                    AccountRepository& accounts, ArchivingRepository& archiving,
                    const ExecutionGateway& client, ControlMetrics& metrics)
      : templates_(templates),
        blocks_(blocks),
        accounts_(accounts),
        archiving_(archiving),
        client_(client),
        metrics_(metrics) {}

  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Create(const AuthoredTemplate& t);
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Update(const AuthoredTemplate& t);
  [[nodiscard]] absl::StatusOr<AuthoredTemplate> Get(const std::string& name) {
    return templates_.Get(name);
  }
  [[nodiscard]] absl::StatusOr<std::vector<AuthoredTemplate>> List() { return templates_.List(); }
  [[nodiscard]] absl::Status Delete(const std::string& name) { return templates_.Delete(name); }

  // The stored template `name` rendered for one of its seeds; with `draft`, the draft's content
  // instead (validated as Update validates it, nothing saved), with the stored seeds when the
  // draft has none.
  [[nodiscard]] absl::StatusOr<RenderedPreview> Preview(const std::string& name, int seed_index,
                                                        const AuthoredTemplate* draft = nullptr);
  [[nodiscard]] absl::StatusOr<PublicationResult> Publish(const std::string& name);
  [[nodiscard]] absl::StatusOr<PublicationResult> Unpublish(const std::string& name);
  // Sends a proof of the template as the next publication would send it (the blocks of now),
  // rendered with each seed's data, to every seed's address through `account`'s instance
  // (published or not; nothing is published or recorded).
  [[nodiscard]] absl::StatusOr<ProofResult> SendProof(const std::string& name,
                                                      const std::string& account);

 private:
  // OK, or FAILED_PRECONDITION naming the instance and everything it lacks.
  [[nodiscard]] absl::Status CheckReady(const ExecutionTarget& target);
  // The content of `t` as `version`, its includes expanded with the current blocks, validated.
  [[nodiscard]] absl::StatusOr<personalisation::TemplateContent> Expanded(const AuthoredTemplate& t,
                                                                          int version);
  [[nodiscard]] absl::Status Validate(const AuthoredTemplate& t);

  TemplateRepository& templates_;
  BlockRepository& blocks_;
  AccountRepository& accounts_;
  ArchivingRepository& archiving_;
  const ExecutionGateway& client_;
  ControlMetrics& metrics_;
};

}  // namespace mc::control
