#include "common/config/flag_set.h"

#include <catch2/catch.hpp>
#include <map>

namespace mc::config {
namespace {

FlagSet::EnvLookup EnvFrom(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Cfg {
  std::string dsn = "default";
  int size = 8;
  bool migrate = true;
};

FlagSet Bind(Cfg& c) {
  FlagSet fs("test");
  fs.String("pg-dsn", &c.dsn, "dsn");
  fs.Int("pool_size", &c.size, "size");
  fs.Bool("migrate", &c.migrate, "migrate");
  return fs;
}

TEST_CASE("flags override environment which overrides defaults") {
  Cfg c;
  FlagSet fs = Bind(c);
  const char* argv[] = {"prog", "--pool_size=3", "serve"};
  REQUIRE(fs.Parse(3, argv, EnvFrom({{"MC_PG_DSN", "from-env"}, {"MC_POOL_SIZE", "5"}})).ok());
  CHECK(c.dsn == "from-env");
  CHECK(c.size == 3);
  CHECK(c.migrate);
  CHECK(fs.positional() == std::vector<std::string>{"serve"});
}

TEST_CASE("separate values, booleans and negation") {
  Cfg c;
  FlagSet fs = Bind(c);
  const char* argv[] = {"prog", "--pg-dsn", "x", "--nomigrate"};
  REQUIRE(fs.Parse(4, argv, EnvFrom({})).ok());
  CHECK(c.dsn == "x");
  CHECK_FALSE(c.migrate);
}

TEST_CASE("bad input names the flag or variable") {
  Cfg c;
  FlagSet fs = Bind(c);
  const char* unknown[] = {"prog", "--nope=1"};
  absl::Status s = fs.Parse(2, unknown, EnvFrom({}));
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("--nope") != std::string::npos);

  Cfg c2;
  FlagSet fs2 = Bind(c2);
  const char* none[] = {"prog"};
  s = fs2.Parse(1, none, EnvFrom({{"MC_POOL_SIZE", "many"}}));
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(s.message().find("MC_POOL_SIZE") != std::string::npos);

  Cfg c3;
  FlagSet fs3 = Bind(c3);
  const char* missing[] = {"prog", "--pg-dsn"};
  CHECK(fs3.Parse(2, missing, EnvFrom({})).code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("usage lists flags with their variables") {
  Cfg c;
  FlagSet fs = Bind(c);
  CHECK(fs.Usage().find("--pg-dsn [MC_PG_DSN]") != std::string::npos);
}

}  // namespace
}  // namespace mc::config
