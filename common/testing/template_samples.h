// Test support: a template version with every field of TemplateContent set (each to a value
// of its own, valid for ValidateTemplate), and a Catch2 check that two contents are the same
// field by field (each one named when it differs), for the round trips of the repositories,
// the conversions and the publication.
#pragma once

#include "common/personalisation/template_content.h"

namespace mc::testing {

personalisation::TemplateContent FullTemplateContent();

// CHECKs every field of `got` against `want`.
void CheckSameContent(const personalisation::TemplateContent& got,
                      const personalisation::TemplateContent& want);

}  // namespace mc::testing
