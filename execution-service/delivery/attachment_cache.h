// AttachmentCache: an AttachmentSource in front of another (CurlAttachmentFetcher) that keeps
// what it fetched, one copy per (request.cache_key, url), so a publication's attachment is
// fetched once per process however many messages carry it; a new publication (a new
// cache_key) fetches afresh, and its predecessor's copies age out.
//  - At most `max_bytes` of content in all: the least recently used copies leave first; an
//    attachment larger than the bound is passed on, not kept.
//  - Concurrent fetches of one key wait for the first: one fetch, whose outcome they all get.
//  - Failures are not kept: the next call fetches again (a soft failure's event is retried).
//  - An empty cache_key is never cached.
//  - The request's filename and content_type apply to what the cache returns, not to what it
//    keeps (the inner source is asked without them).
// Failure modes: the inner source's. Thread-safe when the inner source is.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "execution-service/delivery/attachment_fetcher.h"

namespace mc::execution {

class AttachmentCache final : public AttachmentSource {
 public:
  AttachmentCache(std::unique_ptr<AttachmentSource> inner, size_t max_bytes);

  [[nodiscard]] absl::StatusOr<Attachment> Fetch(const std::string& url,
                                                 const AttachmentRequest& request) override;

  size_t bytes() const;    // content kept
  size_t entries() const;  // copies kept

 private:
  using Key = std::pair<std::string, std::string>;  // cache_key, url
  struct Entry {
    Key key;
    Attachment attachment;
  };
  struct Flight {
    bool done = false;
    absl::StatusOr<Attachment> result;
  };

  // Keeps a copy (the mutex held), evicting from the least recently used end.
  void Insert(const Key& key, const Attachment& attachment);

  const std::unique_ptr<AttachmentSource> inner_;
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::condition_variable landed_;
  std::list<Entry> lru_;  // most recently used first
  std::map<Key, std::list<Entry>::iterator> index_;
  std::map<Key, std::shared_ptr<Flight>> flights_;
  size_t bytes_ = 0;
};

}  // namespace mc::execution
