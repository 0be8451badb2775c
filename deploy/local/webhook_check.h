// The local cluster's webhooks: waits, with a progress bar, until the local receiver
// (common/webhook_receiver/, fed by a WebhookSink on loopback) has the webhook of every demo
// event (matched by the instance identifier and event id the payload carries), then checks
// that their statuses, per instance, are the events' final statuses as the instances report
// them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/webhook_receiver/webhook_receiver.h"
#include "deploy/local/cluster_setup.h"
#include "deploy/local/reports.h"

namespace mc::local {

// ids[i]: the demo events pushed to instances[i]. `truth`: their final statuses per
// (account, status), from CountStatuses. Returns whether every demo event's webhook came with
// its status and no request was refused; `verdict` says so in words ("MISMATCH: ..." if not).
bool CheckWebhooks(webhook_receiver::WebhookReceiver& receiver,
                   const std::vector<InstanceEndpoint>& instances,
                   const std::vector<std::vector<int64_t>>& ids, const StatusCounts& truth,
                   absl::Time deadline, std::string* verdict);

// "12 received, signatures valid" or "12 received, 1 refused (<reason>)".
std::string WebhookCountsText(const webhook_receiver::ReceiverCounts& counts);

}  // namespace mc::local
