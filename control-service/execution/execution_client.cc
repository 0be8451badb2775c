#include "control-service/execution/execution_client.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/grpc/timestamps.h"
#include "common/status/grpc_status.h"
#include "common/template_proto/template_proto.h"
#include "control-service/execution/suppression_proto.h"
#include "messagecenter/v1/instance.grpc.pb.h"
#include "messagecenter/v1/suppressions.grpc.pb.h"
#include "messagecenter/v1/templates.grpc.pb.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::control {
namespace {

namespace pb = messagecenter::v1;

}  // namespace

std::shared_ptr<grpc::Channel> ExecutionClient::MakeChannel(const ExecutionTarget& t) const {
  grpc::ChannelArguments args;
  // Notice a peer that went away without closing (network cut) within seconds.
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (t.connection_method == ConnectionMethod::kTls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_ca;
    ssl.pem_private_key = options_.tls_key;
    ssl.pem_cert_chain = options_.tls_cert;
    creds = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(t.endpoint, creds, args);
}

namespace {

std::unique_ptr<grpc::ClientContext> MakeContext(const ExecutionTarget& t, absl::Duration d) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + t.credential);
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::microseconds(absl::ToInt64Microseconds(d)));
  return ctx;
}

// The instance's status, said from the control's side: which instance, and what to do.
absl::Status Explain(const ExecutionTarget& t, const grpc::Status& s) {
  const std::string who = absl::StrCat("execution instance '", t.account, "' at ", t.endpoint);
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(who, " is unreachable: ", s.error_message()));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::FailedPreconditionError(
          absl::StrCat(who, " refused the account's credential: update the account's credential"));
    default:
      return absl::Status(status::FromGrpc(s).code(), absl::StrCat(who, ": ", s.error_message()));
  }
}

InstanceSummary Summary(const pb::InstanceInfo& info) {
  InstanceSummary s{.version = info.version(),
                    .instance_id = info.instance_id(),
                    .workflows_started = info.workflows_started()};
  for (const pb::Workflow& w : info.workflows()) {
    const char* state = w.state() == pb::WORKFLOW_STATE_STARTED  ? "started"
                        : w.state() == pb::WORKFLOW_STATE_PAUSED ? "paused"
                                                                 : "stopped";
    s.workflows.emplace_back(w.internal_name(), state);
  }
  return s;
}

ArchiveCursor CursorFromProto(const pb::ArchiveCursor& c) {
  return {.xid = c.xid(), .queue = static_cast<int>(c.queue()), .id = c.id()};
}

ArchivedEvent EventFromProto(const pb::ArchivedEvent& e) {
  ArchivedEvent a{.id = e.id(),
                  .queue = static_cast<int>(e.queue()),
                  .event_type = e.event_type(),
                  .channel = static_cast<int>(e.channel()),
                  .address = e.address(),
                  .external_id = e.external_id(),
                  .status = static_cast<int>(e.status()),
                  .template_name = e.template_internal_name(),
                  .template_version = e.template_version(),
                  .tries = e.tries(),
                  .created = grpcutil::FromTimestamp(e.created()),
                  .finished = grpcutil::FromTimestamp(e.finished())};
  if (e.has_routed()) a.routed = grpcutil::FromTimestamp(e.routed());
  if (e.has_delivery_log()) {
    const pb::ArchivedDeliveryLog& l = e.delivery_log();
    a.log = ArchivedDeliveryLog{.id = l.id(),
                                .channel = static_cast<int>(l.channel()),
                                .address = l.address(),
                                .status = static_cast<int>(l.status()),
                                .failure_type = l.failure_type(),
                                .failure_reason = l.failure_reason(),
                                .tries = l.tries(),
                                .message_id = l.message_id(),
                                .template_version = l.template_version(),
                                .logged = grpcutil::FromTimestamp(l.logged())};
  }
  for (const pb::TimelineEntry& r : e.retries()) {
    ArchivedRetry& retry = a.retries.emplace_back();
    retry.kind = r.step() == pb::TIMELINE_STEP_COMPLAINED    ? 3
                 : r.step() != pb::TIMELINE_STEP_BOUNCED     ? 0
                 : r.failure_type() == pb::FAILURE_TYPE_HARD ? 1
                                                             : 2;
    retry.try_number = r.try_number();
    retry.failure_type = r.failure_type() == pb::FAILURE_TYPE_HARD ? "hard" : "soft";
    retry.reason = r.reason();
    retry.at = grpcutil::FromTimestamp(r.at());
    if (r.has_next_try()) retry.next_try = grpcutil::FromTimestamp(r.next_try());
  }
  a.message_id = e.message_id();
  return a;
}

void SubscriptionToProto(const SubscriptionPublication& s, pb::WebhookSubscription* p) {
  p->set_name(s.name);
  p->set_url(s.url);
  for (int status : s.statuses) p->add_statuses(static_cast<pb::EventStatus>(status));
  for (const std::string& t : s.event_types) p->add_event_types(t);
  p->set_every_attempt(s.every_attempt);
  p->set_max_batch(s.max_batch);
  p->set_version(s.version);
  p->set_disabled(s.disabled);
  for (const SigningSecret& secret : s.secrets) {
    pb::WebhookSecret* w = p->add_secrets();
    w->set_value(secret.value);
    if (secret.expires) grpcutil::ToTimestamp(*secret.expires, w->mutable_expires());
  }
}

std::optional<absl::Time> OptionalTime(bool has, const google::protobuf::Timestamp& ts) {
  if (!has) return std::nullopt;
  return grpcutil::FromTimestamp(ts);
}

// What the instance holds; secrets are never in its answers (and not read if they were).
InstanceSubscriptionStatus StatusFromProto(const pb::SubscriptionStatus& p) {
  const pb::WebhookSubscription& w = p.subscription();
  InstanceSubscriptionStatus s{
      .subscription = {.name = w.name(),
                       .url = w.url(),
                       .statuses = {w.statuses().begin(), w.statuses().end()},
                       .event_types = {w.event_types().begin(), w.event_types().end()},
                       .every_attempt = w.every_attempt(),
                       .max_batch = w.max_batch(),
                       .disabled = w.disabled(),
                       .version = w.version()},
      .secrets = p.secrets(),
      .failing_since = OptionalTime(p.has_failing_since(), p.failing_since()),
      .last_success = OptionalTime(p.has_last_success(), p.last_success()),
      .last_error = p.last_error(),
      .queued = p.queued(),
      .delivered = p.delivered(),
      .failed = p.failed()};
  switch (p.state()) {
    case pb::SUBSCRIPTION_STATE_ACTIVE:
      s.state = SubscriptionState::kActive;
      break;
    case pb::SUBSCRIPTION_STATE_PAUSED_FAILING:
      s.state = SubscriptionState::kPausedFailing;
      break;
    default:
      s.state = SubscriptionState::kUnspecified;
  }
  return s;
}

// An entry of the quarantine export with its history; an instance older than the history
// sends none (first_seen unset): its entries are hard or deny entries that suppress.
QuarantinedAddress QuarantinedFromProto(const pb::QuarantinedAddress& q) {
  const absl::Time created = grpcutil::FromTimestamp(q.created());
  if (!q.has_first_seen()) {
    return {.channel = static_cast<int>(q.channel()),
            .address = q.address(),
            .kind = q.kind(),
            .reason = q.reason(),
            .created = created,
            .failure_type = q.kind() == "quarantine" ? "hard" : "",
            .errors = 1,
            .first_seen = created,
            .last_seen = created,
            .changed_at = created};
  }
  return {.channel = static_cast<int>(q.channel()),
          .address = q.address(),
          .kind = q.kind(),
          .reason = q.reason(),
          .created = created,
          .failure_type = q.failure_type(),
          .errors = q.errors(),
          .first_seen = grpcutil::FromTimestamp(q.first_seen()),
          .last_seen = grpcutil::FromTimestamp(q.last_seen()),
          .expires = OptionalTime(q.has_expires(), q.expires()),
          .active = q.active(),
          .event_queue = q.event_queue(),
          .event_id = q.event_id(),
          .removed = OptionalTime(q.has_removed(), q.removed()),
          .changed_by = q.changed_by(),
          .changed_at = q.has_changed_at() ? grpcutil::FromTimestamp(q.changed_at()) : created};
}

}  // namespace

absl::StatusOr<InstanceSummary> ExecutionClient::GetInfo(const ExecutionTarget& target) const {
  auto stub = pb::InstanceService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::InstanceInfo info;
  grpc::Status s = stub->GetInstanceInfo(ctx.get(), pb::GetInstanceInfoRequest(), &info);
  if (!s.ok()) return Explain(target, s);
  return Summary(info);
}

absl::StatusOr<InstanceSummary> ExecutionClient::Initialize(const ExecutionTarget& target,
                                                            const std::string& instance_id,
                                                            bool force) const {
  auto stub = pb::InstanceService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::InitializeInstanceRequest request;
  request.set_instance_id(instance_id);
  request.set_force(force);
  pb::InstanceInfo info;
  grpc::Status s = stub->InitializeInstance(ctx.get(), request, &info);
  if (!s.ok()) return Explain(target, s);
  return Summary(info);
}

namespace {

TechnicalWorkflow WorkflowFromProto(const pb::Workflow& w) {
  TechnicalWorkflow out{.internal_name = w.internal_name(),
                        .label = w.label(),
                        .folder = w.folder(),
                        .processed = w.processed(),
                        .errors = w.errors(),
                        .last_error = w.last_error()};
  switch (w.state()) {
    case pb::WORKFLOW_STATE_STARTED:
      out.state = "started";
      break;
    case pb::WORKFLOW_STATE_PAUSED:
      out.state = "paused";
      break;
    default:
      out.state = "stopped";
  }
  if (w.has_last_run()) out.last_run = grpcutil::FromTimestamp(w.last_run());
  return out;
}

}  // namespace

absl::StatusOr<std::vector<TechnicalWorkflow>> ExecutionClient::ListWorkflows(
    const ExecutionTarget& target) const {
  auto stub = pb::WorkflowService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ListWorkflowsResponse response;
  grpc::Status s = stub->ListWorkflows(ctx.get(), pb::ListWorkflowsRequest(), &response);
  if (!s.ok()) return Explain(target, s);
  std::vector<TechnicalWorkflow> out;
  for (const pb::Workflow& w : response.workflows()) out.push_back(WorkflowFromProto(w));
  return out;
}

absl::StatusOr<TechnicalWorkflow> ExecutionClient::ChangeWorkflow(const ExecutionTarget& target,
                                                                  const std::string& name,
                                                                  WorkflowAction action) const {
  auto stub = pb::WorkflowService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ChangeWorkflowRequest request;
  request.set_internal_name(name);
  pb::Workflow response;
  grpc::Status s;
  switch (action) {
    case WorkflowAction::kStart:
      s = stub->StartWorkflow(ctx.get(), request, &response);
      break;
    case WorkflowAction::kPause:
      s = stub->PauseWorkflow(ctx.get(), request, &response);
      break;
    case WorkflowAction::kStop:
      s = stub->StopWorkflow(ctx.get(), request, &response);
      break;
  }
  if (!s.ok()) return Explain(target, s);
  return WorkflowFromProto(response);
}

absl::Status ExecutionClient::Publish(const ExecutionTarget& target,
                                      const TemplatePublication& t) const {
  auto stub = pb::TemplateService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::PublishTemplateRequest request;
  templateproto::TemplateToProto(t, request.mutable_template_());
  pb::PublishTemplateResponse response;
  return Explain(target, stub->PublishTemplate(ctx.get(), request, &response));
}

absl::Status ExecutionClient::Unpublish(const ExecutionTarget& target,
                                        const std::string& internal_name) const {
  auto stub = pb::TemplateService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::UnpublishTemplateRequest request;
  request.set_internal_name(internal_name);
  pb::UnpublishTemplateResponse response;
  grpc::Status s = stub->UnpublishTemplate(ctx.get(), request, &response);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return absl::OkStatus();
  return Explain(target, s);
}

absl::StatusOr<std::vector<ProofOutcome>> ExecutionClient::SendProof(
    const ExecutionTarget& target, const TemplatePublication& t,
    const std::vector<ProofSeed>& seeds) const {
  auto stub = pb::TemplateService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::SendProofRequest request;
  templateproto::TemplateToProto(t, request.mutable_template_());
  for (const ProofSeed& seed : seeds) {
    pb::ProofSeed* p = request.add_seeds();
    p->set_address(seed.address);
    p->set_language(seed.language);
    p->set_country(seed.country);
    if (!google::protobuf::util::JsonStringToMessage(seed.ctx_json, p->mutable_ctx()).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("seed ", seed.address, ": ctx is not a JSON object"));
    }
  }
  pb::SendProofResponse response;
  grpc::Status s = stub->SendProof(ctx.get(), request, &response);
  if (!s.ok()) return Explain(target, s);
  std::vector<ProofOutcome> outcomes;
  for (const pb::ProofOutcome& o : response.outcomes()) {
    outcomes.push_back({.address = o.address(),
                        .code = o.code(),
                        .message = o.message(),
                        .message_id = o.message_id(),
                        .language = o.language()});
  }
  return outcomes;
}

absl::Status ExecutionClient::Export(
    const ExecutionTarget& target, const ArchiveCursor& after, int page_size, int max_pages,
    const std::function<absl::Status(ArchivePage&)>& on_page) const {
  auto stub = pb::InstanceService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.export_deadline);
  pb::ExportArchiveRequest request;
  request.mutable_after()->set_xid(after.xid);
  request.mutable_after()->set_queue(static_cast<pb::Queue>(after.queue));
  request.mutable_after()->set_id(after.id);
  request.set_page_size(page_size);
  request.set_max_pages(max_pages);
  request.set_expected_instance_id(target.instance_id);
  std::unique_ptr<grpc::ClientReader<pb::ExportArchivePage>> reader =
      stub->ExportArchive(ctx.get(), request);
  // A reader thread keeps the next pages coming while this one stores the current page: the
  // instance's queries and the archive's writes overlap.
  constexpr size_t kPagesAhead = 3;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<ArchivePage> pages;
  bool done = false, stop = false;
  std::thread read([&] {
    pb::ExportArchivePage proto;
    while (reader->Read(&proto)) {
      ArchivePage page{.instance_id = proto.instance_id(),
                       .next = CursorFromProto(proto.next()),
                       .caught_up = proto.caught_up()};
      page.events.reserve(proto.events_size());
      for (const pb::ArchivedEvent& e : proto.events()) page.events.push_back(EventFromProto(e));
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return stop || pages.size() < kPagesAhead; });
      if (stop) break;
      pages.push_back(std::move(page));
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  });
  absl::Status handler_status;
  for (;;) {
    ArchivePage page;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return done || !pages.empty(); });
      if (pages.empty()) break;
      page = std::move(pages.front());
      pages.pop_front();
      cv.notify_all();
    }
    handler_status = on_page(page);
    if (!handler_status.ok()) {
      ctx->TryCancel();
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      cv.notify_all();
      break;
    }
  }
  read.join();
  grpc::Status s = reader->Finish();
  if (!handler_status.ok()) return handler_status;
  return Explain(target, s);
}

absl::Status ExecutionClient::ExportQuarantine(
    const ExecutionTarget& target, int page_size,
    const std::function<absl::Status(std::vector<QuarantinedAddress>&)>& on_page) const {
  auto stub = pb::InstanceService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.quarantine_deadline);
  pb::ExportQuarantineRequest request;
  request.set_page_size(page_size);
  auto reader = stub->ExportQuarantine(ctx.get(), request);
  pb::ExportQuarantinePage proto;
  absl::Status handler_status;
  while (reader->Read(&proto)) {
    std::vector<QuarantinedAddress> page;
    page.reserve(proto.addresses_size());
    for (const pb::QuarantinedAddress& q : proto.addresses())
      page.push_back(QuarantinedFromProto(q));
    handler_status = on_page(page);
    if (!handler_status.ok()) {
      ctx->TryCancel();
      break;
    }
  }
  grpc::Status s = reader->Finish();
  if (!handler_status.ok()) return handler_status;
  return Explain(target, s);
}

absl::StatusOr<InstanceSubscriptionStatus> ExecutionClient::PutSubscription(
    const ExecutionTarget& target, const SubscriptionPublication& s) const {
  auto stub = pb::WebhookService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::PutSubscriptionRequest request;
  SubscriptionToProto(s, request.mutable_subscription());
  pb::SubscriptionStatus response;
  grpc::Status status = stub->PutSubscription(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  return StatusFromProto(response);
}

absl::StatusOr<int64_t> ExecutionClient::DeleteSubscription(const ExecutionTarget& target,
                                                            const std::string& name) const {
  auto stub = pb::WebhookService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::DeleteSubscriptionRequest request;
  request.set_name(name);
  pb::DeleteSubscriptionResponse response;
  grpc::Status status = stub->DeleteSubscription(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  return response.dropped();
}

absl::StatusOr<std::vector<InstanceSubscriptionStatus>> ExecutionClient::ListSubscriptions(
    const ExecutionTarget& target) const {
  auto stub = pb::WebhookService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ListSubscriptionsResponse response;
  grpc::Status status =
      stub->ListSubscriptions(ctx.get(), pb::ListSubscriptionsRequest(), &response);
  if (!status.ok()) return Explain(target, status);
  std::vector<InstanceSubscriptionStatus> out;
  out.reserve(response.subscriptions_size());
  for (const pb::SubscriptionStatus& s : response.subscriptions()) {
    out.push_back(StatusFromProto(s));
  }
  return out;
}

absl::StatusOr<InstanceSubscriptionStatus> ExecutionClient::ResumeSubscription(
    const ExecutionTarget& target, const std::string& name) const {
  auto stub = pb::WebhookService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ResumeSubscriptionRequest request;
  request.set_name(name);
  pb::SubscriptionStatus response;
  grpc::Status status = stub->ResumeSubscription(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  return StatusFromProto(response);
}

absl::StatusOr<int64_t> ExecutionClient::ReplayWebhooks(const ExecutionTarget& target,
                                                        const std::string& name,
                                                        absl::Time since) const {
  auto stub = pb::WebhookService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ReplayWebhooksRequest request;
  request.mutable_since()->set_subscription(name);
  grpcutil::ToTimestamp(since, request.mutable_since()->mutable_since());
  pb::ReplayWebhooksResponse response;
  grpc::Status status = stub->ReplayWebhooks(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  return response.replayed();
}

absl::StatusOr<SuppressionPage> ExecutionClient::ListSuppressions(
    const ExecutionTarget& target, const SuppressionFilter& filter) const {
  auto stub = pb::SuppressionService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::ListSuppressionsRequest request;
  if (filter.channel) request.set_channel(*filter.channel);
  request.set_address(filter.address);
  request.set_kind(static_cast<pb::SuppressionKind>(filter.kind));
  for (SuppressionState s : filter.states) {
    request.add_states(static_cast<pb::SuppressionState>(s));
  }
  request.set_failure_type(filter.failure_type);
  request.set_page_size(filter.page_size);
  request.set_page_token(filter.page_token);
  pb::ListSuppressionsResponse response;
  grpc::Status status = stub->ListSuppressions(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  SuppressionPage page{.next_page_token = response.next_page_token()};
  page.entries.reserve(response.suppressions_size());
  for (const pb::Suppression& s : response.suppressions()) {
    page.entries.push_back(SuppressionFromProto(s));
  }
  return page;
}

absl::StatusOr<SuppressionEntry> ExecutionClient::AddSuppression(
    const ExecutionTarget& target, const SuppressionAddition& a) const {
  auto stub = pb::SuppressionService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::AddSuppressionRequest request;
  request.set_channel(a.channel);
  request.set_address(a.address);
  request.set_kind(static_cast<pb::SuppressionKind>(a.kind));
  request.set_reason(a.reason);
  request.set_actor(a.actor);
  pb::Suppression response;
  grpc::Status status = stub->AddSuppression(ctx.get(), request, &response);
  if (!status.ok()) return Explain(target, status);
  return SuppressionFromProto(response);
}

namespace {

pb::SuppressionRef RefToProto(const SuppressionRef& r) {
  pb::SuppressionRef p;
  p.set_channel(r.channel);
  p.set_address(r.address);
  p.set_actor(r.actor);
  return p;
}

}  // namespace

absl::StatusOr<SuppressionEntry> ExecutionClient::RemoveSuppression(const ExecutionTarget& target,
                                                                    const SuppressionRef& r) const {
  auto stub = pb::SuppressionService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::Suppression response;
  grpc::Status status = stub->RemoveSuppression(ctx.get(), RefToProto(r), &response);
  if (!status.ok()) return Explain(target, status);
  return SuppressionFromProto(response);
}

absl::StatusOr<SuppressionEntry> ExecutionClient::ReactivateSuppression(
    const ExecutionTarget& target, const SuppressionRef& r) const {
  auto stub = pb::SuppressionService::NewStub(MakeChannel(target));
  auto ctx = MakeContext(target, options_.deadline);
  pb::Suppression response;
  grpc::Status status = stub->ReactivateSuppression(ctx.get(), RefToProto(r), &response);
  if (!status.ok()) return Explain(target, status);
  return SuppressionFromProto(response);
}

}  // namespace mc::control
