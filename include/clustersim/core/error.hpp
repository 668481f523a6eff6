// Errors. Bad input raises InputError, whose message has the form `file:line: what is wrong`;
// when the problem is the whole file (it cannot be opened, is a folder, an output cannot be
// written) the line is 0 and the message is `file: what is wrong`, e.g.
// `t.csv: cannot open: No such file or directory`. Problems with an option carry no file and
// read `what is wrong` naming the option. The CLI prints the message on one line, exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace clustersim {

class InputError : public std::runtime_error {
 public:
  /// `line` 0 = the whole file (no line number is printed).
  InputError(std::string file, long line, const std::string& message);
  /// For problems with an option or a value that has no file position.
  explicit InputError(const std::string& message);

  const std::string& file() const { return file_; }
  long line() const { return line_; }

 private:
  std::string file_;
  long line_ = 0;
};

/// Violated internal invariant: a bug in clustersim or in a policy, not in the input.
class InvariantError : public std::logic_error {
  using std::logic_error::logic_error;
};

}  // namespace clustersim
