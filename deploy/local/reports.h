// The local cluster's closing tables: what the archiving runs copied and what the archive holds
// per instance; each instance's events per status as the instance itself reports them (its
// GetEvent), the control instance's report figures for the same period (from its archive), and
// whether the two agree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "deploy/local/cluster_setup.h"

namespace mc::local {

// (account, status number) -> events.
using StatusCounts = std::map<std::pair<std::string, int>, int64_t>;

// Reads each event's final status from its instance. Returns an error text.
std::string CountStatuses(const std::string& account, const std::string& address,
                          const std::string& token, const std::vector<int64_t>& ids,
                          StatusCounts* counts);

// Prints per instance what its archiving run just copied, and how many of its events received
// in [from, to) the archive holds: with the period of PrintReports, the sum of its figures for
// the instance (earlier archiving runs included). Returns an error text.
std::string PrintArchiving(const std::string& control_address, const std::string& token,
                           const std::vector<ArchiveRunCopies>& runs, absl::Time from,
                           absl::Time to);

// Prints the report tables for events received in [from, to) and compares the archived status
// counts with `pushed`. Returns an error text; `match` tells whether every figure agreed.
std::string PrintReports(const std::string& control_address, const std::string& token,
                         absl::Time from, absl::Time to, const StatusCounts& pushed, bool* match);

}  // namespace mc::local
