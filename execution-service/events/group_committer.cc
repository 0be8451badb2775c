#include "execution-service/events/group_committer.h"

#include <algorithm>
#include <future>

#include "absl/strings/str_cat.h"

namespace mc::execution {

GroupCommitter::GroupCommitter(EventRepository& repository, CommitterOptions options,
                               log::Logger& logger)
    : repository_(repository), options_(options), logger_(logger) {
  for (int i = 0; i < options_.writers; ++i) writers_.emplace_back([this] { WriterLoop(); });
}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Stop() {
  std::vector<std::thread> writers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    writers.swap(writers_);  // a concurrent Stop() finds none left to join
  }
  cv_.notify_all();
  for (std::thread& t : writers) t.join();
}

absl::StatusOr<std::vector<InsertOutcome>> GroupCommitter::Submit(Queue queue,
                                                                  std::vector<NewEvent> events) {
  std::promise<absl::StatusOr<std::vector<InsertOutcome>>> promise;
  auto result = promise.get_future();
  SubmitAsync(queue, std::move(events), [&promise](absl::StatusOr<std::vector<InsertOutcome>> r) {
    promise.set_value(std::move(r));
  });
  return result.get();
}

void GroupCommitter::SubmitAsync(Queue queue, std::vector<NewEvent> events, Done done) {
  if (events.empty()) {
    done(std::vector<InsertOutcome>{});
    return;
  }
  auto request = std::make_unique<Request>();
  request->events = std::move(events);
  request->done = std::move(done);
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) {
      lock.unlock();
      request->done(absl::UnavailableError("execution instance is shutting down"));
      return;
    }
    const int lane = LaneOf(queue);
    pending_rows_[lane] += request->events.size();
    pending_[lane].push_back(std::move(request));
  }
  cv_.notify_one();
}

bool GroupCommitter::Startable(int lane, size_t parallel_min_rows) const {
  return !pending_[lane].empty() &&
         (stopping_ || writing_[lane] == 0 || pending_rows_[lane] >= parallel_min_rows);
}

void GroupCommitter::WriterLoop() {
  const size_t parallel_min_rows = static_cast<size_t>(std::max(options_.parallel_min_rows, 1));
  for (;;) {
    std::vector<std::unique_ptr<Request>> group;
    Queue queue;
    {
      std::unique_lock<std::mutex> lock(mu_);
      const auto startable = [&](int lane) { return Startable(lane, parallel_min_rows); };
      cv_.wait(lock, [&] {
        return startable(0) || startable(1) ||
               (stopping_ && pending_[0].empty() && pending_[1].empty());
      });
      if (!startable(0) && !startable(1)) return;  // stopping, all written
      int lane = next_lane_;
      if (!startable(lane)) lane = 1 - lane;
      next_lane_ = 1 - lane;
      queue = QueueOfLane(lane);
      size_t rows = 0;
      auto& q = pending_[lane];
      while (!q.empty() &&
             (group.empty() || rows + q.front()->events.size() <=
                                   static_cast<size_t>(options_.max_rows_per_commit))) {
        rows += q.front()->events.size();
        group.push_back(std::move(q.front()));
        q.pop_front();
      }
      pending_rows_[lane] -= rows;
      ++writing_[lane];
      if (startable(0) || startable(1)) cv_.notify_one();
    }
    Write(queue, group);
    {
      std::lock_guard<std::mutex> lock(mu_);
      --writing_[LaneOf(queue)];
    }
    cv_.notify_one();  // what gathered meanwhile may go now
  }
}

void GroupCommitter::Write(Queue queue, std::vector<std::unique_ptr<Request>>& group) {
  std::vector<size_t> sizes;
  std::vector<NewEvent> rows;
  if (group.size() == 1) {
    sizes.push_back(group[0]->events.size());
    rows = std::move(group[0]->events);
  } else {
    size_t n = 0;
    for (auto& r : group) n += r->events.size();
    rows.reserve(n);
    for (auto& r : group) {
      sizes.push_back(r->events.size());
      for (NewEvent& e : r->events) rows.push_back(std::move(e));
    }
  }
  absl::StatusOr<std::vector<InsertOutcome>> result = repository_.InsertBatch(queue, rows);
  if (!result.ok() && result.status().code() == absl::StatusCode::kInvalidArgument &&
      group.size() > 1) {
    // PostgreSQL refused a value: write each request on its own so only that one fails.
    logger_.Warn("group commit refused a value; retrying request by request",
                 {{"error", result.status().message()}});
    size_t offset = 0;
    for (size_t i = 0; i < group.size(); ++i) {
      auto slice = absl::MakeConstSpan(rows).subspan(offset, sizes[i]);
      group[i]->done(repository_.InsertBatch(queue, slice));
      offset += sizes[i];
    }
    return;
  }
  if (!result.ok()) {
    for (auto& r : group) r->done(result.status());
    return;
  }
  size_t offset = 0;
  for (size_t i = 0; i < group.size(); ++i) {
    group[i]->done(
        std::vector<InsertOutcome>(result->begin() + offset, result->begin() + offset + sizes[i]));
    offset += sizes[i];
  }
}

}  // namespace mc::execution
