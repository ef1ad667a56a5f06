// `tenet fmt`: finds the .tenet files, formats each one on its own, and
// rewrites, lists or diffs the ones that change. A file is replaced
// atomically (a temporary file in the same folder, synced, then renamed over
// it), so a failure never leaves a truncated or half-written file behind.
#include "FmtCommand.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "Color.h"
#include "tenet/base/Files.h"
#include "tenet/diag/Render.h"
#include "tenet/driver/Compilation.h"
#include "tenet/format/Format.h"

namespace fs = std::filesystem;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;
constexpr std::size_t kMaxFileBytes = 16u << 20;  // as `tenet check`

struct Collector {
  std::vector<std::string> files;  // as shown to users, which is also a usable path
  std::set<std::string> seen;
  std::string root;  // the folder of the path being collected
  bool failed = false;

  void add(const std::string& path) {
    // As `tenet check`: a link out of the folder given is neither read nor
    // written through.
    if (auto outside = tenet::linkLeavingFolder(path, root)) {
      std::cerr << path << ": error: '" << path << "' is a symbolic link to '" << *outside
                << "', which is outside the folder '" << root
                << "' that Tenet was given; it was not formatted [link-outside-project]\n";
      failed = true;
      return;
    }
    std::error_code ec;
    auto canonical = fs::weakly_canonical(path, ec);
    if (!ec && !seen.insert(canonical.string()).second) return;
    files.push_back(path);
  }

  // The same rules as `tenet check` (docs/cli.md, "Which files are read").
  void walk(const std::string& dir, unsigned depth) {
    std::error_code ec;
    std::vector<tenet::FolderEntry> entries = tenet::sourceFolderEntries(dir, ec);
    if (ec) {
      std::cerr << "tenet: error: cannot read the folder '" << dir << "': " << ec.message() << '\n';
      failed = true;
      return;
    }
    for (const auto& [name, isDir] : entries) {
      std::string p = tenet::joinDisplay(dir, name);
      if (!isDir) {
        add(p);
      } else if (depth < tenet::kMaxFolderDepth) {
        walk(p, depth + 1);
      } else {
        std::cerr << "tenet: warning: the folder '" << p << "' is more than " << tenet::kMaxFolderDepth
                  << " levels deep; nothing inside it was formatted\n";
      }
    }
  }

  void collect(const std::string& path) {
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      std::cerr << "tenet: error: '" << path << "' does not exist\n";
      failed = true;
      return;
    }
    root = tenet::rootOfPath(path);
    if (fs::is_directory(st)) {
      std::size_t before = files.size();
      walk(path, 0);
      if (files.size() == before && !failed)
        std::cerr << "tenet: warning: no .tenet files were found in '" << path << "'\n";
    } else {
      add(path);
    }
  }
};

/// Reads a source file as `tenet check` does; says why when it cannot.
bool readSource(const std::string& path, std::string& text, std::string& why) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (!ec && !fs::is_regular_file(st)) {
    why = "it is not a regular file; Tenet formats source files only";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = std::strerror(errno ? errno : EIO);
    return false;
  }
  char chunk[1 << 16];
  while (text.size() <= kMaxFileBytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) {
    why = std::strerror(errno ? errno : EIO);
    return false;
  }
  if (text.size() > kMaxFileBytes) {
    why = "it is larger than 16 MiB";
    return false;
  }
  return true;
}

std::vector<std::string> splitLines(const std::string& s, bool& lastHasNewline) {
  std::vector<std::string> lines;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find('\n', i);
    if (j == std::string::npos) {
      lines.push_back(s.substr(i));
      lastHasNewline = false;
      return lines;
    }
    lines.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  lastHasNewline = true;
  return lines;
}

}  // namespace

std::string unifiedDiff(const std::string& path, const std::string& before, const std::string& after) {
  if (before == after) return "";
  bool aNl = true, bNl = true;
  std::vector<std::string> a = splitLines(before, aNl), b = splitLines(after, bNl);
  // A last line without a line break differs from the same line with one.
  if (!aNl && !a.empty()) a.back() += '\x01';
  if (!bNl && !b.empty()) b.back() += '\x01';

  // The edit script: common prefix and suffix, then an LCS of the middle
  // (or, for a middle too large to compare, all of it replaced).
  enum Op : char { Same = ' ', Del = '-', Ins = '+' };
  struct Edit {
    Op op;
    std::size_t ai, bi;  // line indices (ai for Same/Del, bi for Same/Ins)
  };
  std::size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  std::vector<Edit> edits;
  for (std::size_t i = 0; i < pre; ++i) edits.push_back({Same, i, i});
  std::size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  if (n * m <= 4'000'000) {
    std::vector<std::uint32_t> L((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return L[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
      for (std::size_t j = m; j-- > 0;)
        at(i, j) = a[pre + i] == b[pre + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] == b[pre + j]) {
        edits.push_back({Same, pre + i++, pre + j++});
      } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
        edits.push_back({Del, pre + i++, pre + j});
      } else {
        edits.push_back({Ins, pre + i, pre + j++});
      }
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) edits.push_back({Del, pre + i, pre});
    for (std::size_t j = 0; j < m; ++j) edits.push_back({Ins, pre + n, pre + j});
  }
  for (std::size_t k = 0; k < suf; ++k) edits.push_back({Same, a.size() - suf + k, b.size() - suf + k});

  // Hunks: changes with 3 lines of context, merged when their context meets.
  constexpr std::size_t kContext = 3;
  std::ostringstream out;
  out << "--- a/" << path << "\n+++ b/" << path << '\n';
  auto range = [](std::size_t start, std::size_t count) {
    std::string s = std::to_string(count == 0 ? start : start + 1);
    if (count != 1) s += "," + std::to_string(count);
    return s;
  };
  auto line = [&](char op, const std::string& text) {
    bool noNl = !text.empty() && text.back() == '\x01';
    out << op << (noNl ? text.substr(0, text.size() - 1) : text) << '\n';
    if (noNl) out << "\\ No newline at end of file\n";
  };
  std::size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == Same) ++k;
    if (k == edits.size()) break;
    std::size_t start = k >= kContext ? k - kContext : 0;
    std::size_t end = k;  // one past the last change of the hunk
    std::size_t j = k;
    while (j < edits.size()) {
      if (edits[j].op != Same) {
        end = j + 1;
        ++j;
        continue;
      }
      std::size_t s = j;
      while (s < edits.size() && edits[s].op == Same) ++s;
      if (s == edits.size() || s - j > 2 * kContext) break;
      j = s;
    }
    std::size_t stop = std::min(edits.size(), end + kContext);
    std::size_t aStart = edits[start].ai, bStart = edits[start].bi, aCount = 0, bCount = 0;
    for (std::size_t e = start; e < stop; ++e) {
      if (edits[e].op != Ins) ++aCount;
      if (edits[e].op != Del) ++bCount;
    }
    out << "@@ -" << range(aStart, aCount) << " +" << range(bStart, bCount) << " @@\n";
    for (std::size_t e = start; e < stop; ++e) {
      const Edit& ed = edits[e];
      line(static_cast<char>(ed.op), ed.op == Ins ? b[ed.bi] : a[ed.ai]);
    }
    k = stop;
  }
  return out.str();
}

CLI::App* addFmtCommand(CLI::App& app, FmtArgs& args) {
  auto* fmt = app.add_subcommand(
      "fmt",
      "Rewrite .tenet files in Tenet's one canonical layout: indentation, spacing, the order of\n"
      "properties in each block, and '=' aligned in runs of properties. Comments stay with the\n"
      "lines they describe and prose blocks are kept exactly as written; the meaning of the\n"
      "files never changes. Files with syntax errors are left alone.");
  fmt->add_option("paths", args.paths,
                  "Files or folders to format. Folders are searched for .tenet files.\n"
                  "Default: the current folder.");
  fmt->add_flag("--check", args.check,
                "Write nothing; list the files that are not formatted, and exit with 1 if there are any.");
  fmt->add_flag("--diff", args.diff,
                "Write nothing; show the changes formatting would make as a unified diff, and exit with 1 if "
                "there are any.");
  fmt->add_option("--stdlib", args.stdlib,
                  "Accepted as by the other commands; formatting reads each file on its own and does not use "
                  "the catalogues.");
  fmt->add_option("--color", args.color, "Colour the problems shown: auto (on a terminal only), always or never.")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  return fmt;
}

int runFmt(const FmtArgs& args) {
  if (!args.stdlib.empty() && !fs::is_directory(args.stdlib)) {
    std::cerr << "tenet: error: the stdlib folder '" << args.stdlib << "' does not exist\n";
    return kExitUsage;
  }
  Collector files;
  if (args.paths.empty()) files.collect(".");
  for (const auto& p : args.paths) files.collect(p);

  tenet::TextRenderOptions ro;
  ro.color = useColor(args.color, STDERR_FILENO);
  bool failed = files.failed;
  std::size_t unformatted = 0, rewritten = 0;
  for (const auto& path : files.files) {
    std::string text, why;
    if (!readSource(path, text, why)) {
      std::cerr << "tenet: error: cannot read '" << path << "': " << why << '\n';
      failed = true;
      continue;
    }
    tenet::SourceManager sm;
    tenet::DiagnosticEngine diags;
    tenet::FormatOutcome r = tenet::formatText(sm, diags, path, text);
    if (r.status == tenet::FormatStatus::InvalidInput) {
      tenet::renderTextAll(std::cerr, sm, diags, ro);
      std::cerr << "tenet: " << path << " was not formatted: fix the errors above first (see 'tenet check').\n";
      failed = true;
      continue;
    }
    if (r.status == tenet::FormatStatus::Refused) {
      std::cerr << "tenet: error: " << path << " was not formatted, because " << r.message
                << ". The file is unchanged. This is a mistake in tenet, not in your file; please report it "
                   "with the file.\n";
      failed = true;
      continue;
    }
    if (r.text == text) continue;
    ++unformatted;
    if (args.diff) {
      std::cout << unifiedDiff(path, text, r.text);
    } else if (args.check) {
      std::cout << path << '\n';
    } else if (!tenet::replaceFileAtomically(path, r.text, why)) {
      std::cerr << "tenet: error: cannot rewrite '" << path << "': " << why << ". The file is unchanged.\n";
      failed = true;
    } else {
      ++rewritten;
      std::cout << "Formatted " << path << '\n';
    }
  }
  std::cout.flush();
  if ((args.check || args.diff) && unformatted > 0)
    std::cerr << "tenet: " << unformatted << (unformatted == 1 ? " file is" : " files are")
              << " not formatted; run 'tenet fmt' to format " << (unformatted == 1 ? "it" : "them") << ".\n";
  if (failed || !std::cout) return kExitUsage;
  if ((args.check || args.diff) && unformatted > 0) return kExitFindings;
  return kExitOk;
}
