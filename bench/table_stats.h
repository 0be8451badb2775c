// TableStats: what PostgreSQL's statistics say about one schema's tables, for the benchmarks.
// Snapshot reads pg_stat_user_tables (row versions inserted / updated / HOT-updated / deleted,
// dead tuples, autovacuum runs) and pg_total_relation_size (table + indexes + TOAST) of every
// table of the schema; PrintRowVersions prints the difference of two snapshots per table divided
// by a number of events, with the second snapshot's dead tuples and sizes, then for each
// partitioned table (partitions named <table>_p<k>) the sum over the partitions still there (a
// partition dropped during the run counts nothing: it took no writes of the run).
// Each backend flushes its counters when it goes idle, at most once a second, and what it could
// not flush then only after 10 s idle: take a snapshot 11 s after the load before it stopped.
// Failure modes: pqxx exceptions when PostgreSQL is unreachable (a benchmark stops on them).
// Not thread-safe: one caller per connection.
#pragma once

#include <cstdint>
#include <map>
#include <pqxx/pqxx>
#include <string>

namespace mc::bench {

struct TableCounters {
  int64_t ins = 0, upd = 0, hot_upd = 0, del = 0, dead = 0, autovacuums = 0, bytes = 0;
};

// Keyed by table name.
using TableStats = std::map<std::string, TableCounters>;

TableStats Snapshot(pqxx::connection& c, const std::string& schema);

// One line per table that changed or holds rows, then the schema's and the database's size.
void PrintRowVersions(const TableStats& before, const TableStats& after, int64_t events,
                      int64_t database_bytes);

}  // namespace mc::bench
