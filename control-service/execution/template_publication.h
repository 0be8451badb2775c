// TemplatePublication: one version of an authored template as the control instance publishes
// it to an execution instance (PublishTemplate): the content both services share
// (common/personalisation/template_content.h), its includes already expanded and `blocks`
// listing the blocks they came from. Plain values.
#pragma once

#include "common/personalisation/template_content.h"

namespace mc::control {

using TemplatePublication = personalisation::TemplateContent;

}  // namespace mc::control
