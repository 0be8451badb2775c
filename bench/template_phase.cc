#include "bench/template_phase.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bulk_push.h"
#include "bench/ratio_spread.h"
#include "messagecenter/v1/templates.grpc.pb.h"

namespace mc::bench {
namespace {
namespace v1 = messagecenter::v1;

constexpr int64_t kFirstN = 8000000000LL;  // event numbers apart from the other phases'

constexpr char kExpressionText[] =
    "Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %> of "
    "<%= rtEvent.ctx.order.date %>: <%= rtEvent.ctx.order.items[0].sku %> and more, "
    "total <%= rtEvent.ctx.order.total %> (<%= rtEvent.ctx.order.country %>)";
constexpr char kCodeText[] =
    "Hello <%= rtEvent.ctx.name %>, order <%= rtEvent.ctx.order.id %> of "
    "<%= formatDate(rtEvent.ctx.order.date, '%2D/%2M/%4Y') %>:\n"
    "<% var items = rtEvent.ctx.order.items; for (var i = 0; i < items.length; i++) { %>"
    "- <%= items[i].quantity %> x <%= items[i].sku %>\n<% } %>"
    "<% if (rtEvent.ctx.order.total >= 50) { %>Free shipping<% } else { %>Shipping extra<% } %>\n"
    "Total <%= formatCurrency(rtEvent.ctx.order.total, 'EUR') %>";

v1::Event MakeEvent(const std::string& type, int64_t n) {
  v1::Event e;
  e.set_type(type);
  e.set_email(absl::StrCat("tpl", n, "@example.com"));
  e.set_language("fr");
  e.set_country("FR");
  auto& f = *e.mutable_ctx()->mutable_fields();
  f["name"].set_string_value("Jane");
  auto& order = *f["order"].mutable_struct_value()->mutable_fields();
  order["id"].set_string_value(absl::StrCat("A-", n));
  order["date"].set_string_value("2026-03-09T10:00:00Z");
  order["total"].set_number_value(static_cast<double>(n % 100) + 0.5);
  order["country"].set_string_value("FR");
  auto* items = order["items"].mutable_list_value();
  for (int i = 0; i < 10; ++i) {
    auto& item = *items->add_values()->mutable_struct_value()->mutable_fields();
    item["sku"].set_string_value(absl::StrCat("SKU-", i));
    item["quantity"].set_number_value(i + 1);
    item["price"].set_number_value(9.9);
  }
  return e;
}

bool Publish(const TemplatePhaseTarget& t, const std::string& name, const std::string& type,
             const std::string& text) {
  auto stub = v1::TemplateService::NewStub(
      grpc::CreateChannel(t.address, grpc::InsecureChannelCredentials()));
  v1::PublishTemplateRequest req;
  v1::Template* tpl = req.mutable_template_();
  tpl->set_internal_name(name);
  tpl->set_event_type(type);
  tpl->set_channel(v1::CHANNEL_EMAIL);
  tpl->set_version(1);
  tpl->set_subject("Order <%= rtEvent.ctx.order.id %>");
  tpl->set_text_body(text);
  v1::PublishTemplateResponse resp;
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + t.token);
  const grpc::Status s = stub->PublishTemplate(&ctx, req, &resp);
  if (!s.ok()) std::printf("(t) publish %s: %s\n", name.c_str(), s.error_message().c_str());
  return s.ok();
}

}  // namespace

bool RunTemplatePhase(const TemplatePhaseTarget& t, const TemplatePhaseOptions& o) {
  if (!Publish(t, "benchExpression", "ORDER_EXPR", kExpressionText) ||
      !Publish(t, "benchCode", "ORDER_CODE", kCodeText)) {
    return false;
  }
  std::printf(
      "(t) templates: %d rounds of %d events each, expression-only against code (a loop "
      "over 10 items, a condition, formatDate and formatCurrency for fr_FR)\n",
      o.rounds, o.events);
  bool counts_ok = true;
  std::vector<double> ratios;
  for (int round = 0; round < o.rounds; ++round) {
    const char* order[2] = {"ORDER_EXPR", "ORDER_CODE"};
    if (round % 2) std::swap(order[0], order[1]);
    double rate[2] = {0, 0};  // expression, code
    for (const char* type : order) {
      const bool code = std::string(type) == "ORDER_CODE";
      const int64_t first = kFirstN + (2 * round + code) * static_cast<int64_t>(o.events);
      const BulkPush load = BuildBulkPush([type](int64_t n) { return MakeEvent(type, n); },
                                          o.events, o.streams, o.batch, first);
      SettleDatabase(t.dsn);
      const int64_t sent_before = CountSent(t.dsn, t.schema);
      const size_t mails_before = t.mails();
      const BulkPushResult pushed = PushBulk(t.address, t.token, load);
      const bool finished = WaitAllSent(t.dsn, t.schema, t.mails);
      const double seconds = absl::ToDoubleSeconds(absl::Now() - pushed.start);
      const int64_t sent = CountSent(t.dsn, t.schema) - sent_before;
      const size_t mails = t.mails() - mails_before;
      std::printf("(t) round %d %-10s: %d events in %.2f s: %.0f events/s (%zu mails)\n", round + 1,
                  code ? "code" : "expression", o.events, seconds, o.events / seconds, mails);
      if (!finished || pushed.failed > 0 || sent != o.events ||
          mails != static_cast<size_t>(o.events)) {
        std::printf("COUNT MISMATCH: %lld Sent, %zu mails, %lld failed pushes\n",
                    static_cast<long long>(sent), mails, static_cast<long long>(pushed.failed));
        counts_ok = false;
        continue;
      }
      rate[code] = o.events / seconds;
      std::fflush(stdout);
    }
    if (rate[0] > 0 && rate[1] > 0) {
      ratios.push_back(rate[1] / rate[0]);
      std::printf("(t) round %d ratio code/expression: %.3f\n", round + 1, ratios.back());
    }
  }
  PrintRatioSpread("(t) ratio code/expression", ratios);
  return counts_ok && static_cast<int>(ratios.size()) == o.rounds;
}

}  // namespace mc::bench
