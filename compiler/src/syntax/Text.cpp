// String and prose literals: escapes, dedenting of prose, and `{name}`
// interpolations. Works on bytes; positions map back to the source file.
#include <cctype>

#include "tenet/syntax/Parser.h"

namespace tenet {

namespace {

/// `text` as quoted in a message: at most 60 characters, cut at a character
/// boundary and marked with "...", so that a runaway brace does not quote
/// the rest of the file.
std::string quoteShort(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

struct Cooked {
  std::string text;
  std::vector<std::uint32_t> offsets;  // source offset of each byte of `text`
};

Cooked cookString(std::string_view raw, std::uint32_t base, FileId file, DiagnosticEngine& diags) {
  Cooked c;
  c.text.reserve(raw.size());
  c.offsets.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char ch = raw[i];
    auto at = static_cast<std::uint32_t>(base + i);
    if (ch == '\\' && i + 1 < raw.size()) {
      char e = raw[i + 1];
      char out;
      switch (e) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case 'n': out = '\n'; break;
        case 't': out = '\t'; break;
        default: {
          std::size_t j = i + 1;
          std::size_t k = j;
          decodeUtf8(raw, k);
          diags.report(DiagCode::InvalidEscape, SourceRange{file, at, static_cast<std::uint32_t>(base + k)},
                       std::string(raw.substr(j, k - j)));
          out = e;
        }
      }
      c.text.push_back(out);
      c.offsets.push_back(at);
      ++i;
      continue;
    }
    c.text.push_back(ch);
    c.offsets.push_back(at);
  }
  return c;
}

bool isBlank(std::string_view line) {
  for (char ch : line)
    if (ch != ' ' && ch != '\t' && ch != '\r') return false;
  return true;
}

// Prose keeps its bytes, but the common indentation of its lines, a first
// line break after the opening quotes and the indentation before the closing
// quotes are not part of the text.
Cooked cookProse(std::string_view raw, std::uint32_t base) {
  std::vector<std::pair<std::size_t, std::size_t>> lines;  // [begin, end) without terminator
  std::size_t i = 0;
  while (i <= raw.size()) {
    std::size_t j = raw.find('\n', i);
    if (j == std::string_view::npos) {
      lines.emplace_back(i, raw.size());
      break;
    }
    std::size_t end = (j > i && raw[j - 1] == '\r') ? j - 1 : j;
    lines.emplace_back(i, end);
    i = j + 1;
  }
  std::size_t first = 0, last = lines.size();
  if (lines.size() > 1 && isBlank(raw.substr(lines[0].first, lines[0].second - lines[0].first))) first = 1;
  if (last > first + 0 && lines.size() > 1 &&
      isBlank(raw.substr(lines[last - 1].first, lines[last - 1].second - lines[last - 1].first)))
    --last;
  std::size_t indent = SIZE_MAX;
  for (std::size_t l = first; l < last; ++l) {
    std::string_view s = raw.substr(lines[l].first, lines[l].second - lines[l].first);
    if (isBlank(s)) continue;
    std::size_t n = 0;
    while (n < s.size() && (s[n] == ' ' || s[n] == '\t')) ++n;
    indent = std::min(indent, n);
  }
  if (indent == SIZE_MAX) indent = 0;
  Cooked c;
  for (std::size_t l = first; l < last; ++l) {
    auto [b, e] = lines[l];
    std::size_t skip = std::min(indent, e - b);
    for (std::size_t k = b + skip; k < e; ++k) {
      c.text.push_back(raw[k]);
      c.offsets.push_back(static_cast<std::uint32_t>(base + k));
    }
    if (l + 1 < last) {
      c.text.push_back('\n');
      c.offsets.push_back(static_cast<std::uint32_t>(base + e));
    }
  }
  return c;
}

bool identStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

}  // namespace

Text parseText(std::string_view raw, bool isProse, FileId file, std::uint32_t contentBegin, SourceRange whole,
               DiagnosticEngine& diags) {
  Cooked c = isProse ? cookProse(raw, contentBegin) : cookString(raw, contentBegin, file, diags);
  Text t;
  t.isProse = isProse;
  t.range = whole;
  const std::string& s = c.text;
  auto src = [&](std::size_t i) {
    return i < c.offsets.size() ? c.offsets[i] : (c.offsets.empty() ? contentBegin : c.offsets.back() + 1);
  };
  std::string run;
  std::size_t runStart = 0;
  auto flush = [&](std::size_t end) {
    if (run.empty()) return;
    TextPart p;
    p.text = std::move(run);
    p.range = SourceRange{file, src(runStart), src(end)};
    t.parts.push_back(std::move(p));
    run.clear();
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '{') {
      if (run.empty()) runStart = i;
      run.push_back(s[i]);
      t.value.push_back(s[i]);
      ++i;
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '{') {  // `{{` is a literal brace
      if (run.empty()) runStart = i;
      run.push_back('{');
      t.value.push_back('{');
      i += 2;
      continue;
    }
    std::size_t close = s.find('}', i + 1);
    std::size_t nl = s.find('\n', i + 1);
    if (close == std::string::npos || (nl != std::string::npos && nl < close)) {
      diags.report(DiagCode::UnclosedInterpolation, SourceRange{file, src(i), src(i + 1)});
      if (run.empty()) runStart = i;
      run.push_back('{');
      t.value.push_back('{');
      ++i;
      continue;
    }
    std::string_view inner(s.data() + i + 1, close - i - 1);
    // Parse `name(.name)*`, allowing spaces just inside the braces.
    std::size_t a = 0, b = inner.size();
    while (a < b && inner[a] == ' ') ++a;
    while (b > a && inner[b - 1] == ' ') --b;
    std::vector<Ident> path;
    bool ok = a < b;
    std::size_t k = a;
    while (ok && k < b) {
      if (!identStart(inner[k])) { ok = false; break; }
      std::size_t st = k;
      while (k < b && identChar(inner[k])) ++k;
      if (inner[k - 1] == '-') { ok = false; break; }
      Ident id;
      id.name = std::string(inner.substr(st, k - st));
      id.range = SourceRange{file, src(i + 1 + st), src(i + 1 + k)};
      path.push_back(std::move(id));
      if (k < b) {
        if (inner[k] != '.') { ok = false; break; }
        ++k;
        if (k == b) ok = false;
      }
    }
    SourceRange whole_{file, src(i), src(close) + 1};
    if (!ok) {
      diags.report(DiagCode::InvalidInterpolation, whole_, quoteShort(inner));
      if (run.empty()) runStart = i;
      run.append(s, i, close + 1 - i);
    } else {
      flush(i);
      TextPart p;
      p.isInterpolation = true;
      p.path = std::move(path);
      p.range = whole_;
      t.parts.push_back(std::move(p));
    }
    t.value.append(s, i, close + 1 - i);
    i = close + 1;
  }
  flush(s.size());
  return t;
}

}  // namespace tenet
