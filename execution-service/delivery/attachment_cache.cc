#include "execution-service/delivery/attachment_cache.h"

namespace mc::execution {
namespace {

absl::StatusOr<Attachment> WithOverrides(absl::StatusOr<Attachment> fetched,
                                         const AttachmentRequest& request) {
  if (!fetched.ok()) return fetched;
  if (!request.filename.empty()) fetched->filename = request.filename;
  if (!request.content_type.empty()) fetched->content_type = request.content_type;
  return fetched;
}

}  // namespace

AttachmentCache::AttachmentCache(std::unique_ptr<AttachmentSource> inner, size_t max_bytes)
    : inner_(std::move(inner)), max_bytes_(max_bytes) {}

size_t AttachmentCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t AttachmentCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

absl::StatusOr<Attachment> AttachmentCache::Fetch(const std::string& url,
                                                  const AttachmentRequest& request) {
  if (request.cache_key.empty()) return inner_->Fetch(url, request);
  const Key key(request.cache_key, url);
  std::shared_ptr<Flight> flight;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (auto hit = index_.find(key); hit != index_.end()) {
      lru_.splice(lru_.begin(), lru_, hit->second);
      return WithOverrides(hit->second->attachment, request);
    }
    if (auto pending = flights_.find(key); pending != flights_.end()) {
      flight = pending->second;
      landed_.wait(lock, [&] { return flight->done; });
      return WithOverrides(flight->result, request);
    }
    flight = std::make_shared<Flight>();
    flights_.emplace(key, flight);
  }
  absl::StatusOr<Attachment> fetched =
      inner_->Fetch(url, AttachmentRequest{.cache_key = request.cache_key});
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fetched.ok()) Insert(key, *fetched);
    flight->result = fetched;
    flight->done = true;
    flights_.erase(key);
  }
  landed_.notify_all();
  return WithOverrides(std::move(fetched), request);
}

void AttachmentCache::Insert(const Key& key, const Attachment& attachment) {
  const size_t size = attachment.content.size();
  if (size > max_bytes_ || index_.count(key) > 0) return;
  while (bytes_ + size > max_bytes_ && !lru_.empty()) {
    bytes_ -= lru_.back().attachment.content.size();
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(Entry{key, attachment});
  index_.emplace(key, lru_.begin());
  bytes_ += size;
}

}  // namespace mc::execution
