#include "tests/support/mail_ids.h"

namespace mc::e2e {

std::map<std::string, int> MailsPerMessageId(const std::vector<sinks::ReceivedMail>& mails) {
  std::map<std::string, int> out;
  for (const sinks::ReceivedMail& m : mails) {
    const size_t at = m.data.find("Message-ID: ");
    if (at == std::string::npos) {
      ++out[""];
      continue;
    }
    const size_t end = m.data.find("\r\n", at);
    ++out[m.data.substr(at + 12, end == std::string::npos ? std::string::npos : end - at - 12)];
  }
  return out;
}

}  // namespace mc::e2e
