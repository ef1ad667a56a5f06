// The tokens of grammar/TenetLexer.g4, scanned over UTF-8 bytes. Each branch
// below names the lexer rules it stands for; where several rules could
// match, the longest match wins and, between equally long ones, the rule
// written first, as in ANTLR.
#include "tenet/syntax/Scanner.h"

#include <array>
#include <cstring>

#include "TenetLexer.h"

namespace tenet {

namespace {

using L = grammar::TenetLexer;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdChar(char c) { return isIdStart(c) || isDigit(c); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

struct Keyword {
  std::string_view word;
  int type;
};

constexpr std::array<Keyword, 43> kKeywords = {{
    {"project", L::PROJECT},     {"role", L::ROLE},
    {"policy", L::POLICY},       {"control", L::CONTROL},
    {"facts", L::FACTS},         {"framework", L::FRAMEWORK},
    {"group", L::GROUP},         {"requirement", L::REQUIREMENT},
    {"crosswalk", L::CROSSWALK}, {"applicability", L::APPLICABILITY},
    {"exception", L::EXCEPTION}, {"section", L::SECTION},
    {"statement", L::STATEMENT}, {"satisfies", L::SATISFIES},
    {"expect", L::EXPECT},       {"evidence", L::EVIDENCE},
    {"fresh", L::FRESH},         {"within", L::WITHIN},
    {"every", L::EVERY},         {"schema", L::SCHEMA},
    {"lint", L::LINT},           {"exclude", L::EXCLUDE},
    {"because", L::BECAUSE},     {"all", L::ALL},
    {"any", L::ANY},             {"count", L::COUNT},
    {"where", L::WHERE},         {"in", L::IN},
    {"and", L::AND},             {"or", L::OR},
    {"not", L::NOT},             {"else", L::ELSE},
    {"true", L::TRUE},           {"false", L::FALSE},
    {"none", L::NONE},           {"day", L::DAYS},
    {"days", L::DAYS},           {"week", L::WEEKS},
    {"weeks", L::WEEKS},         {"month", L::MONTHS},
    {"months", L::MONTHS},       {"year", L::YEARS},
    {"years", L::YEARS},
}};

/// The keyword rule an identifier-shaped word matches, or ID.
int wordType(std::string_view w) {
  // Keywords have 2 to 13 letters and no digit, underscore or hyphen.
  if (w.size() < 2 || w.size() > 13) return L::ID;
  for (const Keyword& k : kKeywords)
    if (k.word.size() == w.size() && std::memcmp(k.word.data(), w.data(), w.size()) == 0) return k.type;
  return L::ID;
}

/// The length of the UTF-8 sequence a lead byte starts (1 for anything else).
std::size_t sequenceLength(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

void Scanner::advance(std::size_t to) {
  for (; pos_ < to; ++pos_) {
    char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++column_;  // a code point starts here
    }
  }
}

ScannedToken Scanner::next() {
  const std::string_view s = text_;
  const std::size_t n = s.size();
  auto at = [&](std::size_t k) { return k < n ? s[k] : '\0'; };
  // WS: [ \t\r\n\f]+ -> skip
  std::size_t i = pos_;
  while (i < n && isSpace(s[i])) ++i;
  advance(i);

  ScannedToken t;
  t.begin = static_cast<std::uint32_t>(i);
  t.line = line_;
  t.column = column_;
  if (i >= n) {
    t.type = -1;
    t.end = t.begin;
    return t;
  }

  char c = s[i];
  std::size_t j = i + 1;
  int type = L::ERROR_CHAR;
  int channel = 0;
  if (isIdStart(c)) {
    // ID: [a-zA-Z_] [a-zA-Z0-9_]* ('-' [a-zA-Z0-9_]+)*, or the keyword it spells.
    while (j < n && isIdChar(s[j])) ++j;
    while (at(j) == '-' && isIdChar(at(j + 1))) {
      j += 2;
      while (j < n && isIdChar(s[j])) ++j;
    }
    type = wordType(s.substr(i, j - i));
  } else if (isDigit(c)) {
    // DATE: DDDD-DD-DD; NUMBER: DIGIT+ '.' DIGIT+; INT: DIGIT+.
    bool date = i + 10 <= n;
    for (std::size_t k = 0; date && k < 10; ++k) date = (k == 4 || k == 7) ? s[i + k] == '-' : isDigit(s[i + k]);
    if (date) {
      j = i + 10;
      type = L::DATE;
    } else {
      while (j < n && isDigit(s[j])) ++j;
      type = L::INT;
      if (at(j) == '.' && isDigit(at(j + 1))) {
        j += 2;
        while (j < n && isDigit(s[j])) ++j;
        type = L::NUMBER;
      }
    }
  } else if (c == '"') {
    if (at(i + 1) == '"' && at(i + 2) == '"') {
      // PROSE: '"""' .*? '"""', or UNTERMINATED_PROSE to the end of the file.
      std::size_t close = s.find("\"\"\"", i + 3);
      if (close == std::string_view::npos) {
        j = n;
        type = L::UNTERMINATED_PROSE;
      } else {
        j = close + 3;
        type = L::PROSE;
      }
    } else {
      // STRING: '"' (~["\\\r\n] | '\\' ~[\r\n])* '"', or UNTERMINATED_STRING
      // where the closing quote is missing.
      type = L::UNTERMINATED_STRING;
      while (j < n) {
        char d = s[j];
        if (d == '"') {
          ++j;
          type = L::STRING;
          break;
        }
        if (d == '\r' || d == '\n') break;
        if (d == '\\') {
          if (j + 1 >= n || s[j + 1] == '\r' || s[j + 1] == '\n') break;
          j += 1 + sequenceLength(static_cast<unsigned char>(s[j + 1]));
          continue;
        }
        ++j;
      }
    }
  } else if (c == '/' && at(i + 1) == '/') {
    // LINE_COMMENT: '//' ~[\r\n]* -> channel(COMMENTS)
    j = i + 2;
    while (j < n && s[j] != '\r' && s[j] != '\n') ++j;
    type = L::LINE_COMMENT;
    channel = L::COMMENTS;
  } else if (c == '/' && at(i + 1) == '*') {
    // BLOCK_COMMENT: '/*' .*? '*/', or UNTERMINATED_BLOCK_COMMENT to the end.
    std::size_t close = s.find("*/", i + 2);
    if (close == std::string_view::npos) {
      j = n;
      type = L::UNTERMINATED_BLOCK_COMMENT;
    } else {
      j = close + 2;
      type = L::BLOCK_COMMENT;
    }
    channel = L::ERRORS;
  } else if (c == '#') {
    // HASH_COMMENT: '#' (~[\r\n/] | '/' ~[/\r\n])* -> channel(ERRORS)
    while (j < n) {
      char d = s[j];
      if (d == '\r' || d == '\n') break;
      if (d == '/') {
        char e = at(j + 1);
        if (j + 1 >= n || e == '/' || e == '\r' || e == '\n') break;
        j += 2;
        continue;
      }
      ++j;
    }
    type = L::HASH_COMMENT;
    channel = L::ERRORS;
  } else {
    char d = at(i + 1);
    switch (c) {
      case '{': type = L::LBRACE; break;
      case '}': type = L::RBRACE; break;
      case '[': type = L::LBRACK; break;
      case ']': type = L::RBRACK; break;
      case '(': type = L::LPAREN; break;
      case ')': type = L::RPAREN; break;
      case '<': type = d == '=' ? L::LE : L::LT; break;
      case '>': type = d == '=' ? L::GE : L::GT; break;
      case '=': type = d == '=' ? L::EQEQ : L::ASSIGN; break;
      case '!': type = d == '=' ? L::NEQ : L::ERROR_CHAR; break;
      case '-': type = d == '>' ? L::ARROW : L::MINUS; break;
      case '+': type = L::PLUS; break;
      case ',': type = L::COMMA; break;
      case ':': type = L::COLON; break;
      case '.': type = L::DOT; break;
      case '?': type = L::QUESTION; break;
      case '|': type = L::PIPE; break;
      default: break;
    }
    if (type == L::LE || type == L::GE || type == L::EQEQ || type == L::NEQ || type == L::ARROW) j = i + 2;
    if (type == L::ERROR_CHAR) {
      // ERROR_CHAR: . -> channel(ERRORS), one code point.
      j = std::min(n, i + sequenceLength(static_cast<unsigned char>(c)));
      channel = L::ERRORS;
    }
  }
  t.type = type;
  t.channel = channel;
  t.end = static_cast<std::uint32_t>(j);
  advance(j);
  return t;
}

}  // namespace tenet
