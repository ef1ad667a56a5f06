// Finds and loads source files, then runs the syntax and semantic stages.
#include "tenet/driver/Compilation.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "tenet/sema/Sema.h"
#include "tenet/syntax/Parser.h"

namespace fs = std::filesystem;

namespace tenet {

Compilation::Compilation(CompileOptions options) : options_(std::move(options)) {}
Compilation::~Compilation() = default;
Compilation::Compilation(Compilation&&) noexcept = default;
Compilation& Compilation::operator=(Compilation&&) noexcept = default;

namespace {

std::string joinDisplay(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

constexpr unsigned kMaxDepth = 256;

std::string hexByte(unsigned char c) {
  static const char* kHex = "0123456789ABCDEF";
  return std::string{kHex[c >> 4], kHex[c & 15]};
}

}  // namespace

void Compilation::loadText(std::string display, std::string text, bool fromStdlib) {
  FileId id = sm_.add(std::move(display), std::move(text), fromStdlib);
  const SourceFile& f = sm_.file(id);
  auto nul = f.text.find('\0');
  if (nul != std::string::npos) {
    auto at = static_cast<std::uint32_t>(nul);
    diags_.report(DiagCode::BinaryFile, SourceRange{id, at, at + 1});
    return;
  }
  if (auto bad = findInvalidUtf8(f.text)) {
    auto at = static_cast<std::uint32_t>(*bad);
    diags_.report(DiagCode::InvalidUtf8, SourceRange{id, at, at + 1},
                  hexByte(static_cast<unsigned char>(f.text[*bad])))
        .withHelp("save the file as UTF-8 text");
    return;
  }
  files_.push_back(id);
}

void Compilation::loadFile(const std::string& path, const std::string& display, bool fromStdlib) {
  if (tooMany_) return;
  ++found_;
  if (++fileCount_ > options_.maxFiles) {
    tooMany_ = true;
    inputFailed_ = true;
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::TooManyFiles, SourceRange{id, 0, 0}, options_.maxFiles);
    return;
  }
  std::error_code ec;
  // The same file named twice (`tenet check . policies`) is read once.
  auto canonical = fs::weakly_canonical(path, ec);
  if (!ec && !seen_.insert(canonical.string()).second) {
    --fileCount_;
    return;
  }
  if (!ec)
    if (auto o = options_.overlays.find(canonical.string()); o != options_.overlays.end()) {
      loadText(display, o->second, fromStdlib);
      return;
    }
  // Pipes, devices and sockets could block or never end: only regular files.
  auto st = fs::status(path, ec);
  if (!ec && !fs::is_regular_file(st)) {
    const char* kind = fs::is_fifo(st) ? "pipe" : fs::is_socket(st) ? "socket"
                       : (fs::is_character_file(st) || fs::is_block_file(st)) ? "device" : "special file";
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::NotAFile, SourceRange{id, 0, 0}, display, kind);
    inputFailed_ = true;
    return;
  }
  auto size = fs::file_size(path, ec);
  if (!ec && size > options_.maxFileBytes) {
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileTooLarge, SourceRange{id, 0, 0}, size, options_.maxFileBytes >> 20)
        .withHelp("split the file into several smaller files");
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) {
    errno = 0;
    // Read in chunks, never more than one byte past the limit, whatever size
    // the file claims to have.
    if (!ec) text.reserve(std::min<std::uintmax_t>(size, options_.maxFileBytes) + 1);
    char chunk[1 << 16];
    while (text.size() <= options_.maxFileBytes) {
      in.read(chunk, sizeof chunk);
      text.append(chunk, static_cast<std::size_t>(in.gcount()));
      if (!in) break;
    }
    if (in.good()) in.setstate(std::ios::eofbit);  // stopped at the limit, not at an error
  }
  if (!in && !in.eof()) {
    int err = errno ? errno : EIO;
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileUnreadable, SourceRange{id, 0, 0}, display, std::strerror(err));
    inputFailed_ = true;
    return;
  }
  if (text.size() > options_.maxFileBytes) {  // grew while reading, or no size was known
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileTooLarge, SourceRange{id, 0, 0}, text.size(), options_.maxFileBytes >> 20);
    return;
  }
  loadText(display, std::move(text), fromStdlib);
}

void Compilation::walk(const std::string& dir, const std::string& display, unsigned depth) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileUnreadable, SourceRange{id, 0, 0}, display, ec.message());
    inputFailed_ = true;
    return;
  }
  std::vector<std::pair<std::string, bool>> entries;  // name, is directory
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || name == "node_modules") continue;
    std::error_code sec;
    auto st = it->symlink_status(sec);
    if (sec) continue;
    // Directories reached through symbolic links are not followed: a project
    // is the tree below its root, and a link could lead out of it or loop.
    if (fs::is_directory(st)) {
      entries.emplace_back(name, true);
    } else if (name.size() > 6 && name.compare(name.size() - 6, 6, ".tenet") == 0) {
      entries.emplace_back(name, false);
    }
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& [name, isDir] : entries) {
    if (tooMany_) return;
    std::string p = (fs::path(dir) / name).string();
    std::string d = joinDisplay(display, name);
    if (isDir) {
      if (depth < kMaxDepth) {
        walk(p, d, depth + 1);
      } else {
        FileId id = sm_.add(d, "");
        diags_.report(DiagCode::FolderTooDeep, SourceRange{id, 0, 0}, d, kMaxDepth);
      }
    } else {
      loadFile(p, d, false);
    }
  }
}

void Compilation::collect(const std::string& path) {
  std::error_code ec;
  auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    FileId id = sm_.add(path, "");
    if (ec && ec != std::errc::no_such_file_or_directory)
      diags_.report(DiagCode::FileUnreadable, SourceRange{id, 0, 0}, path, ec.message());
    else
      diags_.report(DiagCode::PathNotFound, SourceRange{id, 0, 0}, path);
    inputFailed_ = true;
    return;
  }
  if (fs::is_directory(st)) {
    std::size_t before = found_;
    walk(path, path == "." ? "" : path, 0);
    if (found_ == before && !inputFailed_ && options_.warnIfNoSources) {
      FileId id = sm_.add(path, "");
      diags_.report(DiagCode::NoSourceFiles, SourceRange{id, 0, 0}, path);
    }
  } else {
    loadFile(path, path, false);
  }
}

void Compilation::loadStdlib() {
  if (!options_.useStdlib) return;
  if (options_.stdlibDir) {
    std::error_code ec;
    if (!fs::is_directory(*options_.stdlibDir, ec)) {
      FileId id = sm_.add(*options_.stdlibDir, "");
      diags_.report(DiagCode::PathNotFound, SourceRange{id, 0, 0}, *options_.stdlibDir);
      inputFailed_ = true;
      stdlibFailed_ = true;
      return;
    }
    std::vector<std::string> names;
    for (auto it = fs::recursive_directory_iterator(*options_.stdlibDir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".tenet") names.push_back(it->path().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& n : names) loadFile(n, n, true);
    return;
  }
  for (const auto& f : embeddedStdlib()) loadText(std::string("<stdlib>/") + f.name, std::string(f.data, f.size), true);
}

std::map<std::string, LoadedFacts> Compilation::loadFacts(const FactsOptions& options) {
  if (!model_) return {};
  std::size_t before = diags_.all().size();
  auto loaded = loadAllFacts(*model_, sm_, diags_, options);
  if (diags_.all().size() != before) diags_.sort(sm_);
  return loaded;
}

bool Compilation::run() {
  loadStdlib();
  if (options_.paths.empty() && options_.sources.empty() && options_.defaultToCurrentFolder)
    options_.paths.push_back(".");
  for (const auto& p : options_.paths) collect(p);
  for (auto& [path, text] : options_.sources) loadText(path, std::move(text), false);
  for (const auto& [path, text] : options_.overlays)
    if (!seen_.count(path) && seen_.insert(path).second) loadText(path, text, false);
  units_.reserve(files_.size());
  for (FileId id : files_) units_.push_back(parseFile(sm_, id, diags_));
  // Without the stdlib every requirement would be reported unknown: the
  // one error about the stdlib folder says it all.
  if (!stdlibFailed_) {
    std::size_t before = diags_.all().size();
    model_ = analyze(sm_, units_, diags_);
    // Checks that land where a syntax error left the meaning uncertain are
    // echoes of that error, not news.
    std::map<FileId, const std::vector<SourceRange>*> damaged;
    for (const auto& u : units_)
      if (!u.damaged.empty()) damaged[u.file] = &u.damaged;
    if (!damaged.empty()) {
      diags_.eraseIf(before, [&](const Diagnostic& d) {
        auto it = damaged.find(d.range.file);
        if (it == damaged.end()) return false;
        const auto& ranges = *it->second;
        auto r = std::upper_bound(ranges.begin(), ranges.end(), d.range.begin,
                                  [](std::uint32_t o, const SourceRange& x) { return o < x.begin; });
        return r != ranges.begin() && d.range.begin < std::max(std::prev(r)->end, std::prev(r)->begin + 1);
      });
    }
  }
  diags_.sort(sm_);
  return !diags_.hasErrors();
}

}  // namespace tenet
