#include "control-service/archive_search/search_token_key_repository.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "common/pg/execute.h"
#include "control-service/archive_search/search_token.h"

namespace mc::control {
namespace {

// Hex on the wire both ways, so no bytea escaping is involved.
const pg::Statement kInsert("search_token_key_insert",
                            "INSERT INTO search_token_key (key) VALUES (decode($1, 'hex')) "
                            "ON CONFLICT (singleton) DO NOTHING");
const pg::Query<std::string> kGet("search_token_key_get",
                                  "SELECT encode(key, 'hex') FROM search_token_key");

}  // namespace

SearchTokenKeyRepository::SearchTokenKeyRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kGet);
}

absl::StatusOr<std::string> SearchTokenKeyRepository::LoadOrCreate() {
  unsigned char fresh[SearchTokenCodec::kKeySize];
  if (RAND_bytes(fresh, sizeof fresh) != 1) {
    return absl::InternalError("search token key: the random generator failed");
  }
  std::string fresh_hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(fresh), sizeof fresh));
  OPENSSL_cleanse(fresh, sizeof fresh);
  absl::StatusOr<std::string> stored_hex =
      pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::StatusOr<std::string> {
        // Two statements: under READ COMMITTED the SELECT takes a new snapshot, so it sees the
        // row a concurrent replica committed while this INSERT waited on it.
        tx.Execute(kInsert, fresh_hex);
        std::vector<std::string> rows = tx.FetchAll(kGet);
        if (rows.size() != 1) return absl::InternalError("search_token_key has no row");
        return std::move(rows[0]);
      });
  OPENSSL_cleanse(fresh_hex.data(), fresh_hex.size());
  if (!stored_hex.ok()) return stored_hex.status();
  std::string key = absl::HexStringToBytes(*stored_hex);
  OPENSSL_cleanse(stored_hex->data(), stored_hex->size());
  if (key.size() != SearchTokenCodec::kKeySize) {
    return absl::InternalError("search_token_key: the stored key is malformed");
  }
  return key;
}

}  // namespace mc::control
