// Statement: a prepared statement's name and SQL text, joined once where the statement is
// defined (in the spirit of userver's Query{sql, Name}).
//
// A repository defines its statements as constants beside its SQL, registers them with its pool
// (pg::Prepare in execute.h: every connection prepares them once, when it is made) and runs them
// by that one object, so a name never drifts from its text. Query<T> (query.h) adds the row type.
// A Statement is a constant: its text is copied once into storage kept until the program ends,
// so a Statement is trivially destructible and a namespace-scope constant is safe from any
// thread until exit. Make them once (constants), never per call. Immutable: thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mc::pg {

class Statement {
 public:
  Statement(absl::string_view name, absl::string_view sql);

  const std::string& name() const { return text_->name; }
  const std::string& sql() const { return text_->sql; }

 private:
  struct Text {
    std::string name;
    std::string sql;
  };
  const Text* text_;  // never freed (see the header comment)
};

}  // namespace mc::pg
