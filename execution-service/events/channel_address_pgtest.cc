// The per-channel address rule has one SQL definition, channel_address() (migration 0006), which
// the statements use, and one C++ definition, ChannelAddress(), which the sender uses: the same.
#include <catch2/catch.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "common/testing/shared_postgres.h"
#include "execution-service/events/address_key.h"
#include "execution-service/migrations/migrations.h"

namespace mc::execution {
namespace {

std::optional<std::string> OrNull(const std::string& s) {
  if (s.empty()) return std::nullopt;  // how the event repository stores an empty address
  return s;
}

TEST_CASE("the schema's channel_address() is ChannelAddress()") {
  const std::string schema = testing::FreshSchema("channel_address", Migrations());
  pqxx::connection c(testing::SharedPostgresDsn());
  pqxx::work tx(c);
  tx.exec("SET LOCAL search_path TO " + tx.quote_name(schema));
  for (int channel : {0, 1, 41, 42, 7}) {
    for (const auto& [email, phone, token] : {std::tuple<std::string, std::string, std::string>{
                                                  "Ana@Example.COM", "+33612345678", "tok-1"},
                                              {"", "+33612345678", "tok-1"},
                                              {"ana@example.com", "", "tok-1"},
                                              {"ana@example.com", "+33612345678", ""},
                                              {"", "", ""}}) {
      NewEvent e;
      e.wished_channel = channel;
      e.email = email;
      e.mobile_phone = phone;
      e.device_token = token;
      INFO(channel << " '" << email << "' '" << phone << "' '" << token << "'");
      const pqxx::row r = tx.exec_params1(
          "SELECT coalesce(channel_address($1::smallint, $2::text, $3::text, $4::text), '')",
          channel, OrNull(email), OrNull(phone), OrNull(token));
      CHECK(r[0].as<std::string>() == std::string(ChannelAddress(e)));
    }
  }
}

}  // namespace
}  // namespace mc::execution
