#include "execution-service/events/address_key.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "execution-service/events/event_validator.h"

namespace mc::execution {

absl::string_view ChannelAddress(const NewEvent& e) {
  switch (e.wished_channel) {
    case static_cast<int>(Channel::kEmail):
      return e.email;
    case static_cast<int>(Channel::kSms):
      return e.mobile_phone;
    default:
      return e.device_token;
  }
}

std::string AddressKey(int channel, absl::string_view address) {
  if (channel == static_cast<int>(Channel::kEmail)) {
    const size_t at = address.rfind('@');
    if (at == absl::string_view::npos) return std::string(address);
    return absl::StrCat(address.substr(0, at + 1), absl::AsciiStrToLower(address.substr(at + 1)));
  }
  if (channel == static_cast<int>(Channel::kSms)) {
    std::string phone = NormalisePhone(address);
    return phone.empty() ? std::string(address) : phone;
  }
  return std::string(address);
}

}  // namespace mc::execution
