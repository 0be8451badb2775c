// Test support shared by the report parser's tests (bounce_report_*test.cc, one ctest
// executable, mc_exec_bounce_reports_test): the spec every builder is called with (Spec, its
// VERP return path kReturnPath), every builder of testing/report_builder.h by name
// (AllBuilders), a parse that must succeed (Parse), and the checks most tests make: every value
// within its limit and free of control characters (CheckBounded), the verdict ClassifyDsn gives
// a recipient group (CheckVerdict), UTF-8 validity (ValidUtf8). WithCrlf turns a report written
// out with LF line ends into one as it arrives on the wire.
//
// Failure modes: Parse, CheckBounded and CheckVerdict report through Catch2 (CHECK, and REQUIRE
// in Parse, which ends the running TEST_CASE when the parser fails), so they are to be called
// from within a TEST_CASE only. Catch2's assertions are not thread-safe: call from the test's
// own thread. The other functions are pure.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "execution-service/bounces/bounce_report.h"
#include "execution-service/bounces/dsn_classification.h"
#include "execution-service/bounces/testing/report_builder.h"

namespace mc::execution::report_test {

// The bounce's To: and the returned message's Return-Path in Spec().
inline constexpr absl::string_view kReturnPath = "prod=eu-1-1-42-k3j5h2abqd@bounces.mc.test";

// A spec for bob@example.test, original id ev-rt-42@mc.test, Return-Path kReturnPath.
testing::BounceSpec Spec(std::string status = "5.1.1", std::string diagnostic = "");

// ParseBounceReport(message), REQUIRE'd to be ok.
BounceReport Parse(absl::string_view message);

using Builder = std::string (*)(const testing::BounceSpec&);

struct NamedBuilder {
  absl::string_view name;
  Builder build;
};

// All eight builders of report_builder.h, by a short name ("postfix", ..., "autoreply").
const std::vector<NamedBuilder>& AllBuilders();

bool ValidUtf8(absl::string_view s);

// Every value within its limit and free of control characters (no line ends, no NULs).
void CheckBounded(const BounceReport& r);

struct Verdict {
  BounceSeverity severity;
  bool quarantine;
  absl::string_view rule;
};

// What ClassifyDsn makes of the group's action, status and diagnostic is `want`.
void CheckVerdict(const DsnRecipient& g, const Verdict& want);

inline constexpr BounceSeverity kHard = BounceSeverity::kHard;
inline constexpr BounceSeverity kSoft = BounceSeverity::kSoft;

// LF to CRLF (a CRLF already there stays one).
std::string WithCrlf(absl::string_view lf);

}  // namespace mc::execution::report_test
