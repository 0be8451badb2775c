#include "execution-service/events/page_token_key_repository.h"

#include "common/pg/singleton_key.h"
#include "execution-service/events/page_token.h"

namespace mc::execution {
namespace {

const pg::SingletonKey kKey("page_token_key", PageTokenCodec::kKeySize);

}  // namespace

PageTokenKeyRepository::PageTokenKeyRepository(pg::ConnectionPool& pool) : pool_(pool) {
  kKey.Prepare(pool_);
}

absl::StatusOr<std::string> PageTokenKeyRepository::LoadOrCreate() {
  return kKey.LoadOrCreate(pool_);
}

}  // namespace mc::execution
