// MailsPerMessageId: how many of the mails an SmtpSink received carry each Message-ID, read from
// the header line as sent ("Message-ID: <...>"). A mail without one counts under "" (a test
// expecting one on every mail checks that key is absent). What the crash and failover tests use
// to show that a re-sent mail repeats its event's Message-ID. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/sinks/smtp_sink.h"

namespace mc::e2e {

std::map<std::string, int> MailsPerMessageId(const std::vector<sinks::ReceivedMail>& mails);

}  // namespace mc::e2e
