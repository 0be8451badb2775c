// mcctl templates: authoring on the control instance (create and update from files: a whole
// template as JSON, template_file.h, and each part, with seed addresses and their test data),
// preview, proofs to the seed addresses through one instance, publication to every instance,
// unpublication.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/input_files.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "control-service/mcctl/template_file.h"
#include "messagecenter/control/v1/control.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace pb = messagecenter::control::v1;

std::unique_ptr<pb::TemplateService::Stub> Stub(const Invocation& inv) {
  return pb::TemplateService::NewStub(inv.conn().channel());
}

// Sets the template's fields from the file, then from the flags that were given (all of them
// for create).
absl::Status ApplyFlags(const ParsedFlags& f, const std::string& name, pb::Template* t) {
  if (f.Has("file")) {
    if (absl::Status s = ApplyTemplateFile(f.Get("file"), name, t); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--file ", s.message()));
    }
  }
  if (f.Has("label")) t->set_label(f.Get("label"));
  if (f.Has("default-language")) t->set_default_language(f.Get("default-language"));
  if (f.Has("event-type")) t->set_event_type(f.Get("event-type"));
  if (f.Has("channel")) {
    absl::StatusOr<messagecenter::v1::Channel> channel = ParseChannel(f.Get("channel"));
    if (!channel.ok())
      return absl::InvalidArgumentError(absl::StrCat("--channel: ", channel.status().message()));
    t->set_channel(*channel);
  }
  if (f.Has("subject")) t->set_subject(f.Get("subject"));
  const std::pair<const char*, std::string* (pb::Template::*)()> bodies[] = {
      {"html-file", &pb::Template::mutable_html_body},
      {"text-file", &pb::Template::mutable_text_body},
      {"sms-file", &pb::Template::mutable_sms_text}};
  for (const auto& [flag, field] : bodies) {
    if (!f.Has(flag)) continue;
    absl::StatusOr<std::string> text = ReadTextFile(f.Get(flag));
    if (!text.ok())
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", text.status().message()));
    *(t->*field)() = *std::move(text);
  }
  if (f.Has("seed")) t->clear_seeds();
  for (const std::string& seed : f.All("seed")) {
    const size_t eq = seed.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == seed.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--seed '", seed, "': expected ADDRESS=JSON_FILE"));
    }
    pb::Seed* s = t->add_seeds();
    s->set_address(seed.substr(0, eq));
    if (absl::Status read = ReadJsonFile(seed.substr(eq + 1), s->mutable_ctx()); !read.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--seed ", seed, ": ", read.message()));
    }
  }
  return absl::OkStatus();
}

void PrintTemplate(const pb::Template& t, std::ostream& out) {
  std::vector<std::string> seeds;
  for (const pb::Seed& s : t.seeds()) seeds.push_back(s.address());
  FieldList fields;
  fields.Add("name", t.internal_name())
      .Add("label", t.label())
      .Add("event type", t.event_type())
      .Add("channel", ChannelName(t.channel()))
      .Add("status", TemplateStatusName(t.status()))
      .Add("version", t.version() == 0 ? "- (never published)" : absl::StrCat(t.version()))
      .Add("published", FormatTimestamp(t.published()))
      .Add("updated", FormatTimestamp(t.updated()))
      .Add("seeds", seeds.empty() ? "-" : absl::StrJoin(seeds, ", "));
  if (!t.published_blocks().empty()) {
    std::vector<std::string> blocks;
    for (const auto& b : t.published_blocks()) {
      blocks.push_back(absl::StrCat(b.name(), " v", b.version()));
    }
    fields.Add("published blocks", absl::StrJoin(blocks, ", "));
  }
  if (!t.default_language().empty()) fields.Add("language", t.default_language());
  if (!t.subject().empty()) fields.Add("subject", t.subject());
  if (!t.html_body().empty()) fields.Add("html body", t.html_body());
  if (!t.text_body().empty()) fields.Add("text body", t.text_body());
  if (!t.sms_text().empty()) fields.Add("sms text", t.sms_text());
  for (const messagecenter::v1::TemplateVariant& v : t.variants()) {
    const std::string in = absl::StrCat(" [", v.language(), "]");
    if (!v.subject().empty()) fields.Add("subject" + in, v.subject());
    if (!v.html_body().empty()) fields.Add("html body" + in, v.html_body());
    if (!v.text_body().empty()) fields.Add("text body" + in, v.text_body());
    if (!v.sms_text().empty()) fields.Add("sms text" + in, v.sms_text());
  }
  const messagecenter::v1::TemplateSender& sender = t.sender();
  if (!sender.from().empty()) fields.Add("from", sender.from());
  if (!sender.reply_to().empty()) fields.Add("reply-to", sender.reply_to());
  for (const messagecenter::v1::TemplateHeader& h : sender.headers()) {
    fields.Add("header", absl::StrCat(h.name(), ": ", h.value()));
  }
  if (!sender.list_unsubscribe().empty()) {
    fields.Add("list-unsubscribe",
               absl::StrCat(sender.list_unsubscribe(),
                            sender.list_unsubscribe_post() ? " (one-click)" : ""));
  }
  for (const messagecenter::v1::TemplateAttachment& a : t.attachments()) {
    std::string what = a.url().empty() ? absl::StrCat("ctx ", a.ctx_path()) : a.url();
    if (!a.filename().empty()) absl::StrAppend(&what, " as ", a.filename());
    if (!a.content_type().empty()) absl::StrAppend(&what, " (", a.content_type(), ")");
    fields.Add("attachment", what);
  }
  fields.Print(out);
}

int Respond(Invocation& inv, const grpc::Status& s, const pb::Template& t,
            const std::string& done) {
  if (auto code = inv.Finish(s, t)) return *code;
  if (!done.empty()) inv.out() << done << "\n";
  PrintTemplate(t, inv.out());
  return kExitOk;
}

// The outcome of each instance; exit 3 when any refused.
int PrintOutcomes(Invocation& inv,
                  const google::protobuf::RepeatedPtrField<pb::InstanceOutcome>& outcomes,
                  const std::string& done) {
  int refused = 0;
  for (const pb::InstanceOutcome& o : outcomes) refused += o.code() != 0;
  if (!inv.json()) {
    inv.out() << done << "\n";
    Table t({{"ACCOUNT"}, {"INSTANCE ID"}, {"OUTCOME"}, {"MESSAGE"}});
    for (const pb::InstanceOutcome& o : outcomes) {
      t.AddRow({o.account(), o.instance_id().empty() ? "-" : o.instance_id(),
                o.code() == 0 ? "ok" : StatusCodeName(o.code()), o.message()});
    }
    t.Print(inv.out(), "No enabled execution instance.");
  }
  if (refused == 0) return kExitOk;
  return inv.Problem(kExitRefused,
                     absl::StrCat(refused, " of ", outcomes.size(), " instances refused"),
                     "each instance's message says what it lacks; put that right and run the "
                     "command again");
}

int Create(Invocation& inv) {
  // Without a file, the flags are the template: these two it cannot do without.
  if (!inv.flags().Has("file")) {
    for (const char* flag : {"event-type", "channel"}) {
      if (inv.flags().Has(flag)) continue;
      const std::string value = std::string(flag) == "channel" ? "email|sms" : "TYPE";
      return inv.UsageError(
          absl::InvalidArgumentError(absl::StrCat("missing --", flag, " ", value)));
    }
  }
  pb::CreateTemplateRequest req;
  pb::Template* t = req.mutable_template_();
  t->set_internal_name(inv.arg(0));
  if (absl::Status s = ApplyFlags(inv.flags(), inv.arg(0), t); !s.ok()) return inv.UsageError(s);
  pb::Template resp;
  grpc::Status s = Stub(inv)->CreateTemplate(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Created template " + inv.arg(0) + ".");
}

int Update(Invocation& inv) {
  auto stub = Stub(inv);
  pb::GetTemplateRequest get;
  get.set_internal_name(inv.arg(0));
  pb::UpdateTemplateRequest req;
  pb::Template* t = req.mutable_template_();
  if (grpc::Status s = stub->GetTemplate(inv.Context().get(), get, t); !s.ok()) return inv.Fail(s);
  if (absl::Status s = ApplyFlags(inv.flags(), inv.arg(0), t); !s.ok()) return inv.UsageError(s);
  pb::Template resp;
  grpc::Status s = stub->UpdateTemplate(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "Updated template " + inv.arg(0) + ".");
}

int List(Invocation& inv) {
  pb::ListTemplatesResponse resp;
  grpc::Status s = Stub(inv)->ListTemplates(inv.Context().get(), {}, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  Table t({{"NAME"},
           {"LABEL"},
           {"EVENT TYPE"},
           {"CHANNEL"},
           {"STATUS"},
           {"VERSION", Table::Align::kRight},
           {"PUBLISHED"},
           {"SEEDS", Table::Align::kRight}});
  for (const pb::Template& x : resp.templates()) {
    t.AddRow({x.internal_name(), x.label(), x.event_type(), ChannelName(x.channel()),
              TemplateStatusName(x.status()), absl::StrCat(x.version()),
              FormatTimestamp(x.published()), absl::StrCat(x.seeds_size())});
  }
  t.Print(inv.out(), "No templates: create one with mcctl templates create.");
  return kExitOk;
}

int Get(Invocation& inv) {
  pb::GetTemplateRequest req;
  req.set_internal_name(inv.arg(0));
  pb::Template resp;
  grpc::Status s = Stub(inv)->GetTemplate(inv.Context().get(), req, &resp);
  return Respond(inv, s, resp, "");
}

int Preview(Invocation& inv) {
  absl::StatusOr<int64_t> index = inv.flags().GetInt("seed-index", 0, 0);
  if (!index.ok()) return inv.UsageError(index.status());
  pb::PreviewTemplateRequest req;
  req.set_internal_name(inv.arg(0));
  req.set_seed_index(static_cast<int32_t>(std::min<int64_t>(*index, 1 << 30)));
  pb::PreviewTemplateResponse resp;
  grpc::Status s = Stub(inv)->PreviewTemplate(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  FieldList fields;
  fields.Add("to", resp.address());
  if (!resp.subject().empty()) fields.Add("subject", resp.subject());
  if (!resp.html_body().empty()) fields.Add("html body", resp.html_body());
  if (!resp.text_body().empty()) fields.Add("text body", resp.text_body());
  if (!resp.sms_text().empty()) fields.Add("sms text", resp.sms_text());
  fields.Print(inv.out());
  return kExitOk;
}

int Publish(Invocation& inv) {
  pb::PublishTemplateRequest req;
  req.set_internal_name(inv.arg(0));
  pb::PublishTemplateResponse resp;
  grpc::Status s = Stub(inv)->PublishTemplate(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  return PrintOutcomes(inv, resp.outcomes(),
                       absl::StrCat("Published ", inv.arg(0), " version ", resp.version(), "."));
}

int Unpublish(Invocation& inv) {
  pb::UnpublishTemplateRequest req;
  req.set_internal_name(inv.arg(0));
  pb::UnpublishTemplateResponse resp;
  grpc::Status s = Stub(inv)->UnpublishTemplate(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  if (inv.json()) inv.PrintJson(resp);
  return PrintOutcomes(inv, resp.outcomes(),
                       absl::StrCat("Unpublished ", inv.arg(0), " (status back to editing)."));
}

int Proof(Invocation& inv) {
  if (!inv.flags().Has("instance")) {
    return inv.UsageError(absl::InvalidArgumentError(
        "--instance ACCOUNT is required: the execution instance whose relay sends the proofs"));
  }
  pb::SendProofRequest req;
  req.set_internal_name(inv.arg(0));
  req.set_instance(inv.flags().Get("instance"));
  pb::SendProofResponse resp;
  grpc::Status s = Stub(inv)->SendProof(inv.Context().get(), req, &resp);
  if (!s.ok()) return inv.Fail(s);
  int failed = 0;
  for (const auto& o : resp.outcomes()) failed += o.code() != 0;
  if (inv.json()) {
    inv.PrintJson(resp);
  } else {
    inv.out() << "Proofs of " << inv.arg(0) << " through " << resp.account() << ":\n";
    Table t({{"SEED"}, {"OUTCOME"}, {"VARIANT"}, {"MESSAGE-ID"}, {"MESSAGE"}});
    for (const auto& o : resp.outcomes()) {
      t.AddRow({o.address(), o.code() == 0 ? "sent" : StatusCodeName(o.code()),
                o.language().empty() ? "default" : o.language(), OrDash(o.message_id()),
                o.message()});
    }
    t.Print(inv.out(), "No seed.");
  }
  if (failed > 0) {
    return inv.Problem(kExitRefused,
                       absl::StrCat(failed, " of ", resp.outcomes_size(), " proofs were not sent"),
                       "each seed's message says why: fix the template or the seed's test data "
                       "(template: ...), or send again once the relay takes it");
  }
  return kExitOk;
}

int Delete(Invocation& inv) {
  pb::DeleteTemplateRequest req;
  req.set_internal_name(inv.arg(0));
  pb::DeleteTemplateResponse resp;
  grpc::Status s = Stub(inv)->DeleteTemplate(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << "Deleted template " << inv.arg(0) << ".\n";
  return kExitOk;
}

std::vector<FlagSpec> AuthoringFlags(bool create) {
  return {
      {"file", "FILE",
       "the template as JSON (Template's proto-JSON form: variants, sender, attachments, any "
       "field); the flags below override it"},
      {"event-type", "TYPE",
       create ? "the event type it answers (required unless the file says it)"
              : "the event type it answers"},
      {"channel", "email|sms",
       create ? "the channel it is for (required unless the file says it)"
              : "the channel it is for"},
      {"label", "LABEL", "a label for people"},
      {"default-language", "LANG", "the language of its own parts (fr, pt-BR)"},
      {"subject", "TEXT", "the email subject (personalisation allowed)"},
      {"html-file", "FILE", "the HTML body"},
      {"text-file", "FILE", "the text body"},
      {"sms-file", "FILE", "the SMS text"},
      {"seed", "ADDRESS=JSON_FILE",
       create ? "a seed address with its test ctx" : "a seed address (replaces all seeds)", true},
  };
}

}  // namespace

std::vector<CommandSpec> TemplateCommands() {
  const Target c = Target::kControl;
  return {
      {"templates", "create", "NAME", "Author a template; checked as the instances will parse it.",
       AuthoringFlags(true), 1, 1, c, Create},
      {"templates", "update", "NAME", "Change the given parts of a template.",
       AuthoringFlags(false), 1, 1, c, Update},
      {"templates", "list", "", "List the templates.", {}, 0, 0, c, List},
      {"templates", "get", "NAME", "Show a template with its bodies.", {}, 1, 1, c, Get},
      {"templates",
       "preview",
       "NAME",
       "Render it with a seed's test data.",
       {{"seed-index", "N", "which seed (default 0, the first)"}},
       1,
       1,
       c,
       Preview},
      {"templates",
       "proof",
       "NAME",
       "Send a proof: render it with each seed's test data (language and country included) and "
       "send it to the seed addresses through one instance, marked as a proof; nothing is "
       "published or counted.",
       {{"instance", "ACCOUNT", "the external account whose relay sends them (required)"}},
       1,
       1,
       c,
       Proof},
      {"templates",
       "publish",
       "NAME",
       "Publish a new version to every enabled instance; shows each outcome.",
       {},
       1,
       1,
       c,
       Publish},
      {"templates",
       "unpublish",
       "NAME",
       "Remove it from every instance (disabled accounts too).",
       {},
       1,
       1,
       c,
       Unpublish},
      {"templates",
       "delete",
       "NAME",
       "Delete a template (unpublish it first).",
       {},
       1,
       1,
       c,
       Delete},
  };
}

}  // namespace mc::mcctl
