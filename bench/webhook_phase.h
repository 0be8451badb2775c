// RunWebhookPhase: delivery_bench's webhook phase (w), on a running execution service started
// with --webhook_allow_private_networks --webhook_allow_http.
//
// The bench's own receiver: a WebhookSink on loopback answered by a WebhookReceiver
// (common/webhook_receiver/), which checks every signature with its own OpenSSL HMAC code,
// drops duplicates by webhook id and keeps each webhook's latency. The subscription
// ("bench", every final status, max_batch as asked, one random secret) is put through
// messagecenter.v1.WebhookService with the control token before each measurement that wants
// webhooks and deleted after it, so the measurements without it (and later phases) run with
// no subscription at all.
//
// Throughput, `rounds` rounds (0: none, only the latency run), each of two measurements of `events`
// events pushed as phase (a) pushes them (BulkPush: requests built first, `streams` streams of
// `batch`), on a settled database (VACUUM ANALYZE, CHECKPOINT): (a) push -> every event Sent, no
// subscription; (a') push -> every event's webhook received. Odd rounds measure (a) first, even
// rounds (a') first, so a drift of the machine over the run weighs on both alike. Prints each
// measurement and the ratio of the medians (a')/(a). Latency: `rate` events/s for `seconds` in
// requests of `paced_batch` (Pusher), with the subscription; p50 / p99 / max of the time from the
// status change to the webhook read by the receiver: the payload's `timestamp` (the outbox row's
// changed_at: PostgreSQL's now() in the transaction that made the event Sent, i.e. that
// transaction's start) to the moment the receiver had read the whole POST, before checking it.
// Instance, PostgreSQL and receiver run on this machine and read the same clock: no skew. Then the
// receiver's totals: POSTs, webhooks, duplicates, signature failures (must be 0), what it cost (CPU
// per webhook). Returns false when a count does not match (a push failed, a webhook is missing or
// duplicated, a signature or body was refused, a status is not Sent). Failure modes: pqxx
// exceptions when PostgreSQL is unreachable. Call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "messagecenter/v1/events.pb.h"

namespace mc::bench {

struct WebhookPhaseOptions {
  int events = 50000;  // per throughput measurement
  int streams = 4;
  int batch = 500;
  int rounds = 2;
  int max_batch = 100;  // the subscription's changes per POST
  int rate = 5000;      // paced run: events/s
  int seconds = 10;     // paced run: duration
  int paced_batch = 50;
};

struct WebhookPhaseTarget {
  std::string address;        // the execution service
  std::string token;          // pushes events
  std::string control_token;  // puts and deletes subscriptions
  std::string dsn;
  std::string schema;             // the service's schema
  std::function<size_t()> mails;  // messages the SMTP sink accepted so far
  std::function<messagecenter::v1::Event(int64_t)> make_event;
};

bool RunWebhookPhase(const WebhookPhaseTarget& target, const WebhookPhaseOptions& options);

}  // namespace mc::bench
