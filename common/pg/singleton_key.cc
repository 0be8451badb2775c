#include "common/pg/singleton_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/pg/execute.h"

namespace mc::pg {

// Hex on the wire both ways, so no bytea escaping is involved.
SingletonKey::SingletonKey(absl::string_view table, size_t size)
    : table_(table),
      size_(size),
      insert_(absl::StrCat(table, "_insert"),
              absl::StrCat("INSERT INTO ", table,
                           " (key) VALUES (decode($1, 'hex')) ON CONFLICT (singleton) DO NOTHING")),
      get_(absl::StrCat(table, "_get"), absl::StrCat("SELECT encode(key, 'hex') FROM ", table)) {}

void SingletonKey::Prepare(ConnectionPool& pool) const { pg::Prepare(pool, insert_, get_); }

absl::StatusOr<std::string> SingletonKey::LoadOrCreate(ConnectionPool& pool) const {
  std::string fresh(size_, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(fresh.data()), static_cast<int>(size_)) != 1) {
    return absl::InternalError(absl::StrCat(table_, ": the random generator failed"));
  }
  std::string fresh_hex = absl::BytesToHexString(fresh);
  OPENSSL_cleanse(fresh.data(), fresh.size());
  absl::StatusOr<std::string> stored_hex =
      Transact(pool, ReadWrite(), [&](Transaction& tx) -> absl::StatusOr<std::string> {
        // Two statements: under READ COMMITTED the SELECT takes a new snapshot, so it sees the
        // row a concurrent replica committed while this INSERT waited on it.
        tx.Execute(insert_, fresh_hex);
        std::vector<std::string> rows = tx.FetchAll(get_);
        if (rows.size() != 1) return absl::InternalError(absl::StrCat(table_, " has no row"));
        return std::move(rows[0]);
      });
  OPENSSL_cleanse(fresh_hex.data(), fresh_hex.size());
  if (!stored_hex.ok()) return stored_hex.status();
  std::string key = absl::HexStringToBytes(*stored_hex);
  OPENSSL_cleanse(stored_hex->data(), stored_hex->size());
  if (key.size() != size_) {
    OPENSSL_cleanse(key.data(), key.size());
    return absl::InternalError(absl::StrCat(table_, ": the stored key is malformed"));
  }
  return key;
}

}  // namespace mc::pg
