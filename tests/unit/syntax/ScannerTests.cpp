// The Scanner must give exactly the tokens of the grammar's lexer: the same
// types, channels, positions, lines and columns, on every .tenet file of the
// repository, on written edge cases and on random text.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "TenetLexer.h"
#include "antlr4-runtime.h"
#include "tenet/base/Source.h"
#include "tenet/syntax/Scanner.h"

using namespace tenet;
namespace fs = std::filesystem;

namespace {

struct Tok {
  int type, channel;
  std::uint32_t begin, end, line, column;
  bool operator==(const Tok&) const = default;
};

std::string describe(const std::vector<Tok>& toks, std::string_view text) {
  std::ostringstream out;
  for (const Tok& t : toks)
    out << t.type << "/" << t.channel << " [" << t.begin << "," << t.end << ") " << t.line << ":" << t.column << " '"
        << text.substr(t.begin, t.end - t.begin) << "'\n";
  return out.str();
}

/// The generated lexer's tokens, with positions turned into byte offsets.
std::vector<Tok> antlrTokens(const std::string& text) {
  std::vector<std::uint32_t> byteOf;
  for (std::size_t i = 0; i < text.size();) {
    byteOf.push_back(static_cast<std::uint32_t>(i));
    decodeUtf8(text, i);
  }
  byteOf.push_back(static_cast<std::uint32_t>(text.size()));
  antlr4::ANTLRInputStream input(text);
  tenet::grammar::TenetLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<Tok> out;
  for (;;) {
    auto t = lexer.nextToken();
    bool eof = t->getType() == antlr4::Token::EOF;
    std::uint32_t begin = byteOf[std::min(t->getStartIndex(), byteOf.size() - 1)];
    std::uint32_t end = eof ? begin : byteOf[t->getStopIndex() + 1];
    out.push_back(Tok{eof ? -1 : static_cast<int>(t->getType()), static_cast<int>(t->getChannel()), begin, end,
                      static_cast<std::uint32_t>(t->getLine()), static_cast<std::uint32_t>(t->getCharPositionInLine())});
    if (eof) break;
  }
  return out;
}

std::vector<Tok> scannerTokens(const std::string& text) {
  Scanner s(text);
  std::vector<Tok> out;
  for (;;) {
    ScannedToken t = s.next();
    out.push_back(Tok{t.type, t.channel, t.begin, t.end, t.line, t.column});
    if (t.type == -1) break;
  }
  return out;
}

void same(const std::string& text, const std::string& name) {
  auto expected = antlrTokens(text);
  auto actual = scannerTokens(text);
  INFO(name);
  INFO("grammar's lexer:\n" << describe(expected, text) << "scanner:\n" << describe(actual, text));
  CHECK(actual == expected);
}

}  // namespace

TEST_CASE("the scanner agrees with the grammar's lexer on every file of the repository", "[syntax][scanner]") {
  std::size_t files = 0;
  for (const char* dir : {"examples", "tests/golden", "tests/format", "stdlib", "tests/site"}) {
    fs::path root = fs::path(TENET_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".tenet") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (findInvalidUtf8(text)) continue;  // such files are refused before scanning
      if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // and the mark is removed
      same(text, e.path().string());
      ++files;
    }
  }
  CHECK(files > 100);
}

TEST_CASE("the scanner agrees with the grammar's lexer on edge cases", "[syntax][scanner]") {
  const char* cases[] = {
      "",
      " \t\r\n\f",
      "policy policyx policy-x policy_ days day dayss all-users in2 _x x-1-y x- x--y",
      "2026-01-15 2026-01-150 12026-01-15 2026-1-15 2026-01-1 1.5 1. .5 1..2 007 1.2.3 2026-01-15.5",
      "<= >= == != -> < > = - + , : . ? | ! !! =>",
      "\"\" \"a\" \"a\\\"b\" \"a\\\\\" \"unterminated\n\"x\\\n\"\\",
      "\"\"\"\"\"\" \"\"\"a\"\"\"\" \"\"\"\"",
      "\"\"\"prose \"\" \" with \"quotes\"\"\"",
      "\"\"\"unterminated prose\n...",
      "\"\"\"",
      "\"\"\"a\"",
      "\"\"\"a\"\"",
      "// comment\r\n//\n// é",
      "# hash / comment // then line\n#a/b/ c\n#x/\n#/",
      "/* block */ /* multi\nline */ /*/ unterminated",
      "/**/ /***/ /* a * / b */ /*",
      "/ * \\ @ $ % ^ & ; ' ` ~",
      "é € 😀 \xe2\x80\x8b x\xc3\xa9",
      "role ciso \"CISO\" {\n  holder = \"Dana\"\n}\n",
      "x.y.z A.5.15 soc2.CC6.1 iso27001.A.8.5",
  };
  for (const char* c : cases) same(c, c);
  same(std::string("a\0b\0", 4), "NUL bytes");
}

TEST_CASE("the scanner agrees with the grammar's lexer on random text", "[syntax][scanner]") {
  // Fragments chosen to meet at every boundary where two rules compete.
  const std::vector<std::string> pieces = {
      "\"", "\"\"", "\"\"\"", "\\", "/", "*", "#", "-", ">", "<", "=", "!", ".", ",", ":", "?", "|", "{", "}",
      "(", ")", "[", "]", "+", "0", "1", "9", "2026", "-01", "a", "Z", "_", "x-", "day", "all", "in", "none",
      "policy", " ", "  ", "\n", "\r\n", "\r", "\t", "é", "€", "😀", "//", "/*", "*/", std::string(1, '\0'), "@"};
  std::mt19937 rng(20261122);
  std::uniform_int_distribution<std::size_t> length(0, 40), pick(0, pieces.size() - 1);
  for (int n = 0; n < 5000; ++n) {
    std::string text;
    for (std::size_t k = length(rng); k > 0; --k) text += pieces[pick(rng)];
    same(text, "random text " + std::to_string(n));
  }
}
