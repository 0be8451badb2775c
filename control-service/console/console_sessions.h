// ConsoleSessions: the web console's signed-in sessions, kept in this process's memory (a
// restart, or another replica, asks to sign in again). Each holds the Authorization value its
// operator signed in with, so the console's calls pass the call gate exactly as the API's do,
// and a CSRF token that every change must echo in a header. Ids and CSRF tokens are 32 bytes
// from OpenSSL's RAND_bytes, in hex.
//
// Expiry: a session ends after `idle` without a request that passed every check (Touch), or
// `lifetime` after sign-in, or at sign-out. Each sign-in drops the expired sessions (each holds
// a token); at most `max_sessions` live at once: past it, the one idle longest goes. Times are
// given by the caller (tests pass their own clock). Failure modes: none (Find answers nullopt for
// an unknown or expired id). Thread-safe: one mutex around the table.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace mc::control {

struct ConsoleSessionOptions {
  absl::Duration idle = absl::Minutes(30);
  absl::Duration lifetime = absl::Hours(12);
  size_t max_sessions = 1000;
};

struct ConsoleSession {
  std::string authorization;  // "Bearer <token>": a secret, never logged
  std::string csrf_token;
  absl::Time created, last_seen;
};

// 32 random bytes (OpenSSL RAND_bytes) in hex.
std::string RandomHexToken();

class ConsoleSessions {
 public:
  using Random = std::function<std::string()>;
  explicit ConsoleSessions(ConsoleSessionOptions options, Random random = RandomHexToken);

  struct Created {
    std::string id;
    std::string csrf_token;
  };
  Created Create(std::string authorization, absl::Time now);
  // The live session of `id`; nullopt (and the session dropped) when unknown or expired.
  std::optional<ConsoleSession> Find(const std::string& id, absl::Time now);
  // Marks the session of `id` used at `now` (its idle time starts again): for requests that
  // passed every check, so that a refused one keeps nothing alive.
  void Touch(const std::string& id, absl::Time now);
  void Remove(const std::string& id);
  size_t size() const;
  const ConsoleSessionOptions& options() const { return options_; }

 private:
  bool Expired(const ConsoleSession& s, absl::Time now) const;

  const ConsoleSessionOptions options_;
  const Random random_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, ConsoleSession> sessions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mc::control
