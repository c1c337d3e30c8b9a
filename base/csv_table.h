// A small strict reader for the plain CSV files offloadsim consumes (no quoting: none of our
// inputs quote, and a quote in one is reported rather than silently mis-split).
#pragma once

#include <cstdint>

#include <map>
#include <string>
#include <vector>

namespace offloadsim::base {

// Every CSV input (traces, tables, timings, logs) is read whole into memory: at most this many bytes.
inline constexpr std::uintmax_t kMaxCsvBytes = std::uintmax_t{1} << 30;

class CsvTable {
 public:
  // Reads `path`; throws InputError naming the file and line on a malformed row.
  static CsvTable read(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  size_t rows() const { return rows_.size(); }
  int line_of(size_t row) const { return lines_[row]; }

  // Column index by name; throws InputError naming the missing column.
  size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const { return index_.count(name) > 0; }

  const std::string& cell(size_t row, size_t col) const { return rows_[row][col]; }
  double number(size_t row, size_t col) const;
  int integer(size_t row, size_t col) const;
  bool boolean(size_t row, size_t col) const;  // True/False, true/false, 1/0

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::map<std::string, size_t> index_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<int> lines_;
};

std::vector<std::string> split_csv_line(const std::string& line, char sep = ',');

}  // namespace offloadsim::base
