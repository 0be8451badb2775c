#include "control-service/templates/template_authoring.h"

#include <algorithm>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/personalisation/channel.h"
#include "common/personalisation/compiled_template.h"
#include "common/personalisation/template_validation.h"
#include "common/script/script_heap.h"
#include "control-service/templates/block_expansion.h"

namespace mc::control {
namespace {

personalisation::TemplateContent Content(const AuthoredTemplate& t, int version) {
  return {.internal_name = t.internal_name,
          .label = t.label,
          .event_type = t.event_type,
          .channel = t.channel,
          .version = version,
          .subject = t.subject,
          .html_body = t.html_body,
          .text_body = t.text_body,
          .sms_text = t.sms_text,
          .default_language = t.default_language,
          .variants = t.variants,
          .sender = t.sender,
          .attachments = t.attachments};
}

// A script heap for rendering `compiled` when it has code (previews and publication checks: one
// per call, a few hundred KB); nullptr otherwise.
absl::StatusOr<std::unique_ptr<script::ScriptHeap>> HeapFor(
    const personalisation::CompiledTemplate& compiled) {
  if (!compiled.has_script()) return std::unique_ptr<script::ScriptHeap>();
  return script::ScriptHeap::Create();
}

// `compiled` rendered with a seed standing for the event: its address is the channel's, its
// test data the ctx.
absl::StatusOr<personalisation::RenderedMessage> RenderForSeed(
    const personalisation::CompiledTemplate& compiled, const AuthoredTemplate& t, const Seed& seed,
    script::ScriptHeap* heap) {
  personalisation::EventFields event{
      .type = t.event_type, .language = seed.language, .country = seed.country};
  (t.channel == static_cast<int>(personalisation::Channel::kSms) ? event.mobile_phone
                                                                 : event.email) = seed.address;
  const nlohmann::json ctx = nlohmann::json::parse(seed.ctx_json, nullptr, false);
  return compiled.Render({.id = 0, .event = &event, .ctx = &ctx}, heap);
}

constexpr size_t kMaxSeedFieldChars = 16;

absl::Status ValidateSeeds(const AuthoredTemplate& t) {
  for (size_t i = 0; i < t.seeds.size(); ++i) {
    const nlohmann::json ctx = nlohmann::json::parse(t.seeds[i].ctx_json, nullptr, false);
    if (!ctx.is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].ctx: a JSON object"));
    }
    if (t.seeds[i].address.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].address: required"));
    }
    for (const auto& [field, value] :
         {std::pair<const char*, const std::string&>{"language", t.seeds[i].language},
          {"country", t.seeds[i].country}}) {
      if (value.size() > kMaxSeedFieldChars) {
        return absl::InvalidArgumentError(absl::StrCat("seeds[", i, "].", field, ": longer than ",
                                                       kMaxSeedFieldChars, " characters"));
      }
    }
  }
  return absl::OkStatus();
}

std::string Who(const ExecutionTarget& t) {
  return absl::StrCat("execution instance '", t.account, "' at ", t.endpoint);
}

}  // namespace

absl::StatusOr<personalisation::TemplateContent> TemplateAuthoring::Expanded(
    const AuthoredTemplate& t, int version) {
  absl::StatusOr<std::vector<Block>> all = blocks_.List();
  if (!all.ok()) return all.status();
  BlocksByName blocks;
  for (Block& b : *all) blocks.emplace(b.name, std::move(b));
  absl::StatusOr<personalisation::TemplateContent> content =
      ExpandBlocks(Content(t, version), blocks);
  if (!content.ok()) return content.status();
  if (absl::Status s = personalisation::ValidateTemplate(*content); !s.ok()) return s;
  return content;
}

absl::Status TemplateAuthoring::Validate(const AuthoredTemplate& t) {
  if (absl::Status s = Expanded(t, 1).status(); !s.ok()) return s;
  return ValidateSeeds(t);
}

absl::StatusOr<AuthoredTemplate> TemplateAuthoring::Create(const AuthoredTemplate& t) {
  if (absl::Status s = Validate(t); !s.ok()) return s;
  return templates_.Create(t);
}

absl::StatusOr<AuthoredTemplate> TemplateAuthoring::Update(const AuthoredTemplate& t) {
  if (absl::Status s = Validate(t); !s.ok()) return s;
  return templates_.Update(t);
}

absl::StatusOr<RenderedPreview> TemplateAuthoring::Preview(const std::string& name, int seed_index,
                                                           const AuthoredTemplate* draft) {
  absl::StatusOr<AuthoredTemplate> t = templates_.Get(name);
  if (!t.ok()) return t.status();
  if (draft != nullptr) {
    AuthoredTemplate edited = *draft;
    edited.internal_name = t->internal_name;
    edited.version = t->version;
    if (edited.seeds.empty()) edited.seeds = t->seeds;
    if (absl::Status s = Validate(edited); !s.ok()) return s;
    *t = std::move(edited);
  }
  if (t->seeds.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("template '", name, "' has no seed address: add one with test data"));
  }
  if (seed_index < 0 || static_cast<size_t>(seed_index) >= t->seeds.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("seed_index: ", seed_index, " (the template has ", t->seeds.size(), ")"));
  }
  // With the blocks as they are now: what the next publication would send.
  absl::StatusOr<personalisation::TemplateContent> content = Expanded(*t, std::max(t->version, 1));
  if (!content.ok()) return content.status();
  absl::StatusOr<personalisation::CompiledTemplate> compiled =
      personalisation::CompiledTemplate::Compile(*content);
  if (!compiled.ok()) return compiled.status();
  const Seed& seed = t->seeds[seed_index];
  absl::StatusOr<std::unique_ptr<script::ScriptHeap>> heap = HeapFor(*compiled);
  if (!heap.ok()) return heap.status();
  absl::StatusOr<personalisation::RenderedMessage> m =
      RenderForSeed(*compiled, *t, seed, heap->get());
  if (!m.ok()) return m.status();
  return RenderedPreview{.address = seed.address,
                         .subject = m->subject,
                         .html_body = m->html,
                         .text_body = m->text,
                         .sms_text = m->sms};
}

absl::Status TemplateAuthoring::CheckReady(const ExecutionTarget& target) {
  std::vector<std::string> missing;
  if (target.instance_id.empty()) {
    missing.push_back("no execution-instance identifier (run Initialize connection)");
  }
  absl::StatusOr<bool> has_archiving = archiving_.HasWorkflowFor(target.account);
  if (!has_archiving.ok()) return has_archiving.status();
  if (!*has_archiving) {
    missing.push_back(absl::StrCat("no archiving workflow (create mcSynch_", target.account, ")"));
  }
  absl::StatusOr<InstanceSummary> info = client_.GetInfo(target);
  if (!info.ok()) return info.status();
  std::vector<std::string> not_started;
  for (const auto& [workflow, state] : info->workflows) {
    if (state != "started") not_started.push_back(absl::StrCat(workflow, " (", state, ")"));
  }
  if (!not_started.empty()) {
    missing.insert(missing.begin(), absl::StrCat("technical workflows not started: ",
                                                 absl::StrJoin(not_started, ", ")));
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(Who(target), " cannot take publications: ", absl::StrJoin(missing, "; ")));
}

absl::StatusOr<PublicationResult> TemplateAuthoring::Publish(const std::string& name) {
  absl::StatusOr<std::vector<ExecutionTarget>> targets = accounts_.EnabledTargets();
  if (!targets.ok()) return targets.status();
  if (targets->empty()) {
    return absl::FailedPreconditionError(
        "no enabled execution instance: create and enable an external account first");
  }
  absl::StatusOr<AuthoredTemplate> t = templates_.Get(name);
  if (!t.ok()) return t.status();
  // A version is spent only by a publication that some instance took.
  const int version = t->version + 1;
  // The parts with the blocks' content of now, checked as saving checks them.
  absl::StatusOr<TemplatePublication> expanded = Expanded(*t, version);
  if (!expanded.ok()) return expanded.status();
  const TemplatePublication& publication = *expanded;
  // Refused when it fails for one of its seeds' test data (a template with code that throws or
  // runs past its budget), naming the seed.
  absl::StatusOr<personalisation::CompiledTemplate> compiled =
      personalisation::CompiledTemplate::Compile(publication);
  if (!compiled.ok()) return compiled.status();
  absl::StatusOr<std::unique_ptr<script::ScriptHeap>> heap = HeapFor(*compiled);
  if (!heap.ok()) return heap.status();
  for (size_t i = 0; i < t->seeds.size(); ++i) {
    absl::StatusOr<personalisation::RenderedMessage> m =
        RenderForSeed(*compiled, *t, t->seeds[i], heap->get());
    if (!m.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("seeds[", i, "] (", t->seeds[i].address, "): ", m.status().message()));
    }
  }
  std::vector<std::future<absl::Status>> calls;
  for (const ExecutionTarget& target : *targets) {
    calls.push_back(std::async(std::launch::async, [this, &target, &publication] {
      if (absl::Status s = CheckReady(target); !s.ok()) return s;
      return client_.Publish(target, publication);
    }));
  }
  PublicationResult result{.version = version};
  bool any = false;
  std::vector<std::string> reasons;
  for (size_t i = 0; i < calls.size(); ++i) {
    const absl::Status s = calls[i].get();
    metrics_.Publication(ControlMetrics::OutcomeOf(s));
    any |= s.ok();
    if (!s.ok()) reasons.emplace_back(s.message());
    result.outcomes.push_back({.account = (*targets)[i].account,
                               .instance_id = (*targets)[i].instance_id,
                               .code = static_cast<int>(s.code()),
                               .message = std::string(s.message())});
  }
  absl::StatusOr<AuthoredTemplate> recorded =
      templates_.RecordPublication(name, version, result.outcomes, publication.blocks, any);
  if (!recorded.ok()) return recorded.status();
  if (!any) {
    // Retryable when every instance was only out of reach; else their state needs fixing.
    const bool all_unavailable =
        std::all_of(result.outcomes.begin(), result.outcomes.end(), [](const InstanceOutcome& o) {
          return o.code == static_cast<int>(absl::StatusCode::kUnavailable);
        });
    return absl::Status(
        all_unavailable ? absl::StatusCode::kUnavailable : absl::StatusCode::kFailedPrecondition,
        absl::StrCat("template '", name,
                     "' was published nowhere: ", absl::StrJoin(reasons, " | ")));
  }
  result.template_ = *std::move(recorded);
  return result;
}

absl::StatusOr<PublicationResult> TemplateAuthoring::Unpublish(const std::string& name) {
  absl::StatusOr<AuthoredTemplate> t = templates_.Get(name);
  if (!t.ok()) return t.status();
  // Every account, disabled ones too: none may keep routing to it.
  absl::StatusOr<std::vector<ExecutionTarget>> targets = accounts_.AllTargets();
  if (!targets.ok()) return targets.status();
  std::vector<std::future<absl::Status>> calls;
  for (const ExecutionTarget& target : *targets) {
    calls.push_back(std::async(std::launch::async,
                               [this, &target, &name] { return client_.Unpublish(target, name); }));
  }
  PublicationResult result{.version = t->version};
  std::vector<std::string> reasons;
  absl::StatusCode first_failure = absl::StatusCode::kOk;
  for (size_t i = 0; i < calls.size(); ++i) {
    const absl::Status s = calls[i].get();
    if (!s.ok()) {
      reasons.emplace_back(s.message());
      if (first_failure == absl::StatusCode::kOk) first_failure = s.code();
    }
    result.outcomes.push_back({.account = (*targets)[i].account,
                               .instance_id = (*targets)[i].instance_id,
                               .code = static_cast<int>(s.code()),
                               .message = std::string(s.message())});
  }
  // The template stays published while an instance may still route to it.
  if (!reasons.empty()) {
    return absl::Status(first_failure,
                        absl::StrCat("template '", name, "' is still published somewhere: ",
                                     absl::StrJoin(reasons, " | ")));
  }
  absl::StatusOr<AuthoredTemplate> unpublished = templates_.MarkUnpublished(name);
  if (!unpublished.ok()) return unpublished.status();
  result.template_ = *std::move(unpublished);
  return result;
}

absl::StatusOr<ProofResult> TemplateAuthoring::SendProof(const std::string& name,
                                                         const std::string& account) {
  absl::StatusOr<AuthoredTemplate> t = templates_.Get(name);
  if (!t.ok()) return t.status();
  if (t->seeds.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("template '", name, "' has no seed address: add one with test data"));
  }
  if (account.empty()) return absl::InvalidArgumentError("instance: required");
  absl::StatusOr<Account> a = accounts_.Get(account);
  if (!a.ok()) return a.status();
  if (!a->enabled) {
    return absl::FailedPreconditionError(
        absl::StrCat("external account '", account, "' is disabled: enable it to send proofs"));
  }
  absl::StatusOr<ExecutionTarget> target = accounts_.GetTarget(account);
  if (!target.ok()) return target.status();
  // What the next publication would send, with the blocks as they are now.
  absl::StatusOr<TemplatePublication> content = Expanded(*t, std::max(t->version, 1));
  if (!content.ok()) return content.status();
  std::vector<ProofSeed> seeds;
  for (const Seed& s : t->seeds) {
    seeds.push_back({.address = s.address,
                     .ctx_json = s.ctx_json,
                     .language = s.language,
                     .country = s.country});
  }
  absl::StatusOr<std::vector<ProofOutcome>> outcomes = client_.SendProof(*target, *content, seeds);
  if (!outcomes.ok()) return outcomes.status();
  return ProofResult{.account = account, .outcomes = *std::move(outcomes)};
}

}  // namespace mc::control
