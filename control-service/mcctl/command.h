// What an mcctl command is (CommandSpec: its words, arguments, flags, the instance it talks to,
// its handler) and what a handler gets (Invocation: the parsed command line, the connection,
// the output streams, and helpers that report a failure with the right exit code).
// Not thread-safe: one Invocation per run.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "control-service/mcctl/arg_parser.h"
#include "control-service/mcctl/client_settings.h"
#include "control-service/mcctl/connection.h"

namespace mc::mcctl {

class Invocation;

struct CommandSpec {
  std::string group;
  std::string verb;
  // The positional arguments as usage shows them, e.g. "NAME" or "[FILE]".
  std::string args;
  std::string summary;
  std::vector<FlagSpec> flags;
  int min_args = 0;
  // -1: any number.
  int max_args = 0;
  Target target = Target::kControl;
  int (*run)(Invocation&) = nullptr;
};

// "mcctl accounts create NAME --endpoint HOST:PORT [--label LABEL] ...".
std::string CommandUsage(const CommandSpec& spec);

class Invocation {
 public:
  Invocation(const CommandSpec& spec, const ClientSettings& settings, ParsedFlags flags,
             std::vector<std::string> args, std::ostream& out, std::ostream& err);

  const CommandSpec& spec() const { return spec_; }
  const ParsedFlags& flags() const { return flags_; }
  const std::vector<std::string>& args() const { return args_; }
  const std::string& arg(size_t i) const { return args_[i]; }
  bool json() const { return settings_.json; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  const Connection& conn() const { return conn_; }
  std::unique_ptr<grpc::ClientContext> Context() const { return conn_.NewContext(); }

  // The message as proto JSON (lowerCamelCase names, every field), one line.
  void PrintJson(const google::protobuf::Message& message);
  // The common ending of a call: its failure reported, or with --json the response printed.
  // Returns the exit code then; nullopt when the caller prints the human output.
  std::optional<int> Finish(const grpc::Status& status, const google::protobuf::Message& response);
  // A failed call, reported as "<group> <verb> <first argument>"; returns the exit code.
  int Fail(const grpc::Status& status);
  // A bad command line or input file: `mcctl: <group> <verb>: <message>` and the command's
  // usage; returns 2.
  int UsageError(const absl::Status& status);
  // The call worked but its result is a failure (a rejected event, a refusing instance):
  // `mcctl: <what>: <message>` and the hint; returns `code`.
  int Problem(int code, const std::string& message, const std::string& hint);

 private:
  std::string What() const;

  const CommandSpec& spec_;
  const ClientSettings& settings_;
  ParsedFlags flags_;
  std::vector<std::string> args_;
  std::ostream& out_;
  std::ostream& err_;
  Connection conn_;
};

}  // namespace mc::mcctl
