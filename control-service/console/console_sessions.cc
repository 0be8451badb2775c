#include "control-service/console/console_sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"

namespace mc::control {

std::string RandomHexToken() {
  std::array<unsigned char, 32> bytes{};
  // RAND_bytes fails only when the system's entropy source is unusable: no session then.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

ConsoleSessions::ConsoleSessions(ConsoleSessionOptions options, Random random)
    : options_(options), random_(std::move(random)) {}

bool ConsoleSessions::Expired(const ConsoleSession& s, absl::Time now) const {
  return now - s.last_seen >= options_.idle || now - s.created >= options_.lifetime;
}

ConsoleSessions::Created ConsoleSessions::Create(std::string authorization, absl::Time now) {
  Created created{.id = random_(), .csrf_token = random_()};
  absl::MutexLock lock(&mu_);
  absl::erase_if(sessions_, [&](const auto& entry) { return Expired(entry.second, now); });
  while (!sessions_.empty() && sessions_.size() >= options_.max_sessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_seen < oldest->second.last_seen) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[created.id] = ConsoleSession{.authorization = std::move(authorization),
                                         .csrf_token = created.csrf_token,
                                         .created = now,
                                         .last_seen = now};
  return created;
}

std::optional<ConsoleSession> ConsoleSessions::Find(const std::string& id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void ConsoleSessions::Touch(const std::string& id, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) it->second.last_seen = std::max(it->second.last_seen, now);
}

void ConsoleSessions::Remove(const std::string& id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(id);
}

size_t ConsoleSessions::size() const {
  absl::MutexLock lock(&mu_);
  return sessions_.size();
}

}  // namespace mc::control
