#include "execution-service/delivery/attachment_cache.h"

#include <catch2/catch.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace mc::execution {
namespace {

// A source answering from memory: "<url>" -> its bytes; counts the fetches, remembers the
// requests, fails when told, and can hold every fetch until released.
class FakeSource final : public AttachmentSource {
 public:
  absl::StatusOr<Attachment> Fetch(const std::string& url,
                                   const AttachmentRequest& request) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++fetches_;
    requests_.push_back(request);
    cv_.notify_all();
    cv_.wait(lock, [&] { return !hold_; });
    if (!failure_.ok()) return failure_;
    return Attachment{url + ".bin", "application/octet-stream", contents_[url]};
  }

  void Set(const std::string& url, std::string content) {
    std::lock_guard<std::mutex> lock(mu_);
    contents_[url] = std::move(content);
  }
  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
  }
  void Hold(bool hold) {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = hold;
    cv_.notify_all();
  }
  void WaitForFetches(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return fetches_ >= n; });
  }
  int fetches() {
    std::lock_guard<std::mutex> lock(mu_);
    return fetches_;
  }
  std::vector<AttachmentRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> contents_;
  absl::Status failure_;
  bool hold_ = false;
  int fetches_ = 0;
  std::vector<AttachmentRequest> requests_;
};

struct Fixture {
  explicit Fixture(size_t max_bytes = 1000) {
    auto owned = std::make_unique<FakeSource>();
    source = owned.get();
    cache = std::make_unique<AttachmentCache>(std::move(owned), max_bytes);
  }
  FakeSource* source;
  std::unique_ptr<AttachmentCache> cache;
};

TEST_CASE("attachment cache: one fetch per (publication, url); overrides on the way out") {
  Fixture f;
  f.source->Set("https://a.test/x.pdf", "PDF");
  absl::StatusOr<Attachment> first =
      f.cache->Fetch("https://a.test/x.pdf", {.cache_key = "tpl-1/3", .filename = "Invoice.pdf"});
  REQUIRE(first.ok());
  CHECK(first->filename == "Invoice.pdf");
  CHECK(first->content == "PDF");
  absl::StatusOr<Attachment> second =
      f.cache->Fetch("https://a.test/x.pdf", {.cache_key = "tpl-1/3", .content_type = "a/b"});
  REQUIRE(second.ok());
  CHECK(second->filename == "https://a.test/x.pdf.bin");  // the kept copy has no override
  CHECK(second->content_type == "a/b");
  CHECK(second->content == "PDF");
  CHECK(f.source->fetches() == 1);
  REQUIRE(f.source->requests().size() == 1);
  CHECK(f.source->requests()[0].cache_key == "tpl-1/3");
  CHECK(f.source->requests()[0].filename.empty());
  CHECK(f.source->requests()[0].content_type.empty());
  CHECK(f.cache->entries() == 1);
  CHECK(f.cache->bytes() == 3);

  // A new publication fetches afresh; no cache key, never kept.
  REQUIRE(f.cache->Fetch("https://a.test/x.pdf", {.cache_key = "tpl-1/4"}).ok());
  CHECK(f.source->fetches() == 2);
  REQUIRE(f.cache->Fetch("https://a.test/x.pdf", {}).ok());
  REQUIRE(f.cache->Fetch("https://a.test/x.pdf", {}).ok());
  CHECK(f.source->fetches() == 4);
  CHECK(f.cache->entries() == 2);
}

TEST_CASE("attachment cache: failures are not kept") {
  Fixture f;
  f.source->Fail(absl::UnavailableError("attachment https://a.test/x: the server answered 503"));
  absl::StatusOr<Attachment> a = f.cache->Fetch("https://a.test/x", {.cache_key = "p"});
  CHECK(a.status().code() == absl::StatusCode::kUnavailable);
  f.source->Fail(absl::OkStatus());
  f.source->Set("https://a.test/x", "ok");
  a = f.cache->Fetch("https://a.test/x", {.cache_key = "p"});
  REQUIRE(a.ok());
  CHECK(a->content == "ok");
  CHECK(f.source->fetches() == 2);
  REQUIRE(f.cache->Fetch("https://a.test/x", {.cache_key = "p"}).ok());
  CHECK(f.source->fetches() == 2);
}

TEST_CASE("attachment cache: bounded in bytes, least recently used out first") {
  Fixture f(100);
  for (const char* url : {"u1", "u2", "u3"}) f.source->Set(url, std::string(40, 'x'));
  f.source->Set("big", std::string(101, 'x'));
  REQUIRE(f.cache->Fetch("u1", {.cache_key = "p"}).ok());
  REQUIRE(f.cache->Fetch("u2", {.cache_key = "p"}).ok());
  REQUIRE(f.cache->Fetch("u1", {.cache_key = "p"}).ok());  // u2 is now the least recent
  REQUIRE(f.cache->Fetch("u3", {.cache_key = "p"}).ok());  // 120 bytes: u2 goes
  CHECK(f.cache->entries() == 2);
  CHECK(f.cache->bytes() == 80);
  CHECK(f.source->fetches() == 3);
  REQUIRE(f.cache->Fetch("u1", {.cache_key = "p"}).ok());
  REQUIRE(f.cache->Fetch("u3", {.cache_key = "p"}).ok());
  CHECK(f.source->fetches() == 3);
  REQUIRE(f.cache->Fetch("u2", {.cache_key = "p"}).ok());
  CHECK(f.source->fetches() == 4);

  // Larger than the whole bound: passed on, nothing evicted for it.
  absl::StatusOr<Attachment> big = f.cache->Fetch("big", {.cache_key = "p"});
  REQUIRE(big.ok());
  CHECK(big->content.size() == 101);
  CHECK(f.cache->entries() == 2);
  CHECK(f.cache->bytes() == 80);
  REQUIRE(f.cache->Fetch("big", {.cache_key = "p"}).ok());
  CHECK(f.source->fetches() == 6);
}

TEST_CASE("attachment cache: concurrent fetches of one key wait for the first") {
  Fixture f;
  f.source->Set("u", "shared");
  f.source->Hold(true);
  std::vector<std::thread> threads;
  std::vector<std::string> got(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<Attachment> a =
          f.cache->Fetch("u", {.cache_key = "p", .filename = "n" + std::to_string(i)});
      if (a.ok()) got[i] = a->filename + ":" + a->content;
    });
  }
  f.source->WaitForFetches(1);
  f.source->Hold(false);
  for (std::thread& t : threads) t.join();
  CHECK(f.source->fetches() == 1);
  for (int i = 0; i < 8; ++i) CHECK(got[i] == "n" + std::to_string(i) + ":shared");
}

}  // namespace
}  // namespace mc::execution
