#include "deploy/local/webhook_check.h"

#include <map>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "deploy/local/progress.h"

namespace mc::local {

std::string WebhookCountsText(const webhook_receiver::ReceiverCounts& c) {
  const int64_t refused = c.bad_signatures + c.unparsable;
  std::string text = absl::StrCat(c.unique, " received, ");
  if (refused == 0) return absl::StrCat(text, "signatures valid");
  return absl::StrCat(text, refused, " refused (", c.last_error, ")");
}

bool CheckWebhooks(webhook_receiver::WebhookReceiver& receiver,
                   const std::vector<InstanceEndpoint>& instances,
                   const std::vector<std::vector<int64_t>>& ids, const StatusCounts& truth,
                   absl::Time deadline, std::string* verdict) {
  // (instance identifier, event id) of every demo event -> its account.
  std::map<std::pair<std::string, int64_t>, std::string> wanted;
  for (size_t i = 0; i < instances.size() && i < ids.size(); ++i) {
    for (int64_t id : ids[i]) wanted[{instances[i].instance_id, id}] = instances[i].account;
  }
  StatusCounts got;  // (account, status) of the demo events' webhooks
  std::set<std::pair<std::string, int64_t>> seen;
  {
    Progress bar("webhooks", static_cast<int>(wanted.size()));
    for (;;) {
      for (const webhook_receiver::ReceivedChange& c : receiver.TakeChanges()) {
        auto it = wanted.find({c.instance_id, c.event_id});
        if (it == wanted.end() || !seen.insert(it->first).second) continue;  // an earlier run's
        ++got[{it->second, c.status}];
      }
      bar.Set(static_cast<int>(seen.size()), WebhookCountsText(receiver.counts()));
      if (seen.size() == wanted.size() || absl::Now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  StatusCounts final_statuses;
  for (const auto& [key, n] : truth) {
    if (key.second >= 2) final_statuses[key] = n;  // EVENT_STATUS_SENT and after: final
  }
  const webhook_receiver::ReceiverCounts counts = receiver.counts();
  const bool ok = seen.size() == wanted.size() && got == final_statuses &&
                  counts.bad_signatures == 0 && counts.unparsable == 0;
  if (ok) {
    *verdict = absl::StrCat("one webhook for each of the ", wanted.size(),
                            " demo events, with its final status, every signature valid");
  } else {
    *verdict = absl::StrCat("MISMATCH: webhooks of ", seen.size(), " of the ", wanted.size(),
                            " demo events came",
                            got == final_statuses || seen.size() != wanted.size()
                                ? ""
                                : ", with statuses other than the events' final statuses",
                            "; ", WebhookCountsText(counts));
  }
  return ok;
}

}  // namespace mc::local
