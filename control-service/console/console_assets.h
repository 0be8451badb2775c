// The console's files (its page, script and style, and the Debian-packaged Bootstrap 5 and D3
// it uses), compiled into the binary at build time (embed_assets), so the console needs no CDN
// and no file beside the binary. Names are paths under /console/ ("index.html",
// "assets/console.js"). Thread-safe (constant data).
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace mc::control {

struct ConsoleAsset {
  absl::string_view name;
  absl::string_view content_type;
  absl::string_view body;
};

// The file of `name`, or nullptr.
const ConsoleAsset* FindConsoleAsset(absl::string_view name);

}  // namespace mc::control
