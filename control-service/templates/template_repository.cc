#include "control-service/templates/template_repository.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/personalisation/template_json.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

// published_blocks: those of the version last published (none before the first).
constexpr char kColumns[] =
    "internal_name, label, event_type, channel, subject, html_body, text_body, sms_text, "
    "extras::text AS extras, seeds::text AS seeds, status, version, "
    "(extract(epoch FROM published_at) * 1000000)::bigint AS published_us, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint AS updated_us, "
    "(SELECT coalesce(jsonb_agg(jsonb_build_object('name', b.block, 'version', b.block_version) "
    "ORDER BY b.block), '[]') FROM publication_blocks b "
    "WHERE b.template = templates.internal_name AND b.version = templates.version)::text "
    "AS published_blocks";

constexpr char kInsertSql[] =
    "INSERT INTO templates (internal_name, label, event_type, channel, subject, html_body, "
    "text_body, sms_text, seeds, extras) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb) RETURNING {C}";
constexpr char kUpdateSql[] =
    "UPDATE templates SET label = $2, event_type = $3, channel = $4, subject = $5, "
    "html_body = $6, text_body = $7, sms_text = $8, seeds = $9::jsonb, extras = $10::jsonb, "
    "updated_at = now() WHERE internal_name = $1 RETURNING {C}";
constexpr char kGetSql[] = "SELECT {C} FROM templates WHERE internal_name = $1";
constexpr char kListSql[] = "SELECT {C} FROM templates ORDER BY internal_name";
// Only a template being edited may go; the second statement tells why not.
constexpr char kDeleteSql[] = "DELETE FROM templates WHERE internal_name = $1 AND status = 0";
constexpr char kExistsSql[] = "SELECT status FROM templates WHERE internal_name = $1";
constexpr char kRecordOutcomeSql[] =
    "INSERT INTO publications (template, version, account, code, message) "
    "SELECT $1, $2, a, c, m FROM unnest($3::text[], $4::int[], $5::text[]) AS u(a, c, m) "
    "ON CONFLICT (template, version, account) DO UPDATE SET code = excluded.code, "
    "message = excluded.message, published_at = now()";
// The blocks of (template, version): those of an earlier try of the version replaced.
constexpr char kClearBlocksSql[] =
    "DELETE FROM publication_blocks WHERE template = $1 AND version = $2";
constexpr char kRecordBlocksSql[] =
    "INSERT INTO publication_blocks (template, version, block, block_version) "
    "SELECT $1, $2, b, v FROM unnest($3::text[], $4::int[]) AS u(b, v)";
constexpr char kMarkPublishedSql[] =
    "UPDATE templates SET status = CASE WHEN $2 THEN 1 ELSE status END, "
    "version = CASE WHEN $2 THEN $3 ELSE version END, "
    "published_at = CASE WHEN $2 THEN now() ELSE published_at END "
    "WHERE internal_name = $1 RETURNING {C}";
constexpr char kMarkUnpublishedSql[] =
    "UPDATE templates SET status = 0, updated_at = now() WHERE internal_name = $1 RETURNING {C}";

std::string WithColumns(std::string sql) {
  const size_t at = sql.find("{C}");
  if (at != std::string::npos) sql.replace(at, 3, kColumns);
  return sql;
}

std::string SeedsJson(const std::vector<Seed>& seeds) {
  nlohmann::json a = nlohmann::json::array();
  for (const Seed& s : seeds) {
    nlohmann::json seed = {{"address", s.address}, {"ctx", nlohmann::json::parse(s.ctx_json)}};
    if (!s.language.empty()) seed["language"] = s.language;
    if (!s.country.empty()) seed["country"] = s.country;
    a.push_back(std::move(seed));
  }
  return a.dump();
}

// The JSON of `extras` (migration 0008).
std::string ExtrasJson(const AuthoredTemplate& t) {
  return nlohmann::json{{"default_language", t.default_language},
                        {"variants", t.variants},
                        {"sender", t.sender},
                        {"attachments", t.attachments}}
      .dump();
}

void ReadExtras(const nlohmann::json& j, AuthoredTemplate& t) {
  t.default_language = j.value("default_language", "");
  t.variants = j.value("variants", std::vector<personalisation::TemplateVariant>{});
  t.sender = j.value("sender", personalisation::TemplateSender{});
  t.attachments = j.value("attachments", std::vector<personalisation::TemplateAttachment>{});
}

AuthoredTemplate FromRow(const pg::Row& r) {
  AuthoredTemplate t;
  t.internal_name = r.Get<std::string>("internal_name");
  t.label = r.Get<std::string>("label");
  t.event_type = r.Get<std::string>("event_type");
  t.channel = r.Get<int>("channel");
  t.subject = r.Get<std::string>("subject");
  t.html_body = r.Get<std::string>("html_body");
  t.text_body = r.Get<std::string>("text_body");
  t.sms_text = r.Get<std::string>("sms_text");
  ReadExtras(nlohmann::json::parse(r.Get<std::string>("extras")), t);
  for (const nlohmann::json& s : nlohmann::json::parse(r.Get<std::string>("seeds"))) {
    t.seeds.push_back({.address = s.value("address", ""),
                       .ctx_json = s.value("ctx", nlohmann::json::object()).dump(),
                       .language = s.value("language", ""),
                       .country = s.value("country", "")});
  }
  t.status = static_cast<TemplateStatus>(r.Get<int>("status"));
  t.version = r.Get<int>("version");
  t.published = r.OptionalMicros("published_us");
  t.updated = r.Micros("updated_us");
  t.published_blocks = nlohmann::json::parse(r.Get<std::string>("published_blocks"))
                           .get<std::vector<personalisation::IncludedBlock>>();
  return t;
}

const pg::Query<AuthoredTemplate> kInsert("templates_insert", WithColumns(kInsertSql), FromRow);
const pg::Query<AuthoredTemplate> kUpdate("templates_update", WithColumns(kUpdateSql), FromRow);
const pg::Query<AuthoredTemplate> kGet("templates_get", WithColumns(kGetSql), FromRow);
const pg::Query<AuthoredTemplate> kList("templates_list", WithColumns(kListSql), FromRow);
const pg::Statement kDelete("templates_delete", kDeleteSql);
const pg::Query<int> kExists("templates_exists", kExistsSql);
const pg::Statement kRecordOutcome("templates_record_outcome", kRecordOutcomeSql);
const pg::Statement kClearBlocks("templates_clear_blocks", kClearBlocksSql);
const pg::Statement kRecordBlocks("templates_record_blocks", kRecordBlocksSql);
const pg::Query<AuthoredTemplate> kMarkPublished("templates_mark_published",
                                                 WithColumns(kMarkPublishedSql), FromRow);
const pg::Query<AuthoredTemplate> kMarkUnpublished("templates_mark_unpublished",
                                                   WithColumns(kMarkUnpublishedSql), FromRow);

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no template named '", name, "'"));
}

// A statement on one template, in its own transaction: NOT_FOUND naming it when no row.
pg::TxOptions OnTemplate(const std::string& name) {
  return pg::ReadWrite()
      .IfNone(NotFound(name))
      .OnUniqueViolation(
          absl::AlreadyExistsError(absl::StrCat("a template named '", name, "' already exists")));
}

}  // namespace

TemplateRepository::TemplateRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kInsert, kUpdate, kGet, kList, kDelete, kExists, kRecordOutcome, kClearBlocks,
              kRecordBlocks, kMarkPublished, kMarkUnpublished);
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Create(const AuthoredTemplate& t) {
  return pg::FetchOne(pool_, kInsert, OnTemplate(t.internal_name), t.internal_name, t.label,
                      t.event_type, t.channel, t.subject, t.html_body, t.text_body, t.sms_text,
                      SeedsJson(t.seeds), ExtrasJson(t));
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Update(const AuthoredTemplate& t) {
  return pg::FetchOne(pool_, kUpdate, OnTemplate(t.internal_name), t.internal_name, t.label,
                      t.event_type, t.channel, t.subject, t.html_body, t.text_body, t.sms_text,
                      SeedsJson(t.seeds), ExtrasJson(t));
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Get(const std::string& name) {
  return pg::FetchOne(pool_, kGet, OnTemplate(name), name);
}

absl::StatusOr<std::vector<AuthoredTemplate>> TemplateRepository::List() {
  return pg::FetchAll(pool_, kList, pg::ReadOnly());
}

absl::Status TemplateRepository::Delete(const std::string& name) {
  return pg::Transact(pool_, pg::ReadWrite(), [&](pg::Transaction& tx) -> absl::Status {
    if (tx.Execute(kDelete, name) > 0) return absl::OkStatus();
    if (!tx.FetchOptional(kExists, name)) return NotFound(name);
    return absl::FailedPreconditionError(
        absl::StrCat("template '", name, "' is published: unpublish it before deleting it"));
  });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::RecordPublication(
    const std::string& name, int version, const std::vector<InstanceOutcome>& outcomes,
    const std::vector<personalisation::IncludedBlock>& blocks, bool published) {
  pg::TextArray accounts, messages, block_names;
  pg::IntArray codes, block_versions;
  for (const InstanceOutcome& o : outcomes) {
    accounts.Add(o.account);
    messages.Add(o.message);
    codes.Add(o.code);
  }
  for (const personalisation::IncludedBlock& b : blocks) {
    block_names.Add(b.name);
    block_versions.Add(b.version);
  }
  return pg::Transact(
      pool_, OnTemplate(name), [&](pg::Transaction& tx) -> absl::StatusOr<AuthoredTemplate> {
        tx.Execute(kRecordOutcome, name, version, accounts.Finish(), codes.Finish(),
                   messages.Finish());
        tx.Execute(kClearBlocks, name, version);
        tx.Execute(kRecordBlocks, name, version, block_names.Finish(), block_versions.Finish());
        std::optional<AuthoredTemplate> t =
            tx.FetchOptional(kMarkPublished, name, published, version);
        if (!t) return NotFound(name);
        return *std::move(t);
      });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::MarkUnpublished(const std::string& name) {
  return pg::FetchOne(pool_, kMarkUnpublished, OnTemplate(name), name);
}

}  // namespace mc::control
