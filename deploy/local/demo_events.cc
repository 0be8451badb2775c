#include "deploy/local/demo_events.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace mc::local {
namespace v1 = messagecenter::v1;

namespace {

const char* const kTypes[] = {"ORDER_SHIPPED", "PASSWORD_RESET", "WELCOME", "APPOINTMENT"};
const char* const kNames[] = {"Ana", "Bruno", "Chloé", "Dmitri", "Eve", "Farah"};

v1::Event DemoEvent(int i, const std::string& run) {
  v1::Event e;
  e.set_type(kTypes[i % 4]);
  const char* name = kNames[i % 6];
  if (i % 5 == 4) {
    e.set_wished_channel(v1::CHANNEL_SMS);
    e.set_mobile_phone(absl::StrCat("+3361234", 1000 + i));
  } else {
    // The local SMTP server bounces "bounce..." (hard) and defers "busy..." (soft).
    const char* who = i % 10 == 7 ? "bounce" : i % 10 == 8 ? "busy" : "customer";
    e.set_email(absl::StrCat(who, i, "@example.com"));
    e.set_email_format(v1::EMAIL_FORMAT_HTML);
  }
  e.set_external_id(absl::StrCat("demo-", run, "-", i));
  e.set_origin("mc-local");
  e.set_language("en");
  (void)google::protobuf::util::JsonStringToMessage(
      absl::StrCat(R"({"firstName":")", name, R"(","order":{"id":"A-)", 1000 + i, R"(","total":)",
                   10 + i, "}}"),
      e.mutable_ctx());
  return e;
}

std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + token);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

}  // namespace

std::string PublishDemoTemplates(v1::TemplateService::Stub& stub, const std::string& token) {
  struct Spec {
    const char* name;
    const char* type;
    v1::Channel channel;
    const char* subject;
    const char* html;
    const char* text;
  };
  // APPOINTMENT has no template on purpose: its events are "not taken into account".
  const Spec specs[] = {
      {"orderShipped", "ORDER_SHIPPED", v1::CHANNEL_EMAIL,
       "Your order <%= rtEvent.ctx.order.id %> has shipped",
       "<p>Hello <%= rtEvent.ctx.firstName %>,</p><p>order <b><%= rtEvent.ctx.order.id %></b> "
       "(<%= rtEvent.ctx.order.total %> EUR) is on its way.</p>",
       "Hello <%= rtEvent.ctx.firstName %>, order <%= rtEvent.ctx.order.id %> is on its way."},
      {"passwordReset", "PASSWORD_RESET", v1::CHANNEL_EMAIL, "Reset your password",
       "<p>Hello <%= rtEvent.ctx.firstName %>, use this link to reset your password.</p>",
       "Hello <%= rtEvent.ctx.firstName %>, use this link to reset your password."},
      {"welcome", "WELCOME", v1::CHANNEL_EMAIL, "Welcome, <%= rtEvent.ctx.firstName %>!",
       "<h1>Welcome <%= rtEvent.ctx.firstName %></h1>", "Welcome <%= rtEvent.ctx.firstName %>"},
      {"orderShippedSms", "ORDER_SHIPPED", v1::CHANNEL_SMS, "", "",
       "Order <%= rtEvent.ctx.order.id %> shipped"},
      {"passwordResetSms", "PASSWORD_RESET", v1::CHANNEL_SMS, "", "",
       "Your reset code: <%= rtEvent.ctx.order.id %>"},
  };
  for (const Spec& spec : specs) {
    v1::PublishTemplateRequest req;
    v1::Template* t = req.mutable_template_();
    t->set_internal_name(spec.name);
    t->set_label(spec.name);
    t->set_event_type(spec.type);
    t->set_channel(spec.channel);
    t->set_version(1);
    if (spec.channel == v1::CHANNEL_SMS) {
      t->set_sms_text(spec.text);
    } else {
      t->set_subject(spec.subject);
      t->set_html_body(spec.html);
      t->set_text_body(spec.text);
    }
    v1::PublishTemplateResponse resp;
    grpc::Status s = stub.PublishTemplate(Ctx(token).get(), req, &resp);
    if (!s.ok() && s.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return absl::StrCat("publishing ", spec.name, ": ", s.error_message());
    }
  }
  return "";
}

std::string PushDemoEvents(v1::EventService::Stub& stub, const std::string& token, int count,
                           DemoOutcome* out) {
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  const int realtime = count / 2;
  for (int i = 0; i < realtime; ++i) {
    v1::PushEventRequest req;
    req.set_queue(v1::QUEUE_REAL_TIME);
    *req.mutable_event() = DemoEvent(i, run);
    v1::PushEventResponse resp;
    grpc::Status s = stub.PushEvent(Ctx(token).get(), req, &resp);
    ++out->pushed;
    if (!s.ok()) return absl::StrCat("PushEvent failed: ", s.error_message());
    ++out->accepted;
    out->ids.push_back(resp.id());
  }
  v1::PushEventsRequest batch;
  batch.set_queue(v1::QUEUE_BATCH);
  for (int i = realtime; i < count; ++i) *batch.add_events() = DemoEvent(i, run);
  v1::Event invalid = DemoEvent(count, run);
  invalid.set_wished_channel(v1::CHANNEL_EMAIL);
  invalid.set_email("not-an-address");
  *batch.add_events() = invalid;
  v1::PushEventsResponse resp;
  grpc::Status s = stub.PushEvents(Ctx(token).get(), batch, &resp);
  out->pushed += batch.events_size() - 1;  // the invalid one is not demo traffic
  if (!s.ok()) return absl::StrCat("PushEvents failed: ", s.error_message());
  for (const v1::EventResult& r : resp.results()) {
    if (r.has_rejection()) {
      ++out->refused;
      out->refusal = r.rejection().message();
    } else {
      ++out->accepted;
      out->ids.push_back(r.id());
    }
  }
  return "";
}

}  // namespace mc::local
