#include "execution-service/events/page_token_key_repository.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "execution-service/events/page_token.h"

namespace mc::execution {

// Hex on the wire both ways, so no bytea escaping is involved.
PageTokenKeyRepository::PageTokenKeyRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("page_token_key_insert",
                "INSERT INTO page_token_key (key) VALUES (decode($1, 'hex')) "
                "ON CONFLICT (singleton) DO NOTHING");
  pool_.Prepare("page_token_key_get", "SELECT encode(key, 'hex') FROM page_token_key");
}

absl::StatusOr<std::string> PageTokenKeyRepository::LoadOrCreate() {
  unsigned char fresh[PageTokenCodec::kKeySize];
  if (RAND_bytes(fresh, sizeof fresh) != 1) {
    return absl::InternalError("page token key: the random generator failed");
  }
  std::string fresh_hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(fresh), sizeof fresh));
  OPENSSL_cleanse(fresh, sizeof fresh);
  std::string stored_hex;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    // Two statements: under READ COMMITTED the SELECT takes a new snapshot, so it sees the row a
    // concurrent replica committed while this INSERT waited on it.
    pqxx::work tx(c);
    tx.exec_prepared("page_token_key_insert", fresh_hex);
    pqxx::result r = tx.exec_prepared("page_token_key_get");
    if (r.size() != 1) return absl::InternalError("page_token_key has no row");
    stored_hex = r[0][0].as<std::string>();
    tx.commit();
    return absl::OkStatus();
  });
  OPENSSL_cleanse(fresh_hex.data(), fresh_hex.size());
  if (!s.ok()) return s;
  std::string key = absl::HexStringToBytes(stored_hex);
  OPENSSL_cleanse(stored_hex.data(), stored_hex.size());
  if (key.size() != PageTokenCodec::kKeySize) {
    return absl::InternalError("page_token_key: the stored key is malformed");
  }
  return key;
}

}  // namespace mc::execution
