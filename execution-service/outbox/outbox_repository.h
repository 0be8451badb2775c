// OutboxRepository: the webhook outbox of an execution instance in PostgreSQL (webhook_outbox,
// webhook_endpoint_state; migration 0008): webhookDelivery's OutboxStore. The outbox rows
// themselves are written by the statements that change events' statuses
// (processing/processing_repository.cc), in their transactions.
//
// Claim is one statement (its own transaction): the due rows of active, enabled subscriptions
// in due order, skipping rows another replica holds (SKIP LOCKED) and rows with an earlier
// queued row of their (subscription, event), leased by moving next_at forward. Record is one
// transaction of two statements: the rows' outcomes with the endpoints' delivered and failed
// counters, then the endpoints' states (a success clears failing_since; a failure sets it once
// and pauses the endpoint once it is older than pause_after).
// Webhook ids are "wh_<schema>_<event id>_<outbox id>": stable across retries, replays and
// replicas, unique across the instances of one database.
// Failure modes: UNAVAILABLE when PostgreSQL is unreachable. Thread-safe.
#pragma once

#include <string>

#include "common/pg/connection_pool.h"
#include "execution-service/outbox/outbox_store.h"

namespace mc::execution {

class OutboxRepository final : public OutboxStore {
 public:
  OutboxRepository(pg::ConnectionPool& pool, std::string schema);

  [[nodiscard]] absl::StatusOr<std::vector<ClaimedWebhook>> Claim(int limit,
                                                                  absl::Duration lease) override;
  [[nodiscard]] absl::StatusOr<std::vector<WebhookEndpoint>> Endpoints() override;
  [[nodiscard]] absl::Status Record(const std::vector<WebhookResult>& results,
                                    const std::vector<EndpointResult>& endpoints,
                                    absl::Duration pause_after) override;

  // Queued webhooks per subscription (the mc_webhooks_queued gauge): an index-only count.
  [[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> CountQueued();

  // "wh_<schema>_<event id>_<outbox id>"; and back (false for anything else).
  static std::string WebhookId(const std::string& schema, int64_t event_id, int64_t outbox_id);
  static bool ParseWebhookId(const std::string& schema, const std::string& id, int64_t* event_id,
                             int64_t* outbox_id);

 private:
  pg::ConnectionPool& pool_;
  const std::string schema_;
};

}  // namespace mc::execution
