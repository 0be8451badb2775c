// The files mcctl reads: text (bodies, tokens, PEM), a JSON object into a proto message (proto
// JSON mapping, unknown fields refused), and event files (one event object or an array).
// "-" reads standard input.
//
// Failure modes: INVALID_ARGUMENT naming the file and what is wrong with it (unreadable, not
// JSON, an unknown field, an event at index N that does not map). Thread-compatible.
#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "messagecenter/v1/events.pb.h"

namespace mc::mcctl {

[[nodiscard]] absl::StatusOr<std::string> ReadTextFile(const std::string& path);

// Parses JSON `text` into `message` with the proto JSON mapping; `what` names it in errors.
[[nodiscard]] absl::Status JsonToMessage(const std::string& text, const std::string& what,
                                         google::protobuf::Message* message);

[[nodiscard]] absl::Status ReadJsonFile(const std::string& path,
                                        google::protobuf::Message* message);

struct EventFile {
  std::vector<messagecenter::v1::Event> events;
  // The file held one object rather than an array.
  bool single = false;
};

[[nodiscard]] absl::StatusOr<EventFile> ReadEventFile(const std::string& path);

}  // namespace mc::mcctl
