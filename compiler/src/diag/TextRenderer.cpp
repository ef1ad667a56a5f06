// Renders diagnostics for people, in the layout clang made familiar.
#include <fmt/format.h>

#include "tenet/diag/Render.h"

namespace tenet {

namespace {

const char* severityColor(Severity s) {
  switch (s) {
    case Severity::Error: return "\x1b[1;31m";
    case Severity::Warning: return "\x1b[1;35m";
    case Severity::Note: return "\x1b[1;36m";
  }
  return "";
}

// Replaces tabs, control characters and bytes that are not UTF-8 so that the
// caret line lines up and the terminal receives text.
std::string displayLine(std::string_view line) {
  std::string out;
  while (!line.empty()) {
    auto bad = findInvalidUtf8(line);
    std::string_view good = line.substr(0, bad ? *bad : line.size());
    for (char c : good) {
      if (c == '\t') out += ' ';
      else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += '?';
      else out += c;
    }
    if (!bad) break;
    out += '?';
    line.remove_prefix(*bad + 1);
  }
  return out;
}

void header(std::ostream& out, const SourceManager& sm, SourceRange r, Severity sev, std::string_view message,
            std::string_view code, const TextRenderOptions& o) {
  const char* bold = o.color ? "\x1b[1m" : "";
  const char* reset = o.color ? "\x1b[0m" : "";
  if (r.valid()) {
    LineCol lc = sm.lineCol(r.file, r.begin);
    out << bold << sm.file(r.file).path << ':' << lc.line << ':' << lc.col << ": " << reset;
  } else {
    out << bold << "tenet: " << reset;
  }
  out << (o.color ? severityColor(sev) : "") << severityName(sev) << ':' << reset << ' ' << bold << message << reset;
  if (!code.empty()) out << " [" << code << ']';
  out << '\n';
}

void snippet(std::ostream& out, const SourceManager& sm, SourceRange r, const TextRenderOptions& o) {
  if (!r.valid()) return;
  LineCol start = sm.lineCol(r.file, r.begin);
  std::string_view line = sm.lineText(r.file, start.line);
  if (line.empty() && r.begin == r.end && sm.file(r.file).text.empty()) return;
  // Very long lines (minified input) are cut around the range.
  std::size_t lineBegin = sm.file(r.file).lineStarts[start.line - 1];
  std::size_t colByte = r.begin - lineBegin;
  std::size_t cut = 0;
  if (line.size() > 200 && colByte > 80) {
    cut = colByte - 60;
    while (cut < line.size() && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) ++cut;
  }
  std::string_view shown = line.substr(cut, 200);
  while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80 &&
         shown.size() < line.size() - cut)
    shown.remove_suffix(1);
  out << (cut ? "..." : "") << displayLine(shown) << (cut + shown.size() < line.size() ? "..." : "") << '\n';
  std::size_t caretCol = countCodePoints(line.substr(cut, colByte - cut)) + (cut ? 3 : 0);
  std::size_t endByte = std::min<std::size_t>(r.end > lineBegin ? r.end - lineBegin : colByte, cut + shown.size());
  std::size_t width = endByte > colByte ? countCodePoints(line.substr(colByte, endByte - colByte)) : 1;
  if (width == 0) width = 1;
  out << std::string(caretCol, ' ') << (o.color ? "\x1b[1;32m" : "") << '^' << std::string(width - 1, '~')
      << (o.color ? "\x1b[0m" : "") << '\n';
}

}  // namespace

void renderText(std::ostream& out, const SourceManager& sm, const Diagnostic& d, const TextRenderOptions& o) {
  header(out, sm, d.range, d.severity, d.message, d.name(), o);
  snippet(out, sm, d.range, o);
  for (const auto& n : d.notes) {
    header(out, sm, n.range, Severity::Note, n.message, "", o);
    snippet(out, sm, n.range, o);
  }
  if (!d.help.empty()) out << (o.color ? "\x1b[1;36m" : "") << "help:" << (o.color ? "\x1b[0m" : "") << ' ' << d.help << '\n';
}

void renderTextAll(std::ostream& out, const SourceManager& sm, const DiagnosticEngine& diags,
                   const TextRenderOptions& o) {
  for (const auto& d : diags.all()) renderText(out, sm, d, o);
  if (diags.dropped() > 0)
    out << "tenet: note: " << diags.dropped() << " more diagnostics were not shown; fix the ones above first\n";
}

std::string summaryLine(const DiagnosticEngine& diags) {
  std::size_t e = diags.errorCount(), w = diags.warningCount();
  auto plural = [](std::size_t n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  if (e && w) return plural(e, "error") + " and " + plural(w, "warning");
  if (e) return plural(e, "error");
  if (w) return plural(w, "warning");
  return "";
}

}  // namespace tenet
