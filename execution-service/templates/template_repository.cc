#include "execution-service/templates/template_repository.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/personalisation/template_json.h"
#include "common/pg/execute.h"

namespace mc::execution {
namespace {

constexpr char kColumns[] =
    "id, queue, internal_name, label, event_type, channel, version, subject, html_body, "
    "text_body, sms_text, extras::text AS extras, "
    "(extract(epoch FROM published_at) * 1000000)::bigint AS published_us, "
    "(extract(epoch FROM unpublished_at) * 1000000)::bigint AS unpublished_us";

constexpr char kPublishSql[] =
    "INSERT INTO templates (internal_name, label, queue, event_type, channel, version, subject, "
    "html_body, text_body, sms_text, extras) "
    "SELECT $1, $2, q, $3, $4, $5, $6, $7, $8, $9, $10::jsonb FROM (VALUES (1), (2)) AS queues(q) "
    "RETURNING id, queue, internal_name, label, event_type, channel, version, subject, "
    "html_body, text_body, sms_text, extras::text AS extras, "
    "(extract(epoch FROM published_at) * 1000000)::bigint AS published_us, "
    "NULL::bigint AS unpublished_us";

constexpr char kUnpublishSql[] =
    "UPDATE templates SET unpublished_at = now() "
    "WHERE internal_name = $1 AND unpublished_at IS NULL";

PublishedTemplate FromRow(const pg::Row& r) {
  PublishedTemplate t;
  t.id = r.Get<int64_t>("id");
  t.queue = QueueFromNumber(r.Get<int>("queue"));
  TemplateContent& c = t.content;
  c.internal_name = r.Get<std::string>("internal_name");
  c.label = r.Get<std::string>("label");
  c.event_type = r.Get<std::string>("event_type");
  c.channel = r.Get<int>("channel");
  c.version = r.Get<int>("version");
  c.subject = r.Get<std::string>("subject");
  c.html_body = r.Get<std::string>("html_body");
  c.text_body = r.Get<std::string>("text_body");
  c.sms_text = r.Get<std::string>("sms_text");
  personalisation::TemplateExtrasFromJson(nlohmann::json::parse(r.Get<std::string>("extras")), c);
  t.published = r.Micros("published_us");
  t.unpublished = r.OptionalMicros("unpublished_us");
  return t;
}

const pg::Query<PublishedTemplate> kPublish("templates_publish", kPublishSql, FromRow);
const pg::Statement kUnpublish("templates_unpublish", kUnpublishSql);
const pg::Query<PublishedTemplate> kListAll("templates_list_all",
                                            absl::StrCat("SELECT ", kColumns,
                                                         " FROM templates ORDER BY id"),
                                            FromRow);
const pg::Query<PublishedTemplate> kListPublished(
    "templates_list_published",
    absl::StrCat("SELECT ", kColumns, " FROM templates WHERE unpublished_at IS NULL ORDER BY id"),
    FromRow);
const pg::Query<PublishedTemplate> kGet(
    "templates_get", absl::StrCat("SELECT ", kColumns, " FROM templates WHERE id = $1"), FromRow);

}  // namespace

TemplateRepository::TemplateRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kPublish, kUnpublish, kListAll, kListPublished, kGet);
}

absl::StatusOr<std::vector<PublishedTemplate>> TemplateRepository::Publish(
    const TemplateContent& c) {
  return pg::FetchAll(
      pool_, kPublish,
      pg::ReadWrite().OnUniqueViolation(absl::AlreadyExistsError(absl::StrCat(
          "template ", c.internal_name, " version ", c.version, " is already published"))),
      c.internal_name, c.label, c.event_type, c.channel, c.version, c.subject, c.html_body,
      c.text_body, c.sms_text, personalisation::TemplateExtrasToJson(c).dump());
}

absl::StatusOr<int> TemplateRepository::Unpublish(const std::string& internal_name) {
  absl::StatusOr<int64_t> n = pg::Execute(pool_, kUnpublish, pg::ReadWrite(), internal_name);
  if (!n.ok()) return n.status();
  if (*n == 0) {
    return absl::NotFoundError(absl::StrCat("no published template named ", internal_name));
  }
  return static_cast<int>(*n);
}

absl::StatusOr<std::vector<PublishedTemplate>> TemplateRepository::List(bool include_unpublished) {
  return pg::FetchAll(pool_, include_unpublished ? kListAll : kListPublished, pg::ReadOnly());
}

absl::StatusOr<PublishedTemplate> TemplateRepository::Get(int64_t id) {
  return pg::FetchOne(
      pool_, kGet,
      pg::ReadOnly().IfNone(absl::NotFoundError(absl::StrCat("no template with id ", id))), id);
}

}  // namespace mc::execution
