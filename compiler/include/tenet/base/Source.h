/// @file Source.h
/// @brief Source files held in memory, byte ranges into them, and the
/// conversions from byte offsets to lines and columns (code points and UTF-16).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tenet {

using FileId = std::uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

/// A half-open byte range [begin, end) in one source file.
struct SourceRange {
  FileId file = kNoFile;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  static SourceRange cover(SourceRange a, SourceRange b);
};

/// A one-based line and column. Columns count Unicode code points, which is
/// what a person counts when reading the line.
struct LineCol {
  std::uint32_t line = 1;
  std::uint32_t col = 1;
};

/// One loaded file. `text` never contains the UTF-8 byte order mark: it is
/// removed on load so that offsets start at the first real character.
struct SourceFile {
  FileId id = kNoFile;
  std::string path;  ///< as shown to users (relative where possible)
  std::string text;
  bool fromStdlib = false;
  bool hadBom = false;
  std::int64_t modified = 0;  ///< the file's modification time when read (nanoseconds), 0 when not from disk
  std::vector<std::uint32_t> lineStarts;  ///< byte offset of each line start
};

class SourceManager {
 public:
  FileId add(std::string path, std::string text, bool fromStdlib = false);
  /// Moves file `id` of `from` in as the next file, with its text and line
  /// table as they are: nothing is read or computed again. `from` keeps an
  /// empty entry in its place, which must not be read afterwards.
  FileId take(SourceManager& from, FileId id);
  void setModified(FileId id, std::int64_t modified) { files_[id].modified = modified; }
  const SourceFile& file(FileId id) const { return files_[id]; }
  std::size_t size() const { return files_.size(); }
  std::optional<FileId> find(std::string_view path) const;

  LineCol lineCol(FileId id, std::uint32_t offset) const;
  /// Zero-based line and UTF-16 code unit column, as the language server
  /// protocol counts them.
  LineCol utf16Position(FileId id, std::uint32_t offset) const;
  /// The byte offset of a zero-based LSP position; clamped to the file.
  std::uint32_t offsetOfUtf16(FileId id, std::uint32_t line, std::uint32_t character) const;
  /// The text of a one-based line without its line terminator.
  std::string_view lineText(FileId id, std::uint32_t line) const;
  std::string_view text(SourceRange r) const;

 private:
  std::deque<SourceFile> files_;
};

/// Where the first invalid UTF-8 sequence starts, if there is one.
std::optional<std::size_t> findInvalidUtf8(std::string_view text);

/// How many code points a UTF-8 string holds: its width on a terminal, for
/// the scripts Tenet's messages and tables use.
std::size_t countCodePoints(std::string_view text);

/// Decodes one code point at `i` of valid UTF-8 and advances `i`.
char32_t decodeUtf8(std::string_view text, std::size_t& i);

}  // namespace tenet
