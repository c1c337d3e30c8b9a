// Quoting for the POSIX shell: commands the tool prints for a user to run, or writes into scripts.
#pragma once

#include <string>

namespace offloadsim::sim {

// `s` as one shell word: in single quotes, a single quote written as '\''.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// `s` as one shell word, quoted only when it needs to be (so printed commands stay readable).
inline std::string shell_word(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of(
                                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                       "_-./=:,+@%") == std::string::npos;
  return plain ? s : shell_quote(s);
}

}  // namespace offloadsim::sim
