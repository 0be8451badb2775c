// Addresses as they are compared: the key of a quarantine or deny-list row.
//
// ChannelAddress() is the address an event's wished channel uses (email, mobile phone or device
// token), exactly as stored. AddressKey() is what two addresses are compared by:
//  - email: the domain in ASCII lower case (domains are case-insensitive, RFC 5321 section
//    2.4), the local part exactly as given (it may be case-sensitive); split at the last '@',
//    unchanged without one;
//  - SMS: the number as NormalisePhone() gives it (separators dropped), unchanged if it is not
//    a phone number (stored events are already normalised);
//  - push: the device token as given.
// The schema's address_key(channel, address) function (execution-service/migrations/
// 0005_address_keys.sql) applies the same rule where PostgreSQL compares addresses, and its
// channel_address(channel, email, mobile_phone, device_token) (0006_channel_address.sql) is
// ChannelAddress() for the statements that read an event's address; pgtests keep each pair
// equal. The event itself always keeps the address as the caller gave it.
// Pure and thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "execution-service/events/event.h"

namespace mc::execution {

absl::string_view ChannelAddress(const NewEvent& event);

std::string AddressKey(int channel, absl::string_view address);

}  // namespace mc::execution
