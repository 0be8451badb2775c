#include "control-service/templates/block_repository.h"

#include "absl/strings/str_cat.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

constexpr char kColumns[] =
    "name, label, content, version, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us";

Block FromRow(const pg::Row& r) {
  return Block{.name = r.Get<std::string>("name"),
               .label = r.Get<std::string>("label"),
               .content = r.Get<std::string>("content"),
               .version = r.Get<int>("version"),
               .updated = r.Micros("updated_us")};
}

const pg::Query<Block> kInsert(
    "blocks_insert",
    absl::StrCat("INSERT INTO blocks (name, label, content) VALUES ($1, $2, $3) RETURNING ",
                 kColumns),
    FromRow);
const pg::Query<Block> kUpdate("blocks_update",
                               absl::StrCat("UPDATE blocks SET label = $2, content = $3, "
                                            "version = version + 1, updated_at = now() "
                                            "WHERE name = $1 RETURNING ",
                                            kColumns),
                               FromRow);
const pg::Query<Block> kGet("blocks_get",
                            absl::StrCat("SELECT ", kColumns, " FROM blocks WHERE name = $1"),
                            FromRow);
const pg::Query<Block> kList("blocks_list",
                             absl::StrCat("SELECT ", kColumns, " FROM blocks ORDER BY name"),
                             FromRow);
const pg::Statement kDelete("blocks_delete", "DELETE FROM blocks WHERE name = $1");

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no block named '", name, "'"));
}

pg::TxOptions OnBlock(const std::string& name) {
  return pg::ReadWrite()
      .IfNone(NotFound(name))
      .OnUniqueViolation(
          absl::AlreadyExistsError(absl::StrCat("a block named '", name, "' already exists")));
}

}  // namespace

BlockRepository::BlockRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kUpdate, kGet, kList, kDelete);
}

absl::StatusOr<Block> BlockRepository::Create(const Block& b) {
  return pg::FetchOne(pool_, kInsert, OnBlock(b.name), b.name, b.label, b.content);
}

absl::StatusOr<Block> BlockRepository::Update(const Block& b) {
  return pg::FetchOne(pool_, kUpdate, OnBlock(b.name), b.name, b.label, b.content);
}

absl::StatusOr<Block> BlockRepository::Get(const std::string& name) {
  return pg::FetchOne(pool_, kGet, pg::ReadOnly().IfNone(NotFound(name)), name);
}

absl::StatusOr<std::vector<Block>> BlockRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::Status BlockRepository::Delete(const std::string& name) {
  absl::StatusOr<int64_t> n = pg::Execute(pool_, kDelete, pg::ReadWrite(), name);
  if (!n.ok()) return n.status();
  return *n == 0 ? NotFound(name) : absl::OkStatus();
}

}  // namespace mc::control
