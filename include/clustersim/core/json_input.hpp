// JSON input with line numbers. nlohmann::json reports the position of syntax errors only; this
// wrapper also records the line on which every value starts (keyed by JSON pointer), so semantic
// errors in cluster specs and run configs can say `file:line: what is wrong` as well.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace clustersim {

/// `key` escaped as one JSON-pointer token (RFC 6901: '~' -> "~0", '/' -> "~1").
std::string json_pointer_token(const std::string& key);

class JsonInput {
 public:
  /// Reads and parses `path`; throws InputError(file:line) on unreadable files and bad syntax.
  explicit JsonInput(std::string path);
  /// Parses text that came from `path` (for tests and for stdin).
  JsonInput(std::string path, const std::string& text);

  const nlohmann::json& root() const { return root_; }
  const std::string& path() const { return path_; }
  /// Line of the value at `pointer` (e.g. "/switches/0/nodes"); 0 if unknown.
  long line_of(const std::string& pointer) const;
  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const;

  // Typed access relative to a pointer; each throws InputError at the value's line.
  const nlohmann::json& at(const std::string& pointer) const;
  bool has(const std::string& pointer) const;
  double number(const std::string& pointer) const;
  std::int64_t integer(const std::string& pointer) const;
  std::string string(const std::string& pointer) const;
  /// Throws at the key's line for a key of the object at `pointer` that is not in `known`
  /// ("unknown key 'gpuz' (did you mean gpus?) (known: ...)"): a misspelt optional key would
  /// otherwise be ignored silently.
  void check_keys(const std::string& pointer, std::initializer_list<std::string_view> known) const;

 private:
  std::string path_;
  nlohmann::json root_;
  std::unordered_map<std::string, long> lines_;
  void index_lines(const std::string& text);
};

}  // namespace clustersim
