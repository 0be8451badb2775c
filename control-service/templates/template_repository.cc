#include "control-service/templates/template_repository.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/pg/array_literal.h"

namespace mc::control {
namespace {

constexpr char kColumns[] =
    "internal_name, label, event_type, channel, subject, html_body, text_body, sms_text, "
    "seeds::text, status, version, (extract(epoch FROM published_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint";

constexpr char kInsert[] =
    "INSERT INTO templates (internal_name, label, event_type, channel, subject, html_body, "
    "text_body, sms_text, seeds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING {C}";
constexpr char kUpdate[] =
    "UPDATE templates SET label = $2, event_type = $3, channel = $4, subject = $5, "
    "html_body = $6, text_body = $7, sms_text = $8, seeds = $9::jsonb, updated_at = now() "
    "WHERE internal_name = $1 RETURNING {C}";
constexpr char kGet[] = "SELECT {C} FROM templates WHERE internal_name = $1";
constexpr char kList[] = "SELECT {C} FROM templates ORDER BY internal_name";
// Only a template being edited may go; the second statement tells why not.
constexpr char kDelete[] = "DELETE FROM templates WHERE internal_name = $1 AND status = 0";
constexpr char kExists[] = "SELECT status FROM templates WHERE internal_name = $1";
constexpr char kRecordOutcome[] =
    "INSERT INTO publications (template, version, account, code, message) "
    "SELECT $1, $2, a, c, m FROM unnest($3::text[], $4::int[], $5::text[]) AS u(a, c, m) "
    "ON CONFLICT (template, version, account) DO UPDATE SET code = excluded.code, "
    "message = excluded.message, published_at = now()";
constexpr char kMarkPublished[] =
    "UPDATE templates SET status = CASE WHEN $2 THEN 1 ELSE status END, "
    "version = CASE WHEN $2 THEN $3 ELSE version END, "
    "published_at = CASE WHEN $2 THEN now() ELSE published_at END "
    "WHERE internal_name = $1 RETURNING {C}";
constexpr char kMarkUnpublished[] =
    "UPDATE templates SET status = 0, updated_at = now() WHERE internal_name = $1 RETURNING {C}";

std::string WithColumns(std::string sql) {
  const size_t at = sql.find("{C}");
  if (at != std::string::npos) sql.replace(at, 3, kColumns);
  return sql;
}

std::string SeedsJson(const std::vector<Seed>& seeds) {
  nlohmann::json a = nlohmann::json::array();
  for (const Seed& s : seeds) {
    a.push_back({{"address", s.address}, {"ctx", nlohmann::json::parse(s.ctx_json)}});
  }
  return a.dump();
}

AuthoredTemplate FromRow(const pqxx::row& r) {
  AuthoredTemplate t;
  t.internal_name = r[0].as<std::string>();
  t.label = r[1].as<std::string>();
  t.event_type = r[2].as<std::string>();
  t.channel = r[3].as<int>();
  t.subject = r[4].as<std::string>();
  t.html_body = r[5].as<std::string>();
  t.text_body = r[6].as<std::string>();
  t.sms_text = r[7].as<std::string>();
  for (const nlohmann::json& s : nlohmann::json::parse(r[8].as<std::string>())) {
    t.seeds.push_back({.address = s.value("address", ""),
                       .ctx_json = s.value("ctx", nlohmann::json::object()).dump()});
  }
  t.status = static_cast<TemplateStatus>(r[9].as<int>());
  t.version = r[10].as<int>();
  if (!r[11].is_null()) t.published = absl::FromUnixMicros(r[11].as<int64_t>());
  t.updated = absl::FromUnixMicros(r[12].as<int64_t>());
  return t;
}

absl::Status NotFound(const std::string& name) {
  return absl::NotFoundError(absl::StrCat("no template named '", name, "'"));
}

}  // namespace

TemplateRepository::TemplateRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("templates_insert", WithColumns(kInsert));
  pool_.Prepare("templates_update", WithColumns(kUpdate));
  pool_.Prepare("templates_get", WithColumns(kGet));
  pool_.Prepare("templates_list", WithColumns(kList));
  pool_.Prepare("templates_delete", kDelete);
  pool_.Prepare("templates_exists", kExists);
  pool_.Prepare("templates_record_outcome", kRecordOutcome);
  pool_.Prepare("templates_mark_published", WithColumns(kMarkPublished));
  pool_.Prepare("templates_mark_unpublished", WithColumns(kMarkUnpublished));
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::One(
    const std::string& name, const std::function<pqxx::result(pqxx::work&)>& exec) {
  std::optional<AuthoredTemplate> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) -> absl::Status {
    out.reset();
    pqxx::work tx(c);
    pqxx::result r;
    try {
      r = exec(tx);
    } catch (const pqxx::unique_violation&) {
      return absl::AlreadyExistsError(absl::StrCat("a template named '", name, "' already exists"));
    }
    if (!r.empty()) out = FromRow(r[0]);
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return NotFound(name);
  return *out;
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Create(const AuthoredTemplate& t) {
  const std::string seeds = SeedsJson(t.seeds);
  return One(t.internal_name, [&](pqxx::work& tx) {
    return tx.exec_prepared("templates_insert", t.internal_name, t.label, t.event_type, t.channel,
                            t.subject, t.html_body, t.text_body, t.sms_text, seeds);
  });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Update(const AuthoredTemplate& t) {
  const std::string seeds = SeedsJson(t.seeds);
  return One(t.internal_name, [&](pqxx::work& tx) {
    return tx.exec_prepared("templates_update", t.internal_name, t.label, t.event_type, t.channel,
                            t.subject, t.html_body, t.text_body, t.sms_text, seeds);
  });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::Get(const std::string& name) {
  return One(name, [&](pqxx::work& tx) { return tx.exec_prepared("templates_get", name); });
}

absl::StatusOr<std::vector<AuthoredTemplate>> TemplateRepository::List() {
  std::vector<AuthoredTemplate> out;
  absl::Status s = pool_.Run([&](pqxx::connection& c) {
    out.clear();
    pqxx::read_transaction tx(c);
    for (const pqxx::row& r : tx.exec_prepared("templates_list")) out.push_back(FromRow(r));
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::Status TemplateRepository::Delete(const std::string& name) {
  return pool_.Run([&](pqxx::connection& c) -> absl::Status {
    pqxx::work tx(c);
    if (tx.exec_prepared("templates_delete", name).affected_rows() == 0) {
      pqxx::result r = tx.exec_prepared("templates_exists", name);
      if (r.empty()) return NotFound(name);
      return absl::FailedPreconditionError(
          absl::StrCat("template '", name, "' is published: unpublish it before deleting it"));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::RecordPublication(
    const std::string& name, int version, const std::vector<InstanceOutcome>& outcomes,
    bool published) {
  pg::TextArray accounts, messages;
  pg::IntArray codes;
  for (const InstanceOutcome& o : outcomes) {
    accounts.Add(o.account);
    messages.Add(o.message);
    codes.Add(o.code);
  }
  return One(name, [&](pqxx::work& tx) {
    tx.exec_prepared("templates_record_outcome", name, version, accounts.Finish(), codes.Finish(),
                     messages.Finish());
    return tx.exec_prepared("templates_mark_published", name, published, version);
  });
}

absl::StatusOr<AuthoredTemplate> TemplateRepository::MarkUnpublished(const std::string& name) {
  return One(name,
             [&](pqxx::work& tx) { return tx.exec_prepared("templates_mark_unpublished", name); });
}

}  // namespace mc::control
