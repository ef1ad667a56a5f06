// The ANTLR baseline of Tenet's benchmark kit (bench/run.py): parses .tenet
// files with the generated parser exactly as ANTLR's defaults have it, as a
// naive tool would, so that `tenet check` has a reference to be compared to.
//
//   tenet_antlr_baseline PATH...
//
// Each PATH is a file or a folder (searched recursively for files whose name
// ends in .tenet; names starting with a dot and node_modules are skipped, as
// tenet check does). For each file, in sorted order: ANTLRInputStream,
// TenetLexer, CommonTokenStream, TenetParser with its default settings (the
// default prediction mode, LL with SLL tried first inside the ATN simulator
// as ANTLR does by default, the default error strategy, the console error
// listener, parse tree building on), then the start rule `file`. Every parse
// tree, together with the input, lexer, token stream and parser it came from,
// is kept alive until all files are parsed, as a tool that parses a project
// and then walks the trees would.
//
// Prints one line: `files N tokens T syntax-errors E bytes B` (T counts every
// token of the token streams, hidden channels and EOF included). Exit status:
// 0 when every file parsed without a syntax error, 1 when some file had one,
// 2 when a path could not be read.
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "TenetLexer.h"
#include "TenetParser.h"
#include "antlr4-runtime.h"

namespace fs = std::filesystem;

namespace {

struct Parsed {
  std::unique_ptr<antlr4::ANTLRInputStream> input;
  std::unique_ptr<tenet::grammar::TenetLexer> lexer;
  std::unique_ptr<antlr4::CommonTokenStream> tokens;
  std::unique_ptr<tenet::grammar::TenetParser> parser;
  tenet::grammar::TenetParser::FileContext* tree = nullptr;  // owned by the parser
};

bool skipped(const fs::path& p) {
  std::string name = p.filename().string();
  return (!name.empty() && name[0] == '.') || name == "node_modules";
}

bool collect(const fs::path& path, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    out.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, ec)) {
    std::cerr << "tenet_antlr_baseline: " << path.string() << ": no such file or folder\n";
    return false;
  }
  fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
  if (ec) {
    std::cerr << "tenet_antlr_baseline: " << path.string() << ": " << ec.message() << "\n";
    return false;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) {
      std::cerr << "tenet_antlr_baseline: " << path.string() << ": " << ec.message() << "\n";
      return false;
    }
    if (skipped(it->path())) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".tenet") out.push_back(it->path());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: tenet_antlr_baseline PATH...\n";
    return 2;
  }
  std::vector<fs::path> files;
  bool ok = true;
  for (int i = 1; i < argc; ++i) ok = collect(argv[i], files) && ok;
  if (!ok) return 2;
  std::sort(files.begin(), files.end());

  std::vector<Parsed> parsed;
  parsed.reserve(files.size());
  std::size_t tokens = 0, errors = 0, bytes = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "tenet_antlr_baseline: " << file.string() << ": cannot be read\n";
      return 2;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes += text.size();
    Parsed p;
    p.input = std::make_unique<antlr4::ANTLRInputStream>(text);
    p.input->name = file.string();
    p.lexer = std::make_unique<tenet::grammar::TenetLexer>(p.input.get());
    p.tokens = std::make_unique<antlr4::CommonTokenStream>(p.lexer.get());
    p.parser = std::make_unique<tenet::grammar::TenetParser>(p.tokens.get());
    p.tree = p.parser->file();
    tokens += p.tokens->getTokens().size();
    errors += p.parser->getNumberOfSyntaxErrors();
    parsed.push_back(std::move(p));
  }
  // Every tree is still alive here.
  std::size_t trees = 0;
  for (const auto& p : parsed) trees += p.tree != nullptr;
  std::cout << "files " << files.size() << " trees " << trees << " tokens " << tokens << " syntax-errors " << errors
            << " bytes " << bytes << "\n";
  return errors ? 1 : 0;
}
