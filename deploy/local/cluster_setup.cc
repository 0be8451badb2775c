#include "deploy/local/cluster_setup.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "messagecenter/v1/webhooks.grpc.pb.h"
#include "messagecenter/v1/workflows.grpc.pb.h"

namespace mc::local {
namespace {
namespace pb = messagecenter::control::v1;
namespace v1 = messagecenter::v1;

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token, int seconds = 30) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return c;
}

std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

bool OkOrExists(const grpc::Status& s) {
  return s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS;
}

struct TemplateSpec {
  const char* name;
  const char* label;
  const char* type;
  v1::Channel channel;
  const char* subject;
  const char* html;
  const char* text;
};

// APPOINTMENT has no template on purpose: its events are "not taken into account".
const TemplateSpec kTemplates[] = {
    {"orderShipped", "Order shipped", "ORDER_SHIPPED", v1::CHANNEL_EMAIL,
     "Your order <%= rtEvent.ctx.order.id %> has shipped",
     "<p>Hello <%= rtEvent.ctx.firstName %>,</p><p>order <b><%= rtEvent.ctx.order.id %></b> "
     "(<%= rtEvent.ctx.order.total %> EUR) is on its way.</p>",
     "Hello <%= rtEvent.ctx.firstName %>, order <%= rtEvent.ctx.order.id %> is on its way."},
    {"passwordReset", "Password reset", "PASSWORD_RESET", v1::CHANNEL_EMAIL, "Reset your password",
     "<p>Hello <%= rtEvent.ctx.firstName %>, use this link to reset your password.</p>",
     "Hello <%= rtEvent.ctx.firstName %>, use this link to reset your password."},
    {"welcome", "Welcome", "WELCOME", v1::CHANNEL_EMAIL, "Welcome, <%= rtEvent.ctx.firstName %>!",
     "<h1>Welcome <%= rtEvent.ctx.firstName %></h1>", "Welcome <%= rtEvent.ctx.firstName %>"},
    {"orderShippedSms", "Order shipped (SMS)", "ORDER_SHIPPED", v1::CHANNEL_SMS, "", "",
     "Order <%= rtEvent.ctx.order.id %> shipped"},
    {"passwordResetSms", "Password reset (SMS)", "PASSWORD_RESET", v1::CHANNEL_SMS, "", "",
     "Your reset code: <%= rtEvent.ctx.order.id %>"},
};

}  // namespace

std::string RegisterInstances(const std::string& control_address,
                              std::vector<InstanceEndpoint>* instances, const Tokens& tokens) {
  auto accounts = pb::AccountService::NewStub(Connect(control_address));
  auto archiving = pb::ArchivingService::NewStub(Connect(control_address));
  for (InstanceEndpoint& e : *instances) {
    pb::Account account;
    account.set_internal_name(e.account);
    account.set_label(e.label);
    account.set_enabled(true);
    account.set_endpoint(e.address);
    account.set_credential(tokens.control);
    pb::CreateAccountRequest create;
    *create.mutable_account() = account;
    pb::Account out;
    grpc::Status s = accounts->CreateAccount(Ctx(tokens.op).get(), create, &out);
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {  // a second run: new ports maybe
      pb::UpdateAccountRequest update;
      *update.mutable_account() = account;
      s = accounts->UpdateAccount(Ctx(tokens.op).get(), update, &out);
    }
    if (!s.ok()) return absl::StrCat("account ", e.account, ": ", s.error_message());

    pb::TestConnectionRequest test;
    test.set_internal_name(e.account);
    pb::TestConnectionResponse tested;
    s = accounts->TestConnection(Ctx(tokens.op).get(), test, &tested);
    if (!s.ok()) return absl::StrCat("test connection ", e.account, ": ", s.error_message());
    pb::InitializeConnectionRequest init;
    init.set_internal_name(e.account);
    s = accounts->InitializeConnection(Ctx(tokens.op).get(), init, &out);
    if (!s.ok()) return absl::StrCat("initialize ", e.account, ": ", s.error_message());
    e.instance_id = out.instance_id();
    std::printf("  account %-6s %s  version %s, identifier %s\n", e.account.c_str(),
                e.address.c_str(), tested.version().c_str(), out.instance_id().c_str());

    // "You just have to start them": the technical workflows, as an operator would.
    auto workflows = v1::WorkflowService::NewStub(Connect(e.address));
    for (const char* w :
         {"rtEventsProcessing", "batchEventsProcessing", "updateEventStatus", "webhookDelivery"}) {
      v1::ChangeWorkflowRequest start;
      start.set_internal_name(w);
      v1::Workflow started;
      s = workflows->StartWorkflow(Ctx(tokens.op).get(), start, &started);
      if (!s.ok()) return absl::StrCat("starting ", w, " on ", e.account, ": ", s.error_message());
    }
    pb::CreateArchivingWorkflowRequest archive;
    archive.set_account(e.account);
    pb::ArchivingWorkflow created;
    s = archiving->CreateArchivingWorkflow(Ctx(tokens.op).get(), archive, &created);
    if (!OkOrExists(s)) return absl::StrCat("archiving workflow: ", s.error_message());
  }
  return "";
}

std::string PublishTemplates(const std::string& control_address, const Tokens& tokens) {
  auto templates = pb::TemplateService::NewStub(Connect(control_address));
  for (const TemplateSpec& spec : kTemplates) {
    pb::Template t;
    t.set_internal_name(spec.name);
    t.set_label(spec.label);
    t.set_event_type(spec.type);
    t.set_channel(spec.channel);
    if (spec.channel == v1::CHANNEL_SMS) {
      t.set_sms_text(spec.text);
    } else {
      t.set_subject(spec.subject);
      t.set_html_body(spec.html);
      t.set_text_body(spec.text);
    }
    pb::Seed* seed = t.add_seeds();
    seed->set_address(spec.channel == v1::CHANNEL_SMS ? "+33600000000" : "seed@example.com");
    (*seed->mutable_ctx()->mutable_fields())["firstName"].set_string_value("Seed");
    pb::Template out;
    pb::CreateTemplateRequest create;
    *create.mutable_template_() = t;
    grpc::Status s = templates->CreateTemplate(Ctx(tokens.op).get(), create, &out);
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      pb::UpdateTemplateRequest update;
      *update.mutable_template_() = t;
      s = templates->UpdateTemplate(Ctx(tokens.op).get(), update, &out);
    }
    if (!s.ok()) return absl::StrCat("template ", spec.name, ": ", s.error_message());
    pb::PublishTemplateRequest publish;
    publish.set_internal_name(spec.name);
    pb::PublishTemplateResponse published;
    s = templates->PublishTemplate(Ctx(tokens.op).get(), publish, &published);
    if (!s.ok()) return absl::StrCat("publishing ", spec.name, ": ", s.error_message());
    std::printf("  template %-17s version %d published on %d instance(s)\n", spec.name,
                published.version(), published.outcomes_size());
  }
  return "";
}

std::string SubscribeWebhooks(const std::vector<InstanceEndpoint>& instances, const Tokens& tokens,
                              const std::string& url, const std::string& secret) {
  constexpr char kName[] = "mc-local";
  for (const InstanceEndpoint& e : instances) {
    auto webhooks = v1::WebhookService::NewStub(Connect(e.address));
    // A later version than the instance holds, or it would keep the one it has.
    v1::ListSubscriptionsResponse listed;
    grpc::Status s = webhooks->ListSubscriptions(Ctx(tokens.control).get(),
                                                 v1::ListSubscriptionsRequest(), &listed);
    if (!s.ok())
      return absl::StrCat("webhook subscriptions of ", e.account, ": ", s.error_message());
    int version = 1;
    for (const v1::SubscriptionStatus& held : listed.subscriptions()) {
      if (held.subscription().name() == kName) version = held.subscription().version() + 1;
    }
    v1::PutSubscriptionRequest put;
    v1::WebhookSubscription* sub = put.mutable_subscription();
    sub->set_name(kName);
    sub->set_url(url);  // no statuses: every final status
    sub->set_max_batch(1);
    sub->add_secrets()->set_value(secret);
    sub->set_version(version);
    v1::SubscriptionStatus status;
    s = webhooks->PutSubscription(Ctx(tokens.control).get(), put, &status);
    if (!s.ok())
      return absl::StrCat("webhook subscription on ", e.account, ": ", s.error_message());
    if (status.state() == v1::SUBSCRIPTION_STATE_PAUSED_FAILING) {
      v1::ResumeSubscriptionRequest resume;
      resume.set_name(kName);
      s = webhooks->ResumeSubscription(Ctx(tokens.control).get(), resume, &status);
      if (!s.ok()) return absl::StrCat("resuming webhooks on ", e.account, ": ", s.error_message());
    }
    std::printf("  webhooks on %-6s subscription %s (version %d): every final status -> %s\n",
                e.account.c_str(), kName, version, url.c_str());
  }
  return "";
}

std::string RunArchiving(const std::string& control_address,
                         const std::vector<InstanceEndpoint>& instances, const Tokens& tokens,
                         std::vector<ArchiveRunCopies>* runs) {
  auto archiving = pb::ArchivingService::NewStub(Connect(control_address));
  runs->clear();
  for (const InstanceEndpoint& e : instances) {
    pb::RunNowRequest run;
    run.set_internal_name("mcSynch_" + e.account);
    pb::ArchiveRun out;
    grpc::Status s = archiving->RunNow(Ctx(tokens.op, 600).get(), run, &out);
    ArchiveRunCopies& copies = runs->emplace_back();
    copies.account = e.account;
    if (s.error_code() == grpc::StatusCode::ABORTED) continue;  // the scheduler is on it
    if (!s.ok()) return absl::StrCat("archiving ", e.account, ": ", s.error_message());
    if (!out.error().empty()) return absl::StrCat("archiving ", e.account, ": ", out.error());
    copies.ran = true;
    copies.events = out.events_copied();
    copies.delivery_logs = out.delivery_logs_copied();
    copies.quarantine = out.quarantine_copied();
  }
  return "";
}

}  // namespace mc::local
