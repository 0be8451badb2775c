// TxOptions: how the functions of execute.h run their work — the transaction kind, the status
// when a FetchOne finds no row, and what a unique violation becomes.
//
//   Autocommit(): each statement commits by itself, no BEGIN/COMMIT (one round trip for one
//                 statement); a connection lost mid-statement is retried, so use it for reads
//                 and for statements that are safe to apply twice or are ordered by the caller;
//   ReadOnly():   BEGIN READ ONLY ... COMMIT;
//   ReadWrite():  BEGIN ... COMMIT; a connection lost during COMMIT is UNAVAILABLE "outcome
//                 unknown", never retried (connection_pool.h).
// IfNone(status): what FetchOne returns when the statement returned no row (default NOT_FOUND
// naming the statement). OnUniqueViolation(...): a unique violation (SQLSTATE 23505) anywhere
// in the work rolls it back and returns that status (or the function's, given the server's
// message, to tell constraints apart); without it, INVALID_ARGUMENT as every data error.
// A value; thread-safe to share once made.
#pragma once

#include <functional>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/pg/statement.h"

namespace mc::pg {

enum class TxMode { kAutocommit, kReadOnly, kReadWrite };

class TxOptions {
 public:
  using UniqueViolationMapper = std::function<absl::Status(absl::string_view message)>;

  explicit TxOptions(TxMode mode) : mode_(mode) {}

  TxOptions IfNone(absl::Status status) &&;
  TxOptions OnUniqueViolation(absl::Status status) &&;
  TxOptions OnUniqueViolation(UniqueViolationMapper mapper) &&;

  TxMode mode() const { return mode_; }
  // The status of FetchOne when `statement` returned no row.
  [[nodiscard]] absl::Status NoRow(const Statement& statement) const;
  bool MapsUniqueViolation() const { return static_cast<bool>(on_unique_violation_); }
  [[nodiscard]] absl::Status UniqueViolation(absl::string_view message) const;

 private:
  TxMode mode_;
  std::optional<absl::Status> if_none_;
  UniqueViolationMapper on_unique_violation_;
};

inline TxOptions Autocommit() { return TxOptions(TxMode::kAutocommit); }
inline TxOptions ReadOnly() { return TxOptions(TxMode::kReadOnly); }
inline TxOptions ReadWrite() { return TxOptions(TxMode::kReadWrite); }

}  // namespace mc::pg
