// An error in an input file (a data table or a trace): names the file, the line and the field.
#pragma once

#include <stdexcept>
#include <string>

namespace offloadsim::base {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& file, int line, const std::string& field, const std::string& what)
      : std::runtime_error(format(file, line, field, what)), file_(file), line_(line), field_(field) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& field() const { return field_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& field, const std::string& what) {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!field.empty()) s += field + ": ";
    return s + what;
  }
  std::string file_;
  int line_;
  std::string field_;
};

}  // namespace offloadsim::base
