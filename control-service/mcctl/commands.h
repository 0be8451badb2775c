// The command table of mcctl, one function per group (each in its own file): accounts,
// workflows (the execution instance's technical workflows), archiving, templates, blocks (the
// personalisation blocks templates include), webhooks,
// events, reports, archive (the search of archived events), suppressions (every instance's
// quarantine and deny list). AllCommands() is every command, in help order.
#pragma once

#include <vector>

#include "control-service/mcctl/command.h"

namespace mc::mcctl {

std::vector<CommandSpec> AccountCommands();
std::vector<CommandSpec> WorkflowCommands();
std::vector<CommandSpec> ArchivingCommands();
std::vector<CommandSpec> TemplateCommands();
std::vector<CommandSpec> BlockCommands();
std::vector<CommandSpec> WebhookCommands();
std::vector<CommandSpec> EventCommands();
std::vector<CommandSpec> ReportCommands();
std::vector<CommandSpec> ArchiveCommands();
std::vector<CommandSpec> SuppressionCommands();

const std::vector<CommandSpec>& AllCommands();

}  // namespace mc::mcctl
