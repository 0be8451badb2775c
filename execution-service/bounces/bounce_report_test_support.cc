#include "execution-service/bounces/bounce_report_test_support.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_replace.h"

namespace mc::execution::report_test {
namespace {

bool HasControl(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  }
  return false;
}

}  // namespace

testing::BounceSpec Spec(std::string status, std::string diagnostic) {
  testing::BounceSpec spec;
  spec.to = std::string(kReturnPath);
  spec.original_recipient = "bob@example.test";
  spec.original_message_id = "ev-rt-42@mc.test";
  spec.original_return_path = std::string(kReturnPath);
  spec.status = std::move(status);
  spec.diagnostic = std::move(diagnostic);
  return spec;
}

BounceReport Parse(absl::string_view message) {
  absl::StatusOr<BounceReport> report = ParseBounceReport(message);
  INFO(report.status());
  REQUIRE(report.ok());
  return *std::move(report);
}

const std::vector<NamedBuilder>& AllBuilders() {
  static const std::vector<NamedBuilder> builders = {
      {"postfix", testing::PostfixDsn},   {"exim", testing::EximDsn},
      {"exchange", testing::ExchangeDsn}, {"gmail", testing::GmailDsn},
      {"delayed", testing::DelayedDsn},   {"qmail", testing::QmailBounce},
      {"arf", testing::ArfReport},        {"autoreply", testing::AutoReply},
  };
  return builders;
}

bool ValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Every value within its limit and free of control characters (no line ends, no NULs).
void CheckBounded(const BounceReport& r) {
  CHECK(r.recipients.size() <= kMaxRecipients);
  for (const std::string* v :
       {&r.reporting_mta, &r.feedback_type, &r.original_mail_from, &r.original_rcpt_to,
        &r.original_message_id, &r.original_return_path, &r.subject}) {
    CHECK(v->size() <= kMaxFieldChars);
    CHECK_FALSE(HasControl(*v));
  }
  for (const DsnRecipient& g : r.recipients) {
    for (const std::string* v : {&g.final_recipient, &g.original_recipient, &g.action, &g.status}) {
      CHECK(v->size() <= kMaxFieldChars);
      CHECK_FALSE(HasControl(*v));
    }
    CHECK(g.diagnostic.size() <= kMaxDiagnosticChars);
    CHECK_FALSE(HasControl(g.diagnostic));
  }
}

void CheckVerdict(const DsnRecipient& g, const Verdict& want) {
  const DsnClassification c = ClassifyDsn(g.action, g.status, g.diagnostic);
  INFO("action=" << g.action << " status=" << g.status << " diagnostic=" << g.diagnostic);
  CHECK(BounceSeverityName(c.severity) == BounceSeverityName(want.severity));
  CHECK(c.quarantine == want.quarantine);
  CHECK(c.rule == want.rule);
}

std::string WithCrlf(absl::string_view lf) {
  return absl::StrReplaceAll(lf, {{"\r\n", "\n"}, {"\n", "\r\n"}});
}

}  // namespace mc::execution::report_test
