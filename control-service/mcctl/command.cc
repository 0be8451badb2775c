#include "control-service/mcctl/command.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "control-service/mcctl/exit_codes.h"

namespace mc::mcctl {

std::string CommandUsage(const CommandSpec& spec) {
  std::string usage = absl::StrCat("mcctl ", spec.group, " ", spec.verb);
  if (!spec.args.empty()) absl::StrAppend(&usage, " ", spec.args);
  for (const FlagSpec& f : spec.flags) {
    const std::string flag = FlagUsage(f) + (f.repeated ? " ..." : "");
    absl::StrAppend(&usage, " ", f.required ? flag : "[" + flag + "]");
  }
  return usage;
}

Invocation::Invocation(const CommandSpec& spec, const ClientSettings& settings, ParsedFlags flags,
                       std::vector<std::string> args, std::ostream& out, std::ostream& err)
    : spec_(spec),
      settings_(settings),
      flags_(std::move(flags)),
      args_(std::move(args)),
      out_(out),
      err_(err),
      conn_(settings, spec.target) {}

void Invocation::PrintJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  out_ << json << "\n";
}

std::optional<int> Invocation::Finish(const grpc::Status& status,
                                      const google::protobuf::Message& response) {
  if (!status.ok()) return Fail(status);
  if (!json()) return std::nullopt;
  PrintJson(response);
  return kExitOk;
}

std::string Invocation::What() const {
  std::string what = absl::StrCat(spec_.group, " ", spec_.verb);
  if (!args_.empty()) absl::StrAppend(&what, " ", args_[0]);
  return what;
}

int Invocation::Fail(const grpc::Status& status) {
  FailedCall call{.what = What(),
                  .group = spec_.group,
                  .server = conn_.Describe(),
                  .address_setting = conn_.AddressSetting(),
                  .reached = conn_.Reached(),
                  .token_given = !settings_.token.empty(),
                  .tls = settings_.tls,
                  .timeout_seconds = settings_.timeout_seconds};
  return ReportFailure(call, status, err_);
}

int Invocation::UsageError(const absl::Status& status) {
  err_ << "mcctl: " << spec_.group << " " << spec_.verb << ": " << status.message() << "\n";
  err_ << "usage: " << CommandUsage(spec_) << "\n";
  return kExitUsage;
}

int Invocation::Problem(int code, const std::string& message, const std::string& hint) {
  err_ << "mcctl: " << What() << ": " << message << "\n";
  if (!hint.empty()) err_ << "hint: " << hint << "\n";
  return code;
}

}  // namespace mc::mcctl
