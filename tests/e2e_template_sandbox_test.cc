// End to end: templates with code in the real service, with a real SMTP server on loopback. A
// template with a loop, a condition and the locale helpers renders per event as expected at the
// SMTP server. Then the sandbox: templates that loop forever, allocate without end, or throw each
// fail only their own events (Delivery failed, the reason naming the part and why), while the
// good events on the same lane keep flowing. Measured in the same run: the lane's rate of good
// events while bad ones are mixed in, against its rate with good events only (each batch pushed
// while the workflow is paused, then timed from its start until every event is final); it must
// stay above half (printed with both figures).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sinks/smtp_sink.h"
#include "common/testing/mail_headers.h"
#include "common/testing/mail_parts.h"
#include "common/testing/shared_postgres.h"
#include "tests/support/e2e_cluster.h"
#include "tests/support/exec_client.h"

namespace mc::e2e {
namespace {
namespace v1 = messagecenter::v1;

constexpr int kGood = 10000;  // per measurement
constexpr int kBadEach = 8;   // per bad template

v1::Template Code(const std::string& name, const std::string& type, const std::string& text) {
  v1::Template t;
  t.set_internal_name(name);
  t.set_event_type(type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject("Order <%= rtEvent.ctx.order.id %>");
  t.set_text_body(text);
  return t;
}

v1::Event Order(const std::string& type, int n, const std::string& country = "US") {
  v1::Event e;
  e.set_type(type);
  e.set_email(absl::StrCat("sandbox-", type, "-", n, "@example.test"));
  e.set_language(country == "FR" ? "fr" : "en");
  e.set_country(country);
  auto& order =
      *(*e.mutable_ctx()->mutable_fields())["order"].mutable_struct_value()->mutable_fields();
  order["id"].set_string_value(absl::StrCat("A-", n));
  order["total"].set_number_value(n % 2 ? 42.5 : 1234.5);
  order["date"].set_string_value("2026-03-09T10:00:00Z");
  auto* items = order["items"].mutable_list_value();
  for (const char* sku : {"mug", "tea"}) {
    items->add_values()
        ->mutable_struct_value()
        ->mutable_fields()
        ->
        operator[]("sku")
        .set_string_value(sku);
  }
  return e;
}

struct Instance {
  std::string schema;
  std::unique_ptr<sinks::SmtpSink> smtp;
  std::unique_ptr<process::ServiceProcess> service;
  std::unique_ptr<ExecClient> client;
};

Instance& TheInstance() {
  static Instance i = [] {
    Instance i;
    i.schema = testing::FreshSchema("sandbox");
    i.smtp = *sinks::SmtpSink::Start({});
    i.service = std::make_unique<process::ServiceProcess>(StartExecution(
        testing::SharedPostgresDsn(), i.schema,
        {"--smtp_url=" + i.smtp->url(), "--message_id_domain=mc.test", "--workflow_refresh_ms=100",
         "--status_update_pause_ms=20", "--template_time_budget_ms=50",
         "--template_memory_budget_mb=4", "--processing_batch=100"}));
    i.client = std::make_unique<ExecClient>(i.service->address());
    REQUIRE(i.client->StartAllWorkflows().ok());
    const std::string order_text =
        "Items:<% for (var i = 0; i < rtEvent.ctx.order.items.length; i++) { %> "
        "<%= rtEvent.ctx.order.items[i].sku %><% } %>\n"
        "<% if (rtEvent.ctx.order.total >= 50) { %>Free shipping<% } else { %>Shipping: "
        "<%= formatCurrency(4.9, 'EUR') %><% } %>\n"
        "Total: <%= formatCurrency(rtEvent.ctx.order.total, 'EUR') %>\n"
        "Date: <%= formatDate(rtEvent.ctx.order.date, '%2D/%2M/%4Y') %>";
    for (const v1::Template& t :
         {Code("sandboxGood", "SB_GOOD", order_text),
          Code("sandboxLoop", "SB_LOOP", "<% while (true) {} %>never"),
          Code("sandboxAlloc", "SB_ALLOC",
               "<% var a = [], s = 'x'; while (true) { s = s + s + a.length; a.push(s); } %>"),
          Code("sandboxThrow", "SB_THROW",
               "line one\n<% throw new Error('no stock for ' + rtEvent.ctx.order.id); %>")}) {
      const grpc::Status s = i.client->Publish(t);
      INFO(s.error_message());
      REQUIRE(s.ok());
    }
    return i;
  }();
  return i;
}

// The text part of what the SMTP server got for `address`, decoded by Python's email package.
std::string TextFor(const std::string& address) {
  for (const sinks::ReceivedMail& m : TheInstance().smtp->Messages()) {
    if (m.recipients != std::vector<std::string>{address}) continue;
    absl::StatusOr<std::vector<testing::DecodedPart>> parts = testing::DecodeMailParts(m.data);
    REQUIRE(parts.ok());
    for (const testing::DecodedPart& p : *parts) {
      if (p.content_type == "text/plain") return p.payload;
    }
  }
  return "";
}

// Pushes `events` in calls of 500; their ids in order.
std::vector<int64_t> PushAll(const std::vector<v1::Event>& events) {
  std::vector<int64_t> ids;
  for (size_t at = 0; at < events.size(); at += 500) {
    v1::PushEventsRequest req;
    req.set_queue(v1::QUEUE_REAL_TIME);
    for (size_t k = at; k < std::min(events.size(), at + 500); ++k) *req.add_events() = events[k];
    v1::PushEventsResponse resp;
    const grpc::Status s = TheInstance().client->events().PushEvents(Context().get(), req, &resp);
    REQUIRE(s.ok());
    REQUIRE(resp.rejected() == 0);
    for (const v1::EventResult& r : resp.results()) ids.push_back(r.id());
  }
  return ids;
}

// Real-time events of the instance not final yet.
int64_t Open() {
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET search_path TO " + TheInstance().schema);
  return tx.exec1("SELECT count(*) FROM rt_events WHERE status IN (0, 1)")[0].as<int64_t>();
}

// The lane's time to make `events` final: pushed while rtEventsProcessing is paused, then
// timed from its start until none is open.
double Drain(const std::vector<v1::Event>& events, std::vector<int64_t>* ids) {
  ExecClient& c = *TheInstance().client;
  REQUIRE(c.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_PAUSED).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every replica follows
  *ids = PushAll(events);
  const absl::Time start = absl::Now();
  REQUIRE(c.ChangeWorkflow("rtEventsProcessing", v1::WORKFLOW_STATE_STARTED).ok());
  const absl::Time deadline = start + absl::Seconds(120);
  while (Open() > 0 && absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

TEST_CASE("a template with a loop, a condition and locale helpers renders per event") {
  ExecClient& c = *TheInstance().client;
  const v1::Event us = Order("SB_GOOD", 1, "US");
  const v1::Event fr = Order("SB_GOOD", 2, "FR");
  CHECK(c.WaitFinal(c.Push(v1::QUEUE_REAL_TIME, us)).status() == v1::EVENT_STATUS_SENT);
  CHECK(c.WaitFinal(c.Push(v1::QUEUE_REAL_TIME, fr)).status() == v1::EVENT_STATUS_SENT);
  CHECK(TextFor(us.email()) ==
        "Items: mug tea\nShipping: \xe2\x82\xac"
        "4.90\nTotal: \xe2\x82\xac"
        "42.50\nDate: 09/03/2026");
  // fr_FR: digits grouped with U+202F, U+00A0 before the euro sign (ICU 72).
  CHECK(TextFor(fr.email()) ==
        "Items: mug tea\nFree shipping\nTotal: 1\xe2\x80\xaf"
        "234,50\xc2\xa0\xe2\x82\xac\nDate: 09/03/2026");
}

// The mail the SMTP server got for `address`, as Python's email package decodes it.
std::vector<testing::DecodedPart> PartsFor(const std::string& address) {
  for (const sinks::ReceivedMail& m : TheInstance().smtp->Messages()) {
    if (m.recipients != std::vector<std::string>{address}) continue;
    absl::StatusOr<std::vector<testing::DecodedPart>> parts = testing::DecodeMailParts(m.data);
    REQUIRE(parts.ok());
    return *parts;
  }
  return {};
}

std::string HeaderOf(const std::string& address, const std::string& name) {
  for (const sinks::ReceivedMail& m : TheInstance().smtp->Messages()) {
    if (m.recipients != std::vector<std::string>{address}) continue;
    absl::StatusOr<testing::DecodedHeaders> h = testing::DecodeMailHeaders(m.data);
    REQUIRE(h.ok());
    const testing::DecodedField* f = h->Find(name);
    return f == nullptr ? "" : f->value;
  }
  return "";
}

TEST_CASE("the French variant for language fr, the sender's fields and an attachment from ctx") {
  ExecClient& c = *TheInstance().client;
  v1::Template t = Code("sandboxOrder", "SB_ORDER",
                        "Thanks <%= rtEvent.ctx.@firstName %>: <% if (rtEvent.ctx.order.total >= "
                        "50) { %>free shipping<% } else { %>shipping extra<% } %>");
  t.set_default_language("en");
  v1::TemplateVariant* fr = t.add_variants();
  fr->set_language("fr");
  fr->set_subject("Commande <%= rtEvent.ctx.order.id %>");
  fr->set_text_body(
      "Merci <%= rtEvent.ctx.@firstName %> : <%= formatCurrency(rtEvent.ctx.order.total, 'EUR') "
      "%>");
  t.mutable_sender()->set_from("Brand Shop <shop@brand.test>");
  t.mutable_sender()->set_reply_to("care@brand.test");
  v1::TemplateHeader* h = t.mutable_sender()->add_headers();
  h->set_name("X-Order");
  h->set_value("<%= rtEvent.ctx.order.id %>");
  t.add_attachments()->set_ctx_path("invoice");
  const grpc::Status published = c.Publish(t);
  INFO(published.error_message());
  REQUIRE(published.ok());

  auto push = [&](int n, const std::string& country) {
    v1::Event e = Order("SB_ORDER", n, country);
    (*e.mutable_ctx()->mutable_fields())["firstName"].set_string_value("Zo\xc3\xa9");
    auto& inv =
        *(*e.mutable_ctx()->mutable_fields())["invoice"].mutable_struct_value()->mutable_fields();
    inv["name"].set_string_value("invoice-" + std::to_string(n) + ".pdf");
    inv["type"].set_string_value("application/pdf");
    inv["content"].set_string_value("JVBERi0xLjQK");  // "%PDF-1.4\n"
    return std::make_pair(c.Push(v1::QUEUE_REAL_TIME, e), e.email());
  };
  const auto [fr_id, fr_address] = push(7, "FR");
  const auto [en_id, en_address] = push(8, "US");
  const v1::StoredEvent fr_event = c.WaitFinal(fr_id);
  const v1::StoredEvent en_event = c.WaitFinal(en_id);
  INFO(fr_event.story().last_failure_reason() << en_event.story().last_failure_reason());
  REQUIRE(fr_event.status() == v1::EVENT_STATUS_SENT);
  REQUIRE(en_event.status() == v1::EVENT_STATUS_SENT);
  CHECK(fr_event.story().template_language() == "fr");
  CHECK(en_event.story().template_language().empty());

  CHECK(HeaderOf(fr_address, "Subject") == "Commande A-7");
  CHECK(HeaderOf(en_address, "Subject") == "Order A-8");
  for (const std::string& a : {fr_address, en_address}) {
    CHECK(HeaderOf(a, "From") == "Brand Shop <shop@brand.test>");
    CHECK(HeaderOf(a, "Reply-To") == "care@brand.test");
  }
  CHECK(HeaderOf(fr_address, "X-Order") == "A-7");
  std::string fr_text, en_text, fr_pdf, fr_pdf_name;
  for (const testing::DecodedPart& p : PartsFor(fr_address)) {
    if (p.content_type == "text/plain") fr_text = p.payload;
    if (p.content_type == "application/pdf") {
      fr_pdf = p.payload;
      fr_pdf_name = p.filename;
    }
  }
  for (const testing::DecodedPart& p : PartsFor(en_address)) {
    if (p.content_type == "text/plain") en_text = p.payload;
  }
  CHECK(fr_text == "Merci Zo\xc3\xa9 : 42,50\xc2\xa0\xe2\x82\xac");
  CHECK(en_text == "Thanks Zo\xc3\xa9: free shipping");
  CHECK(fr_pdf == "%PDF-1.4\n");
  CHECK(fr_pdf_name == "invoice-7.pdf");
}

TEST_CASE("bad templates fail only their own events; the lane keeps more than half its rate") {
  ExecClient& c = *TheInstance().client;
  // Rounds of two measurements: good events only, then as many good events with the bad ones
  // spread among them. The machine is shared: every round is printed, and the rate holds when
  // one round of at most three shows it (a lane that really stalls on bad events fails all).
  bool held = false;
  for (int round = 0; round < 3 && !held; ++round) {
    const int base_n = 1000 + 2 * round * kGood;
    std::vector<v1::Event> good;
    for (int i = 0; i < kGood; ++i) good.push_back(Order("SB_GOOD", base_n + i));
    std::vector<int64_t> base_ids;
    const double base_seconds = Drain(good, &base_ids);

    std::vector<v1::Event> mixed;
    std::vector<std::string> bad_types;
    for (int i = 0; i < kGood; ++i) {
      mixed.push_back(Order("SB_GOOD", base_n + kGood + i));
      if (i % (kGood / (3 * kBadEach)) == 0 && bad_types.size() < 3 * kBadEach) {
        const char* type = bad_types.size() % 3 == 0   ? "SB_LOOP"
                           : bad_types.size() % 3 == 1 ? "SB_ALLOC"
                                                       : "SB_THROW";
        bad_types.push_back(type);
        mixed.push_back(Order(type, base_n + static_cast<int>(bad_types.size())));
      }
    }
    std::vector<int64_t> mixed_ids;
    const double mixed_seconds = Drain(mixed, &mixed_ids);

    int good_sent = 0, bad_failed = 0;
    for (size_t k = 0; k < mixed.size(); ++k) {
      const v1::StoredEvent e = c.Get(mixed_ids[k]);
      if (mixed[k].type() == "SB_GOOD") {
        good_sent += e.status() == v1::EVENT_STATUS_SENT;
        continue;
      }
      INFO(mixed[k].type() << ": " << e.story().last_failure_reason());
      CHECK(e.status() == v1::EVENT_STATUS_DELIVERY_FAILED);
      CHECK(e.story().last_failure_type() == v1::FAILURE_TYPE_HARD);
      const std::string& why = e.story().last_failure_reason();
      if (mixed[k].type() == "SB_LOOP") {
        CHECK(absl::StrContains(why, "text_body: the template ran past its time budget (50 ms)"));
      } else if (mixed[k].type() == "SB_ALLOC") {
        CHECK(absl::StrContains(why, "text_body: the template ran past its memory budget"));
      } else {
        CHECK(absl::StrContains(why, "text_body: line 2"));
        CHECK(absl::StrContains(why, "no stock for A-"));
      }
      bad_failed += e.status() == v1::EVENT_STATUS_DELIVERY_FAILED;
    }
    CHECK(good_sent == kGood);
    CHECK(bad_failed == static_cast<int>(bad_types.size()));
    for (int64_t id : base_ids) CHECK(c.Get(id).status() == v1::EVENT_STATUS_SENT);

    const double base_rate = kGood / base_seconds, mixed_rate = kGood / mixed_seconds;
    std::printf(
        "e2e_template_sandbox round %d: good events only %.0f/s (%.2f s); with %zu bad ones "
        "among them %.0f/s (%.2f s): ratio %.2f\n",
        round + 1, base_rate, base_seconds, bad_types.size(), mixed_rate, mixed_seconds,
        mixed_rate / base_rate);
    held = mixed_rate > 0.5 * base_rate;
  }
  CHECK(held);
}

}  // namespace
}  // namespace mc::e2e
