#include "execution-service/archive/archive.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace mc::execution {

int64_t ArchiveIdThreshold(const ArchiveCursor& cursor, Queue queue) {
  const int q = static_cast<int>(queue);
  if (cursor.queue > q) return std::numeric_limits<int64_t>::max();  // this xid's rows: all before
  if (cursor.queue == q) return cursor.id;
  return 0;  // this xid's rows: all after (ids are positive)
}

absl::Status ValidateArchiveCursor(const ArchiveCursor& cursor, absl::string_view field) {
  if (cursor.queue < 0 || cursor.queue > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".queue: unknown value ", cursor.queue, " (0, 1 or 2)"));
  }
  if (cursor.id < 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".id: must not be negative"));
  }
  return absl::OkStatus();
}

absl::Status ValidateInstanceId(absl::string_view id) {
  bool ok = !id.empty() && id.size() <= 64;
  for (char c : id) {
    ok &= absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        "instance_id: 1 to 64 characters: letters, digits, '_', '-' or '.'");
  }
  return absl::OkStatus();
}

}  // namespace mc::execution
