// ChooseVariant: which language variant of a template an event gets (template_content.h):
// among `languages` (the variants', as written), first one equal to the event's language
// without case ("fr-CA" for "fr-ca"), else one equal to its primary tag ("fr" for "fr-CA"; also
// "fr-FR"'s variant "fr"), else none (-1: the template's own parts). An empty event language
// gets the own parts. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace mc::personalisation {

int ChooseVariant(const std::vector<std::string>& languages, absl::string_view event_language);

}  // namespace mc::personalisation
