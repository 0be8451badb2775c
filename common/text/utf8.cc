#include "common/text/utf8.h"

namespace mc::text {

size_t CodePoints(absl::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace mc::text
