// The benchmarks' summary of a ratio measured in rounds: the median (of an even count, the mean
// of the middle two; 0 for none) and the line that prints it with its spread, so that every
// phase reports the same way. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

namespace mc::bench {

double Median(std::vector<double> v);

// "<prefix> over N rounds: median M, min A, max B"; nothing for no rounds.
void PrintRatioSpread(const std::string& prefix, const std::vector<double>& ratios);

}  // namespace mc::bench
