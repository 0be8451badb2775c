#include "execution-service/webhooks/webhook_text.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace mc::execution {

std::string ValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  const size_t n = s.size();
  auto cont = [&](size_t at) {
    return at < n && (static_cast<unsigned char>(s[at]) & 0xc0) == 0x80;
  };
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    if (c < 0x80) {
      len = 1;
    } else if (c >= 0xc2 && c <= 0xdf && cont(i + 1)) {
      len = 2;
    } else if (c >= 0xe0 && c <= 0xef && cont(i + 1) && cont(i + 2)) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (!(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 > 0x9f)) len = 3;
    } else if (c >= 0xf0 && c <= 0xf4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if (!(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 > 0x8f)) len = 4;
    }
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

std::string Snippet(absl::string_view text, size_t max_bytes) {
  std::string s = ValidUtf8(text);
  for (char& c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  absl::string_view v = absl::StripAsciiWhitespace(s);
  if (v.size() <= max_bytes) return std::string(v);
  constexpr absl::string_view kEllipsis = "...";
  size_t cut = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xc0) == 0x80) --cut;
  return std::string(absl::StripTrailingAsciiWhitespace(v.substr(0, cut))) +
         std::string(kEllipsis.substr(0, std::min(kEllipsis.size(), max_bytes)));
}

}  // namespace mc::execution
