// Sample statistics shared by every runner that summarises samples.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

namespace offloadsim::base {

// The arithmetic mean; NaN when empty.
inline double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? std::nan("") : s / static_cast<double>(v.size());
}

// The standard error of the mean (sample standard deviation / √n); NaN for fewer than two samples.
inline double standard_error(const std::vector<double>& v) {
  if (v.size() < 2) return std::nan("");
  const double m = mean(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1)) / std::sqrt(static_cast<double>(v.size()));
}

// The half-width of the 95% confidence interval of the mean (Student's t, n − 1 degrees of
// freedom): mean ± this; NaN for fewer than two samples.
inline double ci95_half_width(const std::vector<double>& v) {
  if (v.size() < 2) return std::nan("");
  const boost::math::students_t t(static_cast<double>(v.size() - 1));
  return boost::math::quantile(boost::math::complement(t, 0.025)) * standard_error(v);
}

// The middle value (the mean of the two middle values for an even count); NaN when empty.
inline double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The sample at rank ⌊q·(n−1)⌋ of the sorted values (no interpolation); NaN when empty.
inline double lower_quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(std::floor(q * static_cast<double>(v.size() - 1)))];
}

// Kendall's rank correlation τ-b of paired samples (ties in either count against neither
// concordance nor discordance, and shrink the denominator); NaN for fewer than two pairs or when
// either side is constant.
inline double kendall_tau(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = std::min(x.size(), y.size());
  double concordant = 0, discordant = 0, tied_x = 0, tied_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dx = x[i] - x[j], dy = y[i] - y[j];
      if (dx == 0 && dy == 0) continue;
      if (dx == 0) {
        ++tied_x;
      } else if (dy == 0) {
        ++tied_y;
      } else if ((dx > 0) == (dy > 0)) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  const double denominator = std::sqrt((concordant + discordant + tied_x) * (concordant + discordant + tied_y));
  return denominator > 0 ? (concordant - discordant) / denominator : std::nan("");
}

}  // namespace offloadsim::base
