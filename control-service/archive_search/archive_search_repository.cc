#include "control-service/archive_search/archive_search_repository.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/pg/array_literal.h"
#include "common/pg/execute.h"

namespace mc::control {
namespace {

constexpr char kColumns[] = R"sql(e.account, e.remote_id, e.instance_id, e.queue, e.event_type,
  e.external_id, e.channel, e.address, e.status, e.template_name, e.template_version,
  e.message_id, e.tries, e.failure_type, e.failure_reason,
  (extract(epoch FROM e.created_at) * 1000000)::bigint AS created_us,
  (extract(epoch FROM e.routed_at) * 1000000)::bigint AS routed_us,
  (extract(epoch FROM e.handed_to_relay_at) * 1000000)::bigint AS relayed_us,
  (extract(epoch FROM e.finished_at) * 1000000)::bigint AS finished_us,
  (extract(epoch FROM e.archived_at) * 1000000)::bigint AS archived_us)sql";

// The address as the event's channel keys it; its first line lets the address index answer (the
// keys it can have on any channel: email, SMS, as given), the second is the exact rule.
constexpr char kAddressMatches[] = R"sql(address_key(e.channel, e.address) = ANY (ARRAY[
    address_key(0, $2::text), address_key(1, $2::text), $2::text])
  AND address_key(e.channel, e.address) = address_key(e.channel, $2::text))sql";

// {D}: the condition the statement's index answers. $1 accounts (empty: all), $2 address, $3
// external id, $4 event type ('': any), $5 status (NULL: any), $6 and $7 the received range in
// epoch microseconds (NULL: open), $8 to $10 the cursor (received microseconds, account, id;
// $8 NULL on the first page), $11 the limit. The time bounds and the cursor are conditions
// whatever the values (open ends are infinities), so that even a generic plan of the statement
// bounds its index scans by them.
constexpr char kSearchSql[] = R"sql(
SELECT {C} FROM archived_events e
WHERE {D}
  AND (cardinality($1::text[]) = 0 OR e.account = ANY ($1::text[]))
  AND ($2::text = '' OR ({A}))
  AND ($3::text = '' OR e.external_id = $3::text)
  AND ($4::text = '' OR e.event_type = $4::text)
  AND ($5::smallint IS NULL OR e.status = $5::smallint)
  AND e.created_at >= coalesce(timestamptz 'epoch' + $6::bigint * interval '1 microsecond',
                               '-infinity')
  AND e.created_at < coalesce(timestamptz 'epoch' + $7::bigint * interval '1 microsecond',
                              'infinity')
  AND (e.created_at, e.account, e.remote_id) <
      (coalesce(timestamptz 'epoch' + $8::bigint * interval '1 microsecond', 'infinity'),
       $9::text, $10::bigint)
ORDER BY e.created_at DESC, e.account DESC, e.remote_id DESC
LIMIT $11)sql";

constexpr char kGetSql[] = R"sql(
SELECT {C}, e.retries::text AS retries, l.status AS log_status,
  l.failure_type AS log_failure_type, l.failure_reason AS log_failure_reason, l.tries AS log_tries,
  (extract(epoch FROM l.logged_at) * 1000000)::bigint AS logged_us
FROM archived_events e
LEFT JOIN archived_delivery_logs l ON l.account = e.account AND l.event_id = e.remote_id
WHERE e.account = $1 AND e.remote_id = $2)sql";

std::string SearchSql(absl::string_view driver) {
  return absl::StrReplaceAll(kSearchSql,
                             {{"{C}", kColumns}, {"{D}", driver}, {"{A}", kAddressMatches}});
}

ArchivedStory StoryFromRow(const pg::Row& r) {
  ArchivedStory s;
  s.account = r.Get<std::string>("account");
  s.event_id = r.Get<int64_t>("remote_id");
  s.instance_id = r.Get<std::string>("instance_id");
  s.queue = r.Get<int>("queue");
  s.event_type = r.Get<std::string>("event_type");
  s.external_id = r.Get<std::string>("external_id");
  s.channel = r.Get<int>("channel");
  s.address = r.Get<std::string>("address");
  s.status = r.Get<int>("status");
  s.template_name = r.Get<std::string>("template_name");
  s.template_version = r.Get<int>("template_version");
  s.message_id = r.Get<std::string>("message_id");
  s.tries = r.Get<int>("tries");
  s.last_failure_type = r.Get<std::string>("failure_type");
  s.last_failure_reason = r.Get<std::string>("failure_reason");
  s.received = r.Micros("created_us");
  s.taken_up = r.OptionalMicros("routed_us");
  s.handed_to_relay = r.OptionalMicros("relayed_us");
  s.finished = r.Micros("finished_us");
  s.archived = r.Micros("archived_us");
  return s;
}

// The retries column as migration 0006 documents it. Written by the archiver only, so well
// formed; a malformed one would throw inside the pool (INTERNAL).
std::vector<StoryRetry> RetriesFromJson(const std::string& text) {
  std::vector<StoryRetry> retries;
  for (const nlohmann::json& j : nlohmann::json::parse(text)) {
    StoryRetry& r = retries.emplace_back();
    r.kind = j.value("kind", 0);  // rows archived before late bounces existed have none
    r.try_number = j.at("try").get<int>();
    r.failure_type = j.at("type").get<std::string>();
    r.reason = j.at("reason").get<std::string>();
    r.at = absl::FromUnixMicros(j.at("at").get<int64_t>());
    if (!j.at("next").is_null()) r.next_try = absl::FromUnixMicros(j.at("next").get<int64_t>());
  }
  return retries;
}

ArchivedStory FullStoryFromRow(const pg::Row& r) {
  ArchivedStory s = StoryFromRow(r);
  s.retries = RetriesFromJson(r.Get<std::string>("retries"));
  if (!r.IsNull("logged_us")) {
    s.log = StoryDeliveryLog{.status = r.Get<int>("log_status"),
                             .failure_type = r.Get<std::string>("log_failure_type"),
                             .failure_reason = r.Get<std::string>("log_failure_reason"),
                             .tries = r.Get<int>("log_tries"),
                             .logged = r.Micros("logged_us")};
  }
  return s;
}

const pg::Query<ArchivedStory> kByAddress("archive_search_address", SearchSql(kAddressMatches),
                                          StoryFromRow);
const pg::Query<ArchivedStory> kByExternalId("archive_search_external_id",
                                             // (<> '': the partial index's predicate)
                                             SearchSql("e.external_id = $3::text AND "
                                                       "e.external_id <> ''"),
                                             StoryFromRow);
const pg::Query<ArchivedStory> kByOthers("archive_search_others", SearchSql("true"), StoryFromRow);
const pg::Query<ArchivedStory> kGet("archive_search_get",
                                    absl::StrReplaceAll(kGetSql, {{"{C}", kColumns}}),
                                    FullStoryFromRow);

std::optional<int64_t> Micros(const std::optional<absl::Time>& t) {
  if (!t) return std::nullopt;
  return absl::ToUnixMicros(*t);
}

}  // namespace

ArchiveSearchRepository::ArchiveSearchRepository(pg::ConnectionPool& pool) : pool_(pool) {
  pg::Prepare(pool_, kByAddress, kByExternalId, kByOthers, kGet);
}

absl::StatusOr<std::vector<ArchivedStory>> ArchiveSearchRepository::Search(
    const SearchFilter& f, const std::optional<StoryCursor>& after, int limit) {
  const pg::Query<ArchivedStory>& query = !f.address.empty()       ? kByAddress
                                          : !f.external_id.empty() ? kByExternalId
                                                                   : kByOthers;
  pg::TextArray accounts;
  for (const std::string& a : f.accounts) accounts.Add(a);
  const std::optional<int64_t> status = f.status ? std::optional<int64_t>(*f.status) : std::nullopt;
  return pg::FetchAll(
      pool_, query, pg::Autocommit(), accounts.Finish(), f.address, f.external_id, f.event_type,
      status, Micros(f.received_after), Micros(f.received_before),
      after ? std::optional<int64_t>(absl::ToUnixMicros(after->received)) : std::nullopt,
      after ? after->account : std::string(), after ? after->event_id : 0, limit);
}

absl::StatusOr<std::optional<ArchivedStory>> ArchiveSearchRepository::Get(
    const std::string& account, int64_t event_id) {
  return pg::Transact(pool_, pg::Autocommit(),
                      [&](pg::Transaction& tx) -> absl::StatusOr<std::optional<ArchivedStory>> {
                        return tx.FetchOptional(kGet, account, event_id);
                      });
}

}  // namespace mc::control
