#include "common/pg/transaction.h"

#include "absl/strings/str_cat.h"

namespace mc::pg {
namespace {

std::unique_ptr<pqxx::transaction_base> Begin(pqxx::connection& c, TxMode mode) {
  switch (mode) {
    case TxMode::kAutocommit:
      return std::make_unique<pqxx::nontransaction>(c);
    case TxMode::kReadOnly:
      return std::make_unique<pqxx::read_transaction>(c);
    case TxMode::kReadWrite:
      break;
  }
  return std::make_unique<pqxx::work>(c);
}

}  // namespace

Transaction::Transaction(pqxx::connection& connection, TxMode mode)
    : tx_(Begin(connection, mode)) {}

Transaction::~Transaction() = default;

void Transaction::SetLocal(absl::string_view setting) {
  tx_->exec0(absl::StrCat("SET LOCAL ", setting));
}

void Transaction::Commit() { tx_->commit(); }

}  // namespace mc::pg
