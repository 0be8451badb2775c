#include "control-service/mcctl/input_files.h"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace mc::mcctl {

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  return text.str();
}

absl::Status JsonToMessage(const std::string& text, const std::string& what,
                           google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(text, message, options);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, ": ", status.message().as_string()));
}

absl::Status ReadJsonFile(const std::string& path, google::protobuf::Message* message) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return JsonToMessage(*text, path, message);
}

absl::StatusOr<EventFile> ReadEventFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError(absl::StrCat(path, ": not valid JSON"));
  EventFile file;
  if (doc.is_object()) {
    file.single = true;
    file.events.emplace_back();
    if (absl::Status s = JsonToMessage(*text, path, &file.events.back()); !s.ok()) return s;
    return file;
  }
  if (!doc.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected one event object or an array of them"));
  }
  if (doc.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no events"));
  for (size_t i = 0; i < doc.size(); ++i) {
    file.events.emplace_back();
    const std::string what = absl::StrCat(path, ": event ", i);
    if (!doc[i].is_object()) return absl::InvalidArgumentError(what + ": not an object");
    if (absl::Status s = JsonToMessage(doc[i].dump(), what, &file.events.back()); !s.ok()) return s;
  }
  return file;
}

}  // namespace mc::mcctl
