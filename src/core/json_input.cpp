#include "clustersim/core/json_input.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "clustersim/core/csv.hpp"
#include "clustersim/core/error.hpp"
#include "clustersim/core/params.hpp"

namespace clustersim {

namespace {
long line_at(const std::string& text, std::size_t byte) {
  long line = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i)
    line += text[i] == '\n';
  return line;
}
}  // namespace

std::string json_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

JsonInput::JsonInput(std::string path) : JsonInput(path, read_file(path)) {}

JsonInput::JsonInput(std::string path, const std::string& text) : path_(std::move(path)) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw InputError(path_, 1, "empty file");
  try {
    root_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    auto cut = what.find("parse error");
    throw InputError(path_, line_at(text, e.byte == 0 ? 0 : e.byte - 1),
                     "invalid JSON: " + (cut == std::string::npos ? what : what.substr(cut)));
  } catch (const nlohmann::json::exception& e) {
    // E.g. "number overflow parsing '1e400'": no byte offset, so find the quoted token.
    std::string what = e.what();
    auto cut = what.find("] ");
    if (cut != std::string::npos) what = what.substr(cut + 2);
    long line = 1;
    if (auto q = what.find('\''); q != std::string::npos) {
      auto q2 = what.find('\'', q + 1);
      if (q2 != std::string::npos) {
        auto at = text.find(what.substr(q + 1, q2 - q - 1));
        if (at != std::string::npos) line = line_at(text, at);
      }
    }
    throw InputError(path_, line, "invalid JSON: " + what);
  }
  index_lines(text);
}

// A minimal scanner over already-valid JSON that records where each value starts.
void JsonInput::index_lines(const std::string& t) {
  struct Frame {
    bool object;
    std::string prefix;
    long index = 0;
    std::string key;
  };
  std::vector<Frame> stack;
  long line = 1;
  std::size_t i = t.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // a BOM, which the parser skips
  auto current_pointer = [&]() -> std::string {
    if (stack.empty()) return "";
    auto& f = stack.back();
    return f.prefix + "/" + (f.object ? json_pointer_token(f.key) : std::to_string(f.index));
  };
  auto read_string = [&]() {
    std::string s;
    ++i;  // opening quote
    while (i < t.size() && t[i] != '"') {
      if (t[i] == '\\' && i + 1 < t.size()) {
        s += t[i + 1];
        i += 2;
      } else {
        s += t[i++];
      }
    }
    ++i;
    return s;
  };
  bool expect_key = false;
  while (i < t.size()) {
    char c = t[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == ':') {
      ++i;
    } else if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object)
          expect_key = true;
        else
          ++stack.back().index;
      }
      ++i;
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      expect_key = false;
      ++i;
    } else if (c == '"' && expect_key) {
      stack.back().key = read_string();
      expect_key = false;
    } else {
      std::string ptr = current_pointer();
      lines_.emplace(ptr, line);
      if (c == '{' || c == '[') {
        stack.push_back(Frame{c == '{', ptr, 0, {}});
        expect_key = c == '{';
        ++i;
      } else if (c == '"') {
        read_string();
      } else {
        while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != '\n')
          ++i;
      }
    }
  }
}

long JsonInput::line_of(const std::string& pointer) const {
  // Fall back to the nearest ancestor that has a recorded line (e.g. for a missing key).
  std::string p = pointer;
  while (true) {
    if (auto it = lines_.find(p); it != lines_.end()) return it->second;
    if (p.empty()) return 1;
    p.erase(p.rfind('/'));
  }
}

void JsonInput::fail(const std::string& pointer, const std::string& message) const {
  throw InputError(path_, line_of(pointer), message);
}

bool JsonInput::has(const std::string& pointer) const {
  return root_.contains(nlohmann::json::json_pointer(pointer));
}

const nlohmann::json& JsonInput::at(const std::string& pointer) const {
  nlohmann::json::json_pointer jp(pointer);
  if (!root_.contains(jp)) fail(pointer, fmt::format("missing '{}'", pointer));
  return root_.at(jp);
}

double JsonInput::number(const std::string& pointer) const {
  const auto& v = at(pointer);
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    fail(pointer, fmt::format("'{}' must be a number", pointer));
  }
  return v.get<double>();
}

std::int64_t JsonInput::integer(const std::string& pointer) const {
  const auto& v = at(pointer);
  if (!v.is_number_integer()) fail(pointer, fmt::format("'{}' must be an integer", pointer));
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(pointer, fmt::format("'{}' is too large", pointer));
  }
  return v.get<std::int64_t>();
}

std::string JsonInput::string(const std::string& pointer) const {
  const auto& v = at(pointer);
  if (!v.is_string()) fail(pointer, fmt::format("'{}' must be a string", pointer));
  return v.get<std::string>();
}

void JsonInput::check_keys(const std::string& pointer,
                           std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : at(pointer).items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::vector<std::string> names(known.begin(), known.end());
    std::string list;
    for (const auto& n : names)
      list += (list.empty() ? "" : ", ") + n;
    fail(pointer + "/" + json_pointer_token(key),
         fmt::format("unknown key '{}'{} (known: {})", key, did_you_mean(key, names), list));
  }
}

}  // namespace clustersim
