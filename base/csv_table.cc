#include "base/csv_table.h"

#include <filesystem>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "base/input_error.h"

namespace offloadsim::base {

std::vector<std::string> split_csv_line(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : line) {
    if (ch == sep) {
      out.push_back(cur);
      cur.clear();
    } else if (ch != '\r') {
      cur.push_back(ch);
    }
  }
  out.push_back(cur);
  return out;
}

CsvTable CsvTable::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, "", std::string("cannot open file: ") + std::strerror(errno));
  std::error_code ec;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxCsvBytes) {
    throw InputError(path, 0, "",
                     "is " + std::to_string(size) + " bytes; a CSV input may be at most 1 GiB (docs/limits.md)");
  }
  CsvTable t;
  t.path_ = path;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line == "\r") continue;
    if (line.find('"') != std::string::npos) {
      throw InputError(path, lineno, "", "quoted CSV fields are not supported");
    }
    std::vector<std::string> fields = split_csv_line(line);
    if (t.header_.empty()) {
      t.header_ = fields;
      for (size_t i = 0; i < fields.size(); ++i) t.index_[fields[i]] = i;
      continue;
    }
    if (fields.size() != t.header_.size()) {
      throw InputError(path, lineno, "",
                       "expected " + std::to_string(t.header_.size()) + " fields (as in the header), found " +
                           std::to_string(fields.size()));
    }
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(lineno);
  }
  if (t.header_.empty()) throw InputError(path, 0, "", "file is empty (no header line)");
  return t;
}

size_t CsvTable::column(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw InputError(path_, 1, name, "required column is missing from the header");
  return it->second;
}

double CsvTable::number(size_t row, size_t col) const {
  const std::string& s = rows_[row][col];
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) {
    throw InputError(path_, lines_[row], header_[col], "'" + s + "' is not a finite number");
  }
  return v;
}

int CsvTable::integer(size_t row, size_t col) const {
  const std::string& s = rows_[row][col];
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || v < -2147483647L || v > 2147483647L) {
    throw InputError(path_, lines_[row], header_[col], "'" + s + "' is not an integer");
  }
  return static_cast<int>(v);
}

bool CsvTable::boolean(size_t row, size_t col) const {
  const std::string& s = rows_[row][col];
  if (s == "True" || s == "true" || s == "1") return true;
  if (s == "False" || s == "false" || s == "0") return false;
  throw InputError(path_, lines_[row], header_[col], "'" + s + "' is not a boolean (True/False)");
}

}  // namespace offloadsim::base
