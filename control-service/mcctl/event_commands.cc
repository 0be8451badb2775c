// mcctl events: push events from a JSON file (one object or an array, the proto JSON mapping
// of messagecenter.v1.Event), get one with its story, list them, cancel a Pending one, on the
// execution instance.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "control-service/mcctl/commands.h"
#include "control-service/mcctl/event_story_view.h"
#include "control-service/mcctl/exit_codes.h"
#include "control-service/mcctl/input_files.h"
#include "control-service/mcctl/names.h"
#include "control-service/mcctl/table.h"
#include "messagecenter/v1/events.grpc.pb.h"

namespace mc::mcctl {
namespace {

namespace v1 = messagecenter::v1;

// What PushEvents takes in one call (the instance's default limit).
constexpr int kPushBatch = 1000;

std::unique_ptr<v1::EventService::Stub> Stub(const Invocation& inv) {
  return v1::EventService::NewStub(inv.conn().channel());
}

int PushOne(Invocation& inv, v1::Queue queue, const v1::Event& event) {
  v1::PushEventRequest req;
  req.set_queue(queue);
  *req.mutable_event() = event;
  v1::PushEventResponse resp;
  grpc::Status s = Stub(inv)->PushEvent(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;
  inv.out() << (resp.duplicate() ? "Duplicate of event " : "Queued event ") << resp.id() << " ("
            << QueueName(queue) << ").\n";
  return kExitOk;
}

int PushMany(Invocation& inv, v1::Queue queue, const std::vector<v1::Event>& events) {
  auto stub = Stub(inv);
  v1::PushEventsResponse all;
  for (size_t first = 0; first < events.size(); first += kPushBatch) {
    v1::PushEventsRequest req;
    req.set_queue(queue);
    for (size_t i = first; i < std::min(events.size(), first + kPushBatch); ++i) {
      *req.add_events() = events[i];
    }
    v1::PushEventsResponse resp;
    grpc::Status s = stub->PushEvents(inv.Context().get(), req, &resp);
    if (!s.ok()) {
      if (first > 0) {
        inv.err() << "mcctl: events 0 to " << first - 1 << " were pushed (see above for "
                  << "rejections); events from " << first << " on were not\n";
      }
      return inv.Fail(s);
    }
    all.mutable_results()->MergeFrom(resp.results());
    all.set_accepted(all.accepted() + resp.accepted());
    all.set_rejected(all.rejected() + resp.rejected());
  }
  if (inv.json()) {
    inv.PrintJson(all);
  } else {
    Table t({{"#", Table::Align::kRight}, {"ID", Table::Align::kRight}, {"RESULT"}});
    for (int i = 0; i < all.results_size(); ++i) {
      const v1::EventResult& r = all.results(i);
      std::string result = r.duplicate() ? "duplicate" : "queued";
      if (r.id() == 0) {
        result = absl::StrCat("rejected (", StatusCodeName(r.rejection().code()),
                              "): ", r.rejection().message());
      }
      t.AddRow({absl::StrCat(i), r.id() == 0 ? "-" : absl::StrCat(r.id()), result});
    }
    t.Print(inv.out());
    inv.out() << all.accepted() << " accepted, " << all.rejected() << " rejected ("
              << QueueName(queue) << ").\n";
  }
  if (all.rejected() == 0) return kExitOk;
  return inv.Problem(kExitRefused,
                     absl::StrCat(all.rejected(), " of ", events.size(), " events rejected"),
                     "fix the rejected events and push them again; the others are stored (pushing "
                     "again with the same external_id is safe)");
}

int Push(Invocation& inv) {
  absl::StatusOr<v1::Queue> queue = ParseQueue(inv.flags().Get("queue"));
  if (!queue.ok()) {
    return inv.UsageError(
        absl::InvalidArgumentError(absl::StrCat("--queue: ", queue.status().message())));
  }
  absl::StatusOr<EventFile> file = ReadEventFile(inv.arg(0));
  if (!file.ok()) return inv.UsageError(file.status());
  if (file->single) return PushOne(inv, *queue, file->events[0]);
  return PushMany(inv, *queue, file->events);
}

// The event an ID argument or --external-id KEY --queue Q names, into `req` (GetEventRequest or
// CancelEventRequest: the same key); a usage error otherwise.
template <typename Request>
absl::Status ParseEventKey(const Invocation& inv, Request& req) {
  const ParsedFlags& f = inv.flags();
  if (inv.args().empty() == !f.Has("external-id")) {
    return absl::InvalidArgumentError("give an ID or --external-id KEY");
  }
  if (!inv.args().empty()) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(inv.arg(0), &id) || id <= 0) {
      return absl::InvalidArgumentError("'" + inv.arg(0) + "' is not an event id");
    }
    req.set_id(id);
    return absl::OkStatus();
  }
  absl::StatusOr<v1::Queue> queue = ParseQueue(f.Get("queue"));
  if (!queue.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--external-id needs --queue rt|batch: ", queue.status().message()));
  }
  req.mutable_external()->set_queue(*queue);
  req.mutable_external()->set_external_id(f.Get("external-id"));
  return absl::OkStatus();
}

int Get(Invocation& inv) {
  v1::GetEventRequest req;
  if (absl::Status key = ParseEventKey(inv, req); !key.ok()) return inv.UsageError(key);
  v1::StoredEvent resp;
  grpc::Status s = Stub(inv)->GetEvent(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;  // with --json: the proto JSON, story too
  PrintEvent(resp, inv.out());
  return kExitOk;
}

int Cancel(Invocation& inv) {
  v1::CancelEventRequest req;
  if (absl::Status key = ParseEventKey(inv, req); !key.ok()) return inv.UsageError(key);
  v1::StoredEvent resp;
  grpc::Status s = Stub(inv)->CancelEvent(inv.Context().get(), req, &resp);
  if (auto code = inv.Finish(s, resp)) return *code;  // refused: exit 3, naming its status
  inv.out() << "Cancelled event " << resp.id() << " (" << QueueName(resp.queue())
            << "): it will not be sent.\n";
  PrintEvent(resp, inv.out());
  return kExitOk;
}

int List(Invocation& inv) {
  const ParsedFlags& f = inv.flags();
  absl::StatusOr<int64_t> limit = f.GetInt("limit", 50, 1);
  if (!limit.ok()) return inv.UsageError(limit.status());
  v1::ListEventsRequest req;
  if (f.Has("status")) {
    absl::StatusOr<v1::EventStatus> status = ParseEventStatus(f.Get("status"));
    if (!status.ok()) {
      return inv.UsageError(
          absl::InvalidArgumentError(absl::StrCat("--status: ", status.status().message())));
    }
    req.set_status(*status);
  }
  if (f.Has("queue")) {
    absl::StatusOr<v1::Queue> queue = ParseQueue(f.Get("queue"));
    if (!queue.ok()) {
      return inv.UsageError(
          absl::InvalidArgumentError(absl::StrCat("--queue: ", queue.status().message())));
    }
    req.set_queue(*queue);
  }
  req.set_type(f.Get("type"));
  req.set_address(f.Get("address"));
  req.set_external_id(f.Get("external-id"));
  req.set_template_name(f.Get("template"));
  auto stub = Stub(inv);
  v1::ListEventsResponse all;
  while (all.events_size() < *limit) {
    req.set_page_size(static_cast<int32_t>(std::min<int64_t>(*limit - all.events_size(), 1000)));
    v1::ListEventsResponse page;
    grpc::Status s = stub->ListEvents(inv.Context().get(), req, &page);
    if (!s.ok()) return inv.Fail(s);
    all.mutable_events()->MergeFrom(page.events());
    all.set_next_page_token(page.next_page_token());
    if (page.next_page_token().empty() || page.events_size() == 0) break;
    req.set_page_token(page.next_page_token());
  }
  if (inv.json()) {
    inv.PrintJson(all);
    return kExitOk;
  }
  Table t({{"ID", Table::Align::kRight},
           {"QUEUE"},
           {"TYPE"},
           {"STATUS"},
           {"ADDRESS"},
           {"EXTERNAL ID"},
           {"CREATED"},
           {"UPDATED"}});
  for (const v1::StoredEvent& e : all.events()) {
    t.AddRow({absl::StrCat(e.id()), QueueName(e.queue()), e.event().type(),
              EventStatusName(e.status()), ChannelAddressOf(e.event()),
              e.event().external_id().empty() ? "-" : e.event().external_id(),
              FormatTimestamp(e.created()), FormatTimestamp(e.updated())});
  }
  t.Print(inv.out(), "No events.");
  if (!all.next_page_token().empty()) {
    inv.out() << "(more: raise --limit, now " << *limit << ")\n";
  }
  return kExitOk;
}

}  // namespace

std::vector<CommandSpec> EventCommands() {
  const Target x = Target::kExecution;
  return {
      {"events",
       "push",
       "FILE",
       "Push events from a JSON file (an object or an array; - is stdin).",
       {{"queue", "rt|batch", "the queue to feed", false, true}},
       1,
       1,
       x,
       Push},
      {"events",
       "get",
       "[ID]",
       "Show one event and its story (template, Message-ID, tries, failures, timeline), by id "
       "or by external id.",
       {{"external-id", "KEY", "find it by its external id (with --queue)"},
        {"queue", "rt|batch", "the queue of --external-id"}},
       0,
       1,
       x,
       Get},
      {"events",
       "list",
       "",
       "List events, newest first.",
       {{"status", "STATUS",
         "pending, pending-delivery, sent, ignored, failed, not-taken, expired, cancelled"},
        {"type", "TYPE", "this event type only"},
        {"queue", "rt|batch", "this queue only"},
        {"address", "ADDRESS",
         "to this address only (email domain in any case, phone separators ignored)"},
        {"external-id", "KEY", "this external id only"},
        {"template", "NAME", "routed to this template (internal name) only"},
        {"limit", "N", "at most N events (default 50)"}},
       0,
       0,
       x,
       List},
      {"events",
       "cancel",
       "[ID]",
       "Cancel a Pending event (scheduled or not), by id or by external id: it becomes "
       "Cancelled and is never sent. Refused (exit 3) once it is Pending delivery or final.",
       {{"external-id", "KEY", "find it by its external id (with --queue)"},
        {"queue", "rt|batch", "the queue of --external-id"}},
       0,
       1,
       x,
       Cancel},
  };
}

}  // namespace mc::mcctl
