// RunTemplatePhase: delivery_bench's template phase (t): what a template with code costs
// phase (a)'s throughput, against an expression-only template, on the same running service.
//
// Both templates are published on the service (event types ORDER_EXPR and ORDER_CODE); every
// event carries the same ctx: a customer name, an order with 10 items (sku, quantity, price),
// a total, a date, a country. The expression-only template inserts six values (the fast path:
// CompiledText); the code template loops over the 10 items, tests one condition (free
// shipping above 50) and formats two values with the locale helpers (formatCurrency,
// formatDate), on the worker's script heap (ScriptedText). `rounds` rounds, each of one (a)
// measurement per template (`events` events pushed as phase (a) pushes them, until every event
// is Sent), on a settled database; odd rounds measure the expression template first, even
// rounds the code template first. Prints every measurement, each round's ratio code/expression,
// and the median, min and max of the ratios. Returns false when a count does not match or a
// publication fails. Failure modes: pqxx exceptions when PostgreSQL is unreachable. Call from
// one thread.
#pragma once

#include <functional>
#include <string>

namespace mc::bench {

struct TemplatePhaseOptions {
  int events = 50000;
  int streams = 4;
  int batch = 500;
  int rounds = 3;
};

struct TemplatePhaseTarget {
  std::string address;  // the execution service
  std::string token;
  std::string dsn;
  std::string schema;
  std::function<size_t()> mails;  // messages the SMTP sink accepted so far
};

bool RunTemplatePhase(const TemplatePhaseTarget& target, const TemplatePhaseOptions& options);

}  // namespace mc::bench
