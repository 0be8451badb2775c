// End to end through the control instance, as an ACC author works: a personalisation block and
// an ACC-style order confirmation (a loop over the items, a condition, a date and a price
// formatted for the customer's country, the footer block included, a Reply-To and a custom
// header, an invoice from the ctx and terms fetched by https URL, a French variant) authored
// and published on the control instance (real binaries: one control, one execution instance, a
// real SMTP server, and OpenSSL's own HTTPS file server, `openssl s_server -WWW`, on loopback
// with a certificate of a test CA the instance is given by --attachment_ca_file). Each event's
// mail arrives rendered exactly as expected, the French variant for `language: fr`, the default
// otherwise; the terms are fetched once for the publication (the file changed afterwards, a
// later event still carries the copy fetched). `mcctl templates proof` sends a proof to each
// seed (rendered with its data, language and country, marked as a proof; its attachments
// fetched afresh) that is no event: the instance lists only the events, and the archive's
// report counts only them. A URL attachment whose server is down is a soft failure: retried,
// then Expired with the reason.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/process/subprocess.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/mail_parts.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/control_client.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"
#include "tests/support/mcctl_run.h"
#include "tests/support/test_certificates.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;
namespace pb = messagecenter::control::v1;

constexpr char kAccount[] = "exec1";
constexpr char kTerms[] = "%PDF-1.4 terms of sale\n";
constexpr char kNewTerms[] = "%PDF-1.4 terms of sale, revised\n";

// OpenSSL's HTTPS server serving the files of a fresh folder (-WWW: GET /name answers the file
// `name`), with a server certificate for 127.0.0.1 signed by the test's CA (TestCertificates).
class HttpsFiles {
 public:
  HttpsFiles() {
    dir_ = certs_.dir();
    Write("terms.pdf", kTerms);
    const std::string out = dir_ + "/s_server.out";
    absl::StatusOr<process::Subprocess> server = process::Subprocess::Spawn(
        {.argv = {"/bin/sh", "-c",
                  absl::StrCat("cd '", dir_,
                               "' && exec openssl s_server -accept 127.0.0.1:0 -WWW -cert "
                               "server.crt -key server.key")},
         .stdout_path = out,
         .stderr_path = dir_ + "/s_server.err"});
    REQUIRE(server.ok());
    server_ = std::make_unique<process::Subprocess>(*std::move(server));
    // "ACCEPT 127.0.0.1:PORT" once it listens.
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (port_ == 0 && absl::Now() < deadline) {
      std::stringstream text;
      text << std::ifstream(out).rdbuf();
      const std::string s = text.str();
      const size_t at = s.find("ACCEPT 127.0.0.1:");
      const size_t end = at == std::string::npos ? at : s.find('\n', at);
      if (end != std::string::npos) {
        port_ = std::stoi(s.substr(at + 17, end - at - 17));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    REQUIRE(port_ > 0);
  }
  ~HttpsFiles() { server_.reset(); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name, std::ios::binary | std::ios::trunc) << content;
  }
  std::string url(const std::string& name) const {
    return absl::StrCat("https://127.0.0.1:", port_, "/", name);
  }
  std::string ca_file() const { return dir_ + "/ca.crt"; }

 private:
  TestCertificates certs_{"files"};  // its folder holds the files served
  std::string dir_;
  std::unique_ptr<process::Subprocess> server_;
  int port_ = 0;
};

struct Cluster {
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<HttpsFiles> files;  // serves the attachments by URL
  std::unique_ptr<process::ServiceProcess> control, exec;
  std::unique_ptr<ControlClient> ctl;
  std::unique_ptr<ExecClient> client;
};

Cluster& TheCluster() {
  static Cluster c = [] {
    Cluster c;
    c.smtp = *sinks::SmtpSink::Start({});
    c.files = std::make_unique<HttpsFiles>();
    c.control = std::make_unique<process::ServiceProcess>(
        StartControl(testing::SharedPostgresDsn(), testing::FreshSchema("order_control"),
                     {"--noarchiving_scheduler"}));
    c.ctl = std::make_unique<ControlClient>(c.control->address());
    c.exec = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), testing::FreshSchema("order_exec"),
        {"--smtp_url=" + c.smtp->url(), "--start_workflows", "--workflow_refresh_ms=100",
         "--message_id_domain=mc.test", "--attachment_ca_file=" + c.files->ca_file(),
         "--attachment_allow_private_networks", "--attachment_fetch_timeout_ms=3000",
         "--max_tries=2", "--retry_base_ms=50"}));
    c.client = std::make_unique<ExecClient>(c.exec->address());
    c.ctl->CreateAccount(kAccount, c.exec->address(), kToken);
    REQUIRE(c.ctl->InitializeConnection(kAccount).ok());
    REQUIRE(c.ctl->CreateArchivingWorkflow(kAccount).ok());
    return c;
  }();
  return c;
}

// The order's ctx: two items (one with markup in its name), a total, a date, an invoice.
google::protobuf::Struct OrderCtx(const std::string& id, double total) {
  google::protobuf::Struct ctx;
  auto& f = *ctx.mutable_fields();
  f["firstName"].set_string_value("Zo\xc3\xa9");
  auto& order = *f["order"].mutable_struct_value()->mutable_fields();
  order["id"].set_string_value(id);
  order["total"].set_number_value(total);
  order["date"].set_string_value("2026-03-09T10:00:00Z");
  auto* items = order["items"].mutable_list_value();
  for (const auto& [name, qty] :
       std::vector<std::pair<std::string, int>>{{"Mug <XL>", 2}, {"Tea", 1}}) {
    auto& item = *items->add_values()->mutable_struct_value()->mutable_fields();
    item["name"].set_string_value(name);
    item["qty"].set_number_value(qty);
  }
  auto& invoice = *f["invoice"].mutable_struct_value()->mutable_fields();
  invoice["name"].set_string_value("invoice-" + id + ".pdf");
  invoice["type"].set_string_value("application/pdf");
  invoice["content"].set_string_value("JVBERi0xLjQK");  // "%PDF-1.4\n"
  return ctx;
}

constexpr char kItemsText[] =
    "<% for (var i = 0; i < rtEvent.ctx.order.items.length; i++) {"
    " var item = rtEvent.ctx.order.items[i]; %>"
    "- <%= item.qty %> x <%= item.name %>\n<% } %>";

pb::Template OrderConfirmation(const std::string& terms_url) {
  pb::Template t;
  t.set_internal_name("orderConfirmation");
  t.set_label("Order confirmation");
  t.set_event_type("ORDER_CONFIRMED");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_default_language("en");
  t.set_subject("Order <%= rtEvent.ctx.order.id %> confirmed");
  t.set_text_body(
      absl::StrCat("Hello <%= rtEvent.ctx.@firstName %>,\n", kItemsText,
                   "<% if (rtEvent.ctx.order.total >= 50) { %>Free shipping<% } else { %>Shipping: "
                   "<%= formatCurrency(4.9, 'EUR') %><% } %>\n"
                   "Total: <%= formatCurrency(rtEvent.ctx.order.total, 'EUR') %>, "
                   "ordered <%= formatDate(rtEvent.ctx.order.date, '%2D/%2M/%4Y') %>\n"
                   "<%@ include view='footer' %>"));
  t.set_html_body(
      "<ul><% for (var i = 0; i < rtEvent.ctx.order.items.length; i++) { %>"
      "<li><%= rtEvent.ctx.order.items[i].name %></li><% } %></ul>"
      "<p><% document.write(rtEvent.ctx.order.items[0].name) %></p>"
      "<footer><%@ include view='footer' %></footer>");
  v1::TemplateVariant* fr = t.add_variants();
  fr->set_language("fr");
  fr->set_subject(
      "Commande <%= rtEvent.ctx.order.id %> confirm\xc3\xa9"
      "e");
  fr->set_text_body(absl::StrCat(
      "Bonjour <%= rtEvent.ctx.@firstName %>,\n", kItemsText,
      "<% if (rtEvent.ctx.order.total >= 50) { %>Livraison offerte<% } else { %>Livraison : "
      "<%= formatCurrency(4.9, 'EUR') %><% } %>\n"
      "Total : <%= formatCurrency(rtEvent.ctx.order.total, 'EUR') %>, "
      "command\xc3\xa9"
      "e le <%= formatDate(rtEvent.ctx.order.date, '%2D/%2M/%4Y') %>\n"
      "<%@ include view='footer' %>"));
  fr->set_html_body("<p>Merci</p><footer><%@ include view='footer' %></footer>");
  t.mutable_sender()->set_from("Brand Shop <shop@brand.test>");
  t.mutable_sender()->set_reply_to("care@brand.test");
  v1::TemplateHeader* h = t.mutable_sender()->add_headers();
  h->set_name("X-Order");
  h->set_value("<%= rtEvent.ctx.order.id %>");
  t.add_attachments()->set_ctx_path("invoice");
  v1::TemplateAttachment* terms = t.add_attachments();
  terms->set_url(terms_url);
  terms->set_filename("terms.pdf");
  terms->set_content_type("application/pdf");
  for (const auto& [address, language, country, id] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"ana@seeds.test", "", "US", "SEED-1"}, {"zoe@seeds.test", "fr", "FR", "SEED-2"}}) {
    pb::Seed* seed = t.add_seeds();
    seed->set_address(address);
    seed->set_language(language);
    seed->set_country(country);
    *seed->mutable_ctx() = OrderCtx(id, 1234.5);
  }
  return t;
}

// What the SMTP server got for `address` (the last message to it).
struct Mail {
  bool found = false;
  testing::DecodedHeaders headers;
  std::string text, html;
  std::vector<testing::DecodedPart> pdfs;
  std::string Header(const std::string& name) const {
    const testing::DecodedField* f = headers.Find(name);
    return f == nullptr ? "" : f->value;
  }
};

Mail MailTo(const std::string& address) {
  Mail mail;
  for (const sinks::ReceivedMail& m : TheCluster().smtp->Messages()) {
    if (m.recipients != std::vector<std::string>{address}) continue;
    mail = Mail{.found = true};
    absl::StatusOr<testing::DecodedHeaders> h = testing::DecodeMailHeaders(m.data);
    REQUIRE(h.ok());
    mail.headers = *std::move(h);
    absl::StatusOr<std::vector<testing::DecodedPart>> parts = testing::DecodeMailParts(m.data);
    REQUIRE(parts.ok());
    for (const testing::DecodedPart& p : *parts) {
      if (p.content_type == "text/plain") mail.text = p.payload;
      if (p.content_type == "text/html") mail.html = p.payload;
      if (p.content_type == "application/pdf") mail.pdfs.push_back(p);
    }
  }
  return mail;
}

McctlRun Mcctl(const std::vector<std::string>& args) {
  return RunMcctl(MC_MCCTL_BIN, args,
                  {"MC_CONTROL=" + TheCluster().control->address(),
                   std::string("MC_TOKEN=") + kToken, "MC_TOKEN_FILE="});
}

const char kEnText[] =
    "Hello Zo\xc3\xa9,\n- 2 x Mug <XL>\n- 1 x Tea\nShipping: \xe2\x82\xac"
    "4.90\nTotal: \xe2\x82\xac"
    "42.50, ordered 09/03/2026\nBrand Shop, 1 rue de la Paix";
// fr_FR: digits grouped with U+202F, U+00A0 before the euro sign (ICU 72).
const char kFrText[] =
    "Bonjour Zo\xc3\xa9,\n- 2 x Mug <XL>\n- 1 x Tea\nLivraison offerte\nTotal : 1\xe2\x80\xaf"
    "234,50\xc2\xa0\xe2\x82\xac, command\xc3\xa9"
    "e le 09/03/2026\nBrand Shop, 1 rue de la Paix";

TEST_CASE("an ACC order confirmation authored on the control arrives as written; proofs too") {
  Cluster& c = TheCluster();
  pb::CreateBlockRequest block;
  block.mutable_block()->set_name("footer");
  block.mutable_block()->set_content("Brand Shop, 1 rue de la Paix");
  pb::Block made;
  REQUIRE(c.ctl->blocks().CreateBlock(Context().get(), block, &made).ok());

  pb::CreateTemplateRequest create;
  *create.mutable_template_() = OrderConfirmation(c.files->url("terms.pdf"));
  pb::Template created;
  grpc::Status s = c.ctl->templates().CreateTemplate(Context().get(), create, &created);
  INFO(s.error_message());
  REQUIRE(s.ok());
  pb::PublishTemplateRequest publish;
  publish.set_internal_name("orderConfirmation");
  pb::PublishTemplateResponse published;
  s = c.ctl->templates().PublishTemplate(Context().get(), publish, &published);
  INFO(s.error_message());
  REQUIRE(s.ok());
  REQUIRE(published.outcomes_size() == 1);
  CHECK(published.outcomes(0).code() == 0);
  REQUIRE(published.template_().published_blocks_size() == 1);
  CHECK(published.template_().published_blocks(0).name() == "footer");

  auto push = [&](const std::string& email, const std::string& language, const std::string& country,
                  const std::string& id, double total) {
    v1::Event e;
    e.set_type("ORDER_CONFIRMED");
    e.set_email(email);
    e.set_language(language);
    e.set_country(country);
    *e.mutable_ctx() = OrderCtx(id, total);
    return c.client->Push(v1::QUEUE_REAL_TIME, e);
  };
  const int64_t en_id = push("ana@example.test", "en", "US", "A-100", 42.5);
  const int64_t fr_id = push("zoe@example.fr", "fr", "FR", "A-200", 1234.5);
  const v1::StoredEvent en = c.client->WaitFinal(en_id);
  const v1::StoredEvent fr = c.client->WaitFinal(fr_id);
  INFO(en.story().last_failure_reason() << " / " << fr.story().last_failure_reason());
  REQUIRE(en.status() == v1::EVENT_STATUS_SENT);
  REQUIRE(fr.status() == v1::EVENT_STATUS_SENT);
  CHECK(en.story().template_language().empty());
  CHECK(fr.story().template_language() == "fr");

  const Mail en_mail = MailTo("ana@example.test");
  const Mail fr_mail = MailTo("zoe@example.fr");
  REQUIRE(en_mail.found);
  REQUIRE(fr_mail.found);
  CHECK(en_mail.Header("Subject") == "Order A-100 confirmed");
  CHECK(fr_mail.Header("Subject") ==
        "Commande A-200 confirm\xc3\xa9"
        "e");
  CHECK(en_mail.text == kEnText);
  CHECK(fr_mail.text == kFrText);
  // HTML: values escaped, also those written from code; the footer block in its place.
  CHECK(en_mail.html ==
        "<ul><li>Mug &lt;XL&gt;</li><li>Tea</li></ul><p>Mug &lt;XL&gt;</p>"
        "<footer>Brand Shop, 1 rue de la Paix</footer>");
  CHECK(fr_mail.html == "<p>Merci</p><footer>Brand Shop, 1 rue de la Paix</footer>");
  for (const Mail* m : {&en_mail, &fr_mail}) {
    CHECK(m->Header("From") == "Brand Shop <shop@brand.test>");
    CHECK(m->Header("Reply-To") == "care@brand.test");
    CHECK(m->Header("X-MC-Proof").empty());
    REQUIRE(m->pdfs.size() == 2);
    CHECK(m->pdfs[0].payload == "%PDF-1.4\n");
    CHECK(m->pdfs[1].filename == "terms.pdf");
    CHECK(m->pdfs[1].payload == kTerms);
  }
  CHECK(en_mail.Header("X-Order") == "A-100");
  CHECK(en_mail.pdfs[0].filename == "invoice-A-100.pdf");
  CHECK(fr_mail.pdfs[0].filename == "invoice-A-200.pdf");
  // Fetched once for the publication: the file changed, a later event carries the copy fetched.
  c.files->Write("terms.pdf", kNewTerms);
  const int64_t later_id = push("later@example.test", "en", "US", "A-300", 80);
  REQUIRE(c.client->WaitFinal(later_id).status() == v1::EVENT_STATUS_SENT);
  const Mail later = MailTo("later@example.test");
  REQUIRE(later.pdfs.size() == 2);
  CHECK(later.pdfs[1].payload == kTerms);

  // A proof: each seed gets the template rendered with its own data, marked as a proof.
  const McctlRun proof = Mcctl({"templates", "proof", "orderConfirmation", "--instance", kAccount});
  INFO(proof.out << proof.err);
  REQUIRE(proof.code == 0);
  CHECK(absl::StrContains(proof.out, "ana@seeds.test"));
  CHECK(absl::StrContains(proof.out, "zoe@seeds.test"));
  const Mail ana = MailTo("ana@seeds.test");
  const Mail zoe = MailTo("zoe@seeds.test");
  REQUIRE(ana.found);
  REQUIRE(zoe.found);
  CHECK(ana.Header("Subject") == "[Proof] Order SEED-1 confirmed");
  CHECK(zoe.Header("Subject") ==
        "[Proof] Commande SEED-2 confirm\xc3\xa9"
        "e");
  for (const Mail* m : {&ana, &zoe}) {
    CHECK(m->Header("X-MC-Proof") == "1");
    CHECK(absl::StartsWith(m->Header("Message-ID"), "<proof-"));
    CHECK(m->Header("Reply-To") == "care@brand.test");
    REQUIRE(m->pdfs.size() == 2);
    // Proofs fetch their attachments afresh (never the publication's copy).
    CHECK(m->pdfs[1].payload == kNewTerms);
  }
  CHECK(absl::StrContains(ana.text,
                          "Free shipping\nTotal: \xe2\x82\xac"
                          "1,234.50"));
  CHECK(absl::StrContains(zoe.text, "Livraison offerte"));
  CHECK(absl::StrContains(zoe.text, "Brand Shop, 1 rue de la Paix"));

  // No event for the proofs: the instance lists the three events, the archive counts three.
  v1::ListEventsRequest list;
  list.set_queue(v1::QUEUE_REAL_TIME);
  v1::ListEventsResponse listed;
  REQUIRE(c.client->events().ListEvents(Context().get(), list, &listed).ok());
  CHECK(listed.events_size() == 3);
  const pb::ArchiveRun run = c.ctl->RunNow(absl::StrCat("mcSynch_", kAccount));
  CHECK(run.error().empty());
  pb::ReportFilter filter;
  filter.add_accounts(kAccount);
  filter.set_event_type("ORDER_CONFIRMED");
  pb::StatusCountsResponse counts;
  REQUIRE(c.ctl->reports().StatusCounts(Context().get(), filter, &counts).ok());
  int64_t archived = 0;
  for (const auto& r : counts.rows()) archived += r.events();
  CHECK(archived == 3);
}

TEST_CASE("an attachment whose server is down is a soft failure, retried, then Expired") {
  // A port nothing listens on: bound, then closed.
  int down_port = 0;
  {
    absl::StatusOr<std::unique_ptr<sinks::SmtpSink>> closed = sinks::SmtpSink::Start({});
    REQUIRE(closed.ok());
    down_port = (*closed)->port();
  }
  Cluster& c = TheCluster();
  pb::Template t;
  t.set_internal_name("downTerms");
  t.set_event_type("ORDER_DOWN");
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_subject("Terms");
  t.set_text_body("Attached.");
  v1::TemplateAttachment* a = t.add_attachments();
  a->set_url(absl::StrCat("https://127.0.0.1:", down_port, "/terms.pdf"));
  pb::CreateTemplateRequest create;
  *create.mutable_template_() = t;
  pb::Template created;
  REQUIRE(c.ctl->templates().CreateTemplate(Context().get(), create, &created).ok());
  pb::PublishTemplateRequest publish;
  publish.set_internal_name("downTerms");
  pb::PublishTemplateResponse published;
  REQUIRE(c.ctl->templates().PublishTemplate(Context().get(), publish, &published).ok());

  v1::Event e;
  e.set_type("ORDER_DOWN");
  e.set_email("down@example.test");
  const v1::StoredEvent ev = c.client->WaitFinal(c.client->Push(v1::QUEUE_REAL_TIME, e));
  INFO(ev.story().last_failure_reason());
  CHECK(ev.status() == v1::EVENT_STATUS_EXPIRED);
  CHECK(ev.story().last_failure_type() == v1::FAILURE_TYPE_SOFT);
  CHECK(absl::StrContains(ev.story().last_failure_reason(), "tries exhausted (2)"));
  CHECK(absl::StrContains(ev.story().last_failure_reason(), "attachment https://127.0.0.1:"));
  CHECK(!MailTo("down@example.test").found);
}

}  // namespace
}  // namespace mc::e2e
