// Source files, line tables and position conversions.
#include "tenet/base/Source.h"

#include <algorithm>

namespace tenet {

SourceRange SourceRange::cover(SourceRange a, SourceRange b) {
  if (!a.valid()) return b;
  if (!b.valid() || a.file != b.file) return a;
  return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

FileId SourceManager::add(std::string path, std::string text, bool fromStdlib) {
  SourceFile f;
  f.id = static_cast<FileId>(files_.size());
  f.path = std::move(path);
  f.fromStdlib = fromStdlib;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    text.erase(0, 3);
    f.hadBom = true;
  }
  f.text = std::move(text);
  f.lineStarts.push_back(0);
  const std::string& t = f.text;
  for (std::uint32_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\n') {
      f.lineStarts.push_back(i + 1);
    } else if (t[i] == '\r' && (i + 1 >= t.size() || t[i + 1] != '\n')) {
      f.lineStarts.push_back(i + 1);  // a lone CR ends a line too
    }
  }
  files_.push_back(std::move(f));
  return files_.back().id;
}

FileId SourceManager::take(SourceManager& from, FileId id) {
  SourceFile f = std::move(from.files_[id]);
  from.files_[id] = SourceFile{};
  f.id = static_cast<FileId>(files_.size());
  files_.push_back(std::move(f));
  return files_.back().id;
}

std::optional<FileId> SourceManager::find(std::string_view path) const {
  for (const auto& f : files_)
    if (f.path == path) return f.id;
  return std::nullopt;
}

namespace {
std::uint32_t lineIndex(const SourceFile& f, std::uint32_t offset) {
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), offset);
  return static_cast<std::uint32_t>(it - f.lineStarts.begin()) - 1;
}
bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
}  // namespace

LineCol SourceManager::lineCol(FileId id, std::uint32_t offset) const {
  const SourceFile& f = files_[id];
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(f.text.size()));
  std::uint32_t line = lineIndex(f, offset);
  std::uint32_t col = 1;
  for (std::uint32_t i = f.lineStarts[line]; i < offset; ++i)
    if (!isContinuation(static_cast<unsigned char>(f.text[i]))) ++col;
  return {line + 1, col};
}

LineCol SourceManager::utf16Position(FileId id, std::uint32_t offset) const {
  const SourceFile& f = files_[id];
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(f.text.size()));
  std::uint32_t line = lineIndex(f, offset);
  std::uint32_t units = 0;
  for (std::uint32_t i = f.lineStarts[line]; i < offset; ++i) {
    auto c = static_cast<unsigned char>(f.text[i]);
    if (isContinuation(c)) continue;
    units += (c >= 0xF0) ? 2 : 1;  // four-byte sequences need a surrogate pair
  }
  return {line, units};
}

std::uint32_t SourceManager::offsetOfUtf16(FileId id, std::uint32_t line, std::uint32_t character) const {
  const SourceFile& f = files_[id];
  if (line >= f.lineStarts.size()) return static_cast<std::uint32_t>(f.text.size());
  std::uint32_t i = f.lineStarts[line];
  std::uint32_t units = 0;
  while (i < f.text.size() && units < character && f.text[i] != '\n' && f.text[i] != '\r') {
    auto c = static_cast<unsigned char>(f.text[i]);
    std::uint32_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return std::min<std::uint32_t>(i, static_cast<std::uint32_t>(f.text.size()));
}

std::string_view SourceManager::lineText(FileId id, std::uint32_t line) const {
  const SourceFile& f = files_[id];
  if (line == 0 || line > f.lineStarts.size()) return {};
  std::uint32_t begin = f.lineStarts[line - 1];
  std::uint32_t end = line < f.lineStarts.size() ? f.lineStarts[line] : static_cast<std::uint32_t>(f.text.size());
  std::string_view v(f.text.data() + begin, end - begin);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
  return v;
}

std::string_view SourceManager::text(SourceRange r) const {
  if (!r.valid()) return {};
  const SourceFile& f = files_[r.file];
  std::uint32_t b = std::min<std::uint32_t>(r.begin, static_cast<std::uint32_t>(f.text.size()));
  std::uint32_t e = std::min<std::uint32_t>(std::max(r.end, b), static_cast<std::uint32_t>(f.text.size()));
  return std::string_view(f.text).substr(b, e - b);
}

std::optional<std::size_t> findInvalidUtf8(std::string_view s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    std::size_t len;
    char32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if (!isContinuation(cc)) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::nullopt;
}

std::size_t countCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    if (!isContinuation(static_cast<unsigned char>(c))) ++n;
  return n;
}

char32_t decodeUtf8(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { ++i; return c; }
  std::size_t len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  char32_t cp = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < len && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

}  // namespace tenet
