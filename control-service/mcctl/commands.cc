#include "control-service/mcctl/commands.h"

namespace mc::mcctl {

const std::vector<CommandSpec>& AllCommands() {
  static const std::vector<CommandSpec> kCommands = [] {
    std::vector<CommandSpec> all;
    for (auto group :
         {AccountCommands, WorkflowCommands, ArchivingCommands, TemplateCommands, BlockCommands,
          WebhookCommands, EventCommands, ReportCommands, ArchiveCommands, SuppressionCommands}) {
      std::vector<CommandSpec> commands = group();
      all.insert(all.end(), commands.begin(), commands.end());
    }
    return all;
  }();
  return kCommands;
}

}  // namespace mc::mcctl
