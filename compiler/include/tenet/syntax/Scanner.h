/// @file Scanner.h
/// @brief Splits Tenet source into tokens exactly as grammar/TenetLexer.g4
/// defines them, directly over the UTF-8 bytes.
///
/// The grammar's lexer stays the definition of the tokens (the parser is
/// generated against it, and a test compares the two on every file of the
/// repository and on random text). The scanner does the same work without
/// converting the text to code points or walking a shared DFA per
/// character, so files scan in parallel without contention.
#pragma once

#include <cstdint>
#include <string_view>

namespace tenet {

/// One token. Positions are byte offsets; `line` counts from 1 and `column`
/// from 0 in code points, as ANTLR counts them.
struct ScannedToken {
  int type = 0;        ///< a token type of the generated TenetLexer, or -1 at the end
  int channel = 0;     ///< 0, or TenetLexer::COMMENTS or TenetLexer::ERRORS
  std::uint32_t begin = 0;
  std::uint32_t end = 0;  ///< one past the last byte
  std::uint32_t line = 1;
  std::uint32_t column = 0;
};

class Scanner {
 public:
  /// `text` must be valid UTF-8 and stay alive while the scanner is used.
  explicit Scanner(std::string_view text) : text_(text) {}

  /// The next token; whitespace is skipped. At the end of the text it
  /// returns the end token (type -1) with begin == end == the text's size,
  /// and keeps returning it.
  ScannedToken next();

  std::uint32_t line() const { return line_; }
  std::uint32_t column() const { return column_; }

 private:
  /// Moves the position to `to`, counting lines and code points.
  void advance(std::size_t to);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t column_ = 0;
};

}  // namespace tenet
