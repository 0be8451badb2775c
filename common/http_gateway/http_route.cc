#include "common/http_gateway/http_route.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace mc::http {

bool MatchRoute(const HttpRoute& route, absl::string_view path, Captures* captures) {
  const std::vector<absl::string_view> want = absl::StrSplit(route.pattern, '/');
  const std::vector<absl::string_view> got = absl::StrSplit(path, '/');
  if (want.size() != got.size()) return false;
  Captures out;
  for (size_t i = 0; i < want.size(); ++i) {
    absl::string_view w = want[i], g = got[i];
    if (!absl::StartsWith(w, "{")) {
      if (w != g) return false;
      continue;
    }
    const size_t close = w.find('}');
    if (close == absl::string_view::npos) return false;
    const absl::string_view suffix = w.substr(close + 1);
    if (!absl::EndsWith(g, suffix) || g.size() == suffix.size()) return false;
    out.emplace_back(std::string(w.substr(1, close - 1)),
                     std::string(g.substr(0, g.size() - suffix.size())));
  }
  *captures = std::move(out);
  return true;
}

}  // namespace mc::http
