#include "execution-service/templates/template_repository.h"

#include "absl/strings/str_cat.h"

namespace mc::execution {
namespace {

constexpr char kColumns[] =
    "id, queue, internal_name, label, event_type, channel, version, subject, html_body, "
    "text_body, sms_text, (extract(epoch FROM published_at) * 1000000)::bigint, "
    "(extract(epoch FROM unpublished_at) * 1000000)::bigint";

constexpr char kPublishSql[] =
    "INSERT INTO templates (internal_name, label, queue, event_type, channel, version, subject, "
    "html_body, text_body, sms_text) "
    "SELECT $1, $2, q, $3, $4, $5, $6, $7, $8, $9 FROM (VALUES (1), (2)) AS queues(q) "
    "RETURNING id, queue, internal_name, label, event_type, channel, version, subject, "
    "html_body, text_body, sms_text, (extract(epoch FROM published_at) * 1000000)::bigint, "
    "NULL::bigint";

constexpr char kUnpublishSql[] =
    "UPDATE templates SET unpublished_at = now() "
    "WHERE internal_name = $1 AND unpublished_at IS NULL";

PublishedTemplate FromRow(const pqxx::row& r) {
  PublishedTemplate t;
  t.id = r[0].as<int64_t>();
  t.queue = r[1].as<int>() == 1 ? Queue::kRealTime : Queue::kBatch;
  TemplateContent& c = t.content;
  c.internal_name = r[2].as<std::string>();
  c.label = r[3].as<std::string>();
  c.event_type = r[4].as<std::string>();
  c.channel = r[5].as<int>();
  c.version = r[6].as<int>();
  c.subject = r[7].as<std::string>();
  c.html_body = r[8].as<std::string>();
  c.text_body = r[9].as<std::string>();
  c.sms_text = r[10].as<std::string>();
  t.published = absl::FromUnixMicros(r[11].as<int64_t>());
  if (!r[12].is_null()) t.unpublished = absl::FromUnixMicros(r[12].as<int64_t>());
  return t;
}

}  // namespace

TemplateRepository::TemplateRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pool_.Prepare("templates_publish", kPublishSql);
  pool_.Prepare("templates_unpublish", kUnpublishSql);
  pool_.Prepare("templates_list_all",
                absl::StrCat("SELECT ", kColumns, " FROM templates ORDER BY id"));
  pool_.Prepare("templates_list_published",
                absl::StrCat("SELECT ", kColumns,
                             " FROM templates WHERE unpublished_at IS NULL ORDER BY id"));
  pool_.Prepare("templates_get",
                absl::StrCat("SELECT ", kColumns, " FROM templates WHERE id = $1"));
}

absl::StatusOr<std::vector<PublishedTemplate>> TemplateRepository::Publish(
    const TemplateContent& c) {
  std::vector<PublishedTemplate> out;
  bool duplicate = false;
  absl::Status s = pool_.Run([&](pqxx::connection& conn) {
    out.clear();
    pqxx::work tx(conn);
    try {
      for (const pqxx::row& r :
           tx.exec_prepared("templates_publish", c.internal_name, c.label, c.event_type, c.channel,
                            c.version, c.subject, c.html_body, c.text_body, c.sms_text)) {
        out.push_back(FromRow(r));
      }
    } catch (const pqxx::unique_violation&) {
      duplicate = true;
      return absl::OkStatus();
    }
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (duplicate) {
    return absl::AlreadyExistsError(absl::StrCat("template ", c.internal_name, " version ",
                                                 c.version, " is already published"));
  }
  return out;
}

absl::StatusOr<int> TemplateRepository::Unpublish(const std::string& internal_name) {
  int n = 0;
  absl::Status s = pool_.Run([&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    n = static_cast<int>(tx.exec_prepared("templates_unpublish", internal_name).affected_rows());
    tx.commit();
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (n == 0) {
    return absl::NotFoundError(absl::StrCat("no published template named ", internal_name));
  }
  return n;
}

absl::StatusOr<std::vector<PublishedTemplate>> TemplateRepository::List(bool include_unpublished) {
  std::vector<PublishedTemplate> out;
  absl::Status s = pool_.Run([&](pqxx::connection& conn) {
    out.clear();
    pqxx::read_transaction tx(conn);
    for (const pqxx::row& r : tx.exec_prepared(include_unpublished ? "templates_list_all"
                                                                   : "templates_list_published")) {
      out.push_back(FromRow(r));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<PublishedTemplate> TemplateRepository::Get(int64_t id) {
  std::optional<PublishedTemplate> out;
  absl::Status s = pool_.Run([&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    pqxx::result r = tx.exec_prepared("templates_get", id);
    if (!r.empty()) out = FromRow(r[0]);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  if (!out) return absl::NotFoundError(absl::StrCat("no template with id ", id));
  return *out;
}

}  // namespace mc::execution
