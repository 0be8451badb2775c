#include "control-service/archive_search/search_token_key_repository.h"

#include "common/pg/singleton_key.h"
#include "control-service/archive_search/search_token.h"

namespace mc::control {
namespace {

const pg::SingletonKey kKey("search_token_key", SearchTokenCodec::kKeySize);

}  // namespace

SearchTokenKeyRepository::SearchTokenKeyRepository(pg::ConnectionPool& pool) : pool_(pool) {
  kKey.Prepare(pool_);
}

absl::StatusOr<std::string> SearchTokenKeyRepository::LoadOrCreate() {
  return kKey.LoadOrCreate(pool_);
}

}  // namespace mc::control
