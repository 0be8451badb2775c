#include "execution-service/archive/archive.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

namespace mc::execution {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

TEST_CASE("cursors compare in export order: xid, then queue, then id") {
  CHECK(ArchiveCursor{} < ArchiveCursor{.xid = 1});
  CHECK(ArchiveCursor{.xid = 5, .queue = 2, .id = 1} < ArchiveCursor{.xid = 6, .queue = 1});
  CHECK(ArchiveCursor{.xid = 5, .queue = 1, .id = 99} <
        ArchiveCursor{.xid = 5, .queue = 2, .id = 1});
  CHECK(ArchiveCursor{.xid = 5, .queue = 2, .id = 1} <
        ArchiveCursor{.xid = 5, .queue = 2, .id = 2});
  CHECK(ArchiveCursor{.xid = 5, .queue = 2, .id = 2} ==
        ArchiveCursor{.xid = 5, .queue = 2, .id = 2});
}

TEST_CASE("a cursor's id threshold per queue splits each table at the cursor") {
  SECTION("zero cursor and queue 0: every row of the xid is after it") {
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 0, .id = 0}, Queue::kRealTime) == 0);
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 0, .id = 0}, Queue::kBatch) == 0);
  }
  SECTION("a real-time cursor: real-time rows after its id, every batch row of the xid after") {
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 1, .id = 42}, Queue::kRealTime) == 42);
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 1, .id = 42}, Queue::kBatch) == 0);
  }
  SECTION("a batch cursor: every real-time row of the xid before, batch rows after its id") {
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 2, .id = 42}, Queue::kRealTime) == kMax);
    CHECK(ArchiveIdThreshold({.xid = 7, .queue = 2, .id = 42}, Queue::kBatch) == 42);
  }
}

TEST_CASE("cursors from a request are checked") {
  CHECK(ValidateArchiveCursor({}, "after").ok());
  CHECK(ValidateArchiveCursor({.xid = 1, .queue = 2, .id = 3}, "after").ok());
  absl::Status bad_queue = ValidateArchiveCursor({.xid = 1, .queue = 3, .id = 3}, "after");
  CHECK(bad_queue.code() == absl::StatusCode::kInvalidArgument);
  CHECK(bad_queue.message().substr(0, 12) == "after.queue:");
  CHECK(ValidateArchiveCursor({.xid = 1, .queue = 1, .id = -1}, "after").code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("instance identifiers: 1 to 64 letters, digits, '_', '-', '.'") {
  CHECK(ValidateInstanceId("exec1").ok());
  CHECK(ValidateInstanceId("mc-exec_01.prod").ok());
  CHECK(ValidateInstanceId(std::string(64, 'a')).ok());
  const std::vector<std::string> bad_ids = {"", "with space", "slash/no", "é",
                                            std::string(65, 'a')};
  for (const std::string& bad : bad_ids) {
    absl::Status s = ValidateInstanceId(bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(s.message().substr(0, 12) == "instance_id:");
  }
}

}  // namespace
}  // namespace mc::execution
