#include "bench/table_stats.h"

#include <cstdio>
#include <map>
#include <string>

#include "absl/strings/ascii.h"

namespace mc::bench {
namespace {

// "rt_events" for "rt_events_p3" (a partition of the event storage), else "".
std::string ParentOf(const std::string& name) {
  const size_t at = name.rfind("_p");
  if (at == std::string::npos || at + 2 == name.size()) return "";
  for (size_t i = at + 2; i < name.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(name[i]))) return "";
  }
  return name.substr(0, at);
}

}  // namespace

TableStats Snapshot(pqxx::connection& c, const std::string& schema) {
  pqxx::work tx(c);
  TableStats stats;
  for (const auto& row :
       tx.exec_params("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, n_dead_tup, "
                      "autovacuum_count, pg_total_relation_size(relid) FROM pg_stat_user_tables "
                      "WHERE schemaname = $1",
                      schema)) {
    stats[row[0].as<std::string>()] = {
        row[1].as<int64_t>(), row[2].as<int64_t>(), row[3].as<int64_t>(), row[4].as<int64_t>(),
        row[5].as<int64_t>(), row[6].as<int64_t>(), row[7].as<int64_t>()};
  }
  return stats;
}

void PrintRowVersions(const TableStats& before, const TableStats& after, int64_t events,
                      int64_t database_bytes) {
  const double n = events > 0 ? static_cast<double>(events) : 1.0;
  std::printf("  %-28s %8s %8s %8s %8s %11s %5s %10s\n", "table (per event)", "ins", "upd",
              "hot_upd", "del", "dead_tup", "avac", "size MB");
  int64_t total_bytes = 0;
  std::map<std::string, TableCounters> parents;  // the partitions' sums, per partitioned table
  for (const auto& [name, a] : after) {
    TableCounters b;
    if (auto it = before.find(name); it != before.end()) b = it->second;
    total_bytes += a.bytes;
    if (const std::string parent = ParentOf(name); !parent.empty()) {
      TableCounters& p = parents[parent];
      p.ins += a.ins - b.ins;
      p.upd += a.upd - b.upd;
      p.hot_upd += a.hot_upd - b.hot_upd;
      p.del += a.del - b.del;
      p.dead += a.dead;
      p.autovacuums += a.autovacuums - b.autovacuums;
      p.bytes += a.bytes;
    }
    const bool changed = a.ins != b.ins || a.upd != b.upd || a.del != b.del;
    if (!changed && a.dead == 0 && a.bytes < (1 << 20)) continue;
    std::printf("  %-28s %8.3f %8.3f %8.3f %8.3f %11lld %5lld %10.1f\n", name.c_str(),
                (a.ins - b.ins) / n, (a.upd - b.upd) / n, (a.hot_upd - b.hot_upd) / n,
                (a.del - b.del) / n, static_cast<long long>(a.dead),
                static_cast<long long>(a.autovacuums - b.autovacuums), a.bytes / 1048576.0);
  }
  for (const auto& [name, p] : parents) {
    std::printf("  %-28s %8.3f %8.3f %8.3f %8.3f %11lld %5lld %10.1f\n", (name + " (all)").c_str(),
                p.ins / n, p.upd / n, p.hot_upd / n, p.del / n, static_cast<long long>(p.dead),
                static_cast<long long>(p.autovacuums), p.bytes / 1048576.0);
  }
  std::printf("  schema's tables %.1f MB (%.0f bytes per event), database %.1f MB\n",
              total_bytes / 1048576.0, total_bytes / n, database_bytes / 1048576.0);
}

}  // namespace mc::bench
