#include "common/personalisation/variant_choice.h"

#include "absl/strings/match.h"

namespace mc::personalisation {
namespace {

absl::string_view PrimaryTag(absl::string_view language) {
  const size_t sep = language.find_first_of("-_");
  return sep == absl::string_view::npos ? language : language.substr(0, sep);
}

}  // namespace

int ChooseVariant(const std::vector<std::string>& languages, absl::string_view event_language) {
  if (event_language.empty()) return -1;
  for (size_t i = 0; i < languages.size(); ++i) {
    if (absl::EqualsIgnoreCase(languages[i], event_language)) return static_cast<int>(i);
  }
  const absl::string_view primary = PrimaryTag(event_language);
  for (size_t i = 0; i < languages.size(); ++i) {
    if (absl::EqualsIgnoreCase(languages[i], primary)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace mc::personalisation
