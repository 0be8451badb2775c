#include "bench/ratio_spread.h"

#include <algorithm>
#include <cstdio>

namespace mc::bench {

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void PrintRatioSpread(const std::string& prefix, const std::vector<double>& ratios) {
  if (ratios.empty()) return;
  std::printf("%s over %zu rounds: median %.3f, min %.3f, max %.3f\n", prefix.c_str(),
              ratios.size(), Median(ratios), *std::min_element(ratios.begin(), ratios.end()),
              *std::max_element(ratios.begin(), ratios.end()));
}

}  // namespace mc::bench
