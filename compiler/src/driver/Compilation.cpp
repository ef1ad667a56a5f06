// Finds and loads source files, then runs the syntax and semantic stages.
#include "tenet/driver/Compilation.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <fstream>
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "tenet/base/Files.h"
#include "tenet/base/Thread.h"
#include "tenet/sema/Sema.h"
#include "tenet/syntax/Parser.h"

namespace fs = std::filesystem;

namespace tenet {

Compilation::Compilation(CompileOptions options) : options_(std::move(options)) {}
Compilation::~Compilation() = default;
Compilation::Compilation(Compilation&&) noexcept = default;
Compilation& Compilation::operator=(Compilation&&) noexcept = default;

namespace {



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

void Compilation::takeOver(FileId previous) {
  Compilation& prev = *options_.reuse;
  FileId id = sm_.take(prev.sm_, previous);
  // What reading it reported holds as it did: the text is the same.
  auto moved = [&](SourceRange r) {
    if (r.file == previous) r.file = id;
    return r;
  };
  auto [first, last] = prev.readProblems_.equal_range(previous);
  for (auto it = first; it != last; ++it) {
    Diagnostic d = it->second;
    d.range = moved(d.range);
    for (auto& r : d.extraRanges) r = moved(r);
    for (auto& n : d.notes) n.range = moved(n.range);
    for (auto& f : d.fixits) f.range = moved(f.range);
    diags_.add(std::move(d));
  }
  // Files are listed in the order they were added, so by id.
  if (std::binary_search(prev.files_.begin(), prev.files_.end(), previous)) files_.push_back(id);
  if (takenFrom_.size() <= id) takenFrom_.resize(id + 1, kNoFile);
  takenFrom_[id] = previous;
}

bool Compilation::canTakeOverFiles() const {
  const Compilation* prev = options_.reuse;
  if (!options_.reuseFiles || !prev || prev->readDropped_) return false;
  const CompileOptions& now = options_;
  const CompileOptions& before = prev->options_;
  if (now.paths != before.paths || now.stdlibDir != before.stdlibDir || now.useStdlib != before.useStdlib ||
      !now.sources.empty() || !before.sources.empty() || now.warnIfNoSources != before.warnIfNoSources ||
      now.maxFileBytes != before.maxFileBytes || now.maxFiles != before.maxFiles ||
      now.overlays.size() != before.overlays.size())
    return false;
  return std::equal(now.overlays.begin(), now.overlays.end(), before.overlays.begin(),
                    [](const auto& a, const auto& b) { return a.first == b.first; });
}

void Compilation::takeOverFiles() {
  Compilation& prev = *options_.reuse;
  for (FileId id = 0; id < prev.sm_.size(); ++id) {
    auto overlay = prev.overlayOf_.find(id);
    if (overlay == prev.overlayOf_.end()) {
      takeOver(id);
      continue;
    }
    // A buffer: read as it is now, as if its file had been read.
    const SourceFile& before = prev.sm_.file(id);
    overlayOf_[static_cast<FileId>(sm_.size())] = overlay->second;
    loadText(before.path, options_.overlays.at(overlay->second), before.fromStdlib);
  }
  found_ = prev.found_;
  fileCount_ = prev.fileCount_;
  inputFailed_ = prev.inputFailed_;
  tooMany_ = prev.tooMany_;
  stdlibFailed_ = prev.stdlibFailed_;
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
  // A link that leads out of the folder given is not followed: reading it
  // would show what is there (in messages quoting its lines) to whoever
  // reads the output, and `lint --fix` would write to it.
  if (!fromStdlib && !root_.empty())
    if (auto outside = linkLeavingFolder(path, root_)) {
      FileId id = sm_.add(display, "");
      diags_.report(DiagCode::LinkOutsideProject, SourceRange{id, 0, 0}, display, *outside, root_)
          .withHelp("copy the file into the folder, or give Tenet a folder that holds both the link and the file "
                    "it points to");
      inputFailed_ = true;
      return;
    }
  std::error_code ec;
  // One stat: the file's identity (the same file named twice, `tenet check
  // . policies`, is read once), its kind, size and modification time.
  struct stat info {};
  bool known = ::stat(path.c_str(), &info) == 0;
  if (known && !seenFiles_.insert({info.st_dev, info.st_ino}).second) {
    --fileCount_;
    return;
  }
  if (known)
    if (auto o = overlayFiles_.find({info.st_dev, info.st_ino}); o != overlayFiles_.end()) {
      overlayOf_[static_cast<FileId>(sm_.size())] = o->second;
      loadText(display, options_.overlays.at(o->second), fromStdlib);
      return;
    }
  // Pipes, devices and sockets could block or never end: only regular files.
  if (known && !S_ISREG(info.st_mode)) {
    const char* kind = S_ISFIFO(info.st_mode) ? "pipe" : S_ISSOCK(info.st_mode) ? "socket"
                       : (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode)) ? "device" : "special file";
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::NotAFile, SourceRange{id, 0, 0}, display, kind);
    inputFailed_ = true;
    return;
  }
  if (!known) ec = std::error_code(errno, std::generic_category());
  std::uintmax_t size = known ? static_cast<std::uintmax_t>(info.st_size) : 0;
  if (!ec && size > options_.maxFileBytes) {
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileTooLarge, SourceRange{id, 0, 0}, size, options_.maxFileBytes >> 20)
        .withHelp("split the file into several smaller files");
    return;
  }
  // Unchanged since the previous compilation read it: its text is known.
  std::int64_t stamp = known ? static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec : 0;
  if (options_.reuse && stamp != 0) {
    Compilation& prev = *options_.reuse;
    if (prev.byPath_.empty())
      for (FileId i = 0; i < prev.sm_.size(); ++i) prev.byPath_[prev.sm_.file(i).path] = i;
    auto it = prev.byPath_.find(display);
    if (it != prev.byPath_.end()) {
      FileId before = it->second;
      const SourceFile& f = prev.sm_.file(before);
      if (f.modified == stamp && f.text.size() + (f.hadBom ? 3 : 0) == size && f.fromStdlib == fromStdlib) {
        prev.byPath_.erase(it);
        takeOver(before);
        return;
      }
    }
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
  std::size_t id = sm_.size();
  loadText(display, std::move(text), fromStdlib);
  if (sm_.size() > id) sm_.setModified(static_cast<FileId>(id), stamp);
}

std::string joinDisplay(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

std::vector<FolderEntry> sourceFolderEntries(const std::string& dir, std::error_code& ec) {
  std::vector<FolderEntry> entries;
  fs::directory_iterator it(dir, ec);
  if (ec) return entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || name == "node_modules") continue;
    std::error_code sec;
    auto st = it->symlink_status(sec);
    if (sec) continue;
    // Directories reached through symbolic links are not followed: a project
    // is the tree below its root, and a link could lead out of it or loop.
    if (fs::is_directory(st)) entries.push_back({name, true});
    else if (name.size() > 6 && name.compare(name.size() - 6, 6, ".tenet") == 0) entries.push_back({name, false});
  }
  ec.clear();  // an error part way through ends the list; what was listed is read
  std::sort(entries.begin(), entries.end(), [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return entries;
}

void Compilation::walk(const std::string& dir, const std::string& display, unsigned depth) {
  std::error_code ec;
  std::vector<FolderEntry> entries = sourceFolderEntries(dir, ec);
  if (ec) {
    FileId id = sm_.add(display, "");
    diags_.report(DiagCode::FileUnreadable, SourceRange{id, 0, 0}, display, ec.message());
    inputFailed_ = true;
    return;
  }
  for (const auto& [name, isDir] : entries) {
    if (tooMany_) return;
    std::string p = (fs::path(dir) / name).string();
    std::string d = joinDisplay(display, name);
    if (isDir) {
      if (depth < kMaxFolderDepth) {
        walk(p, d, depth + 1);
      } else {
        FileId id = sm_.add(d, "");
        diags_.report(DiagCode::FolderTooDeep, SourceRange{id, 0, 0}, d, kMaxFolderDepth);
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
  root_ = rootOfPath(path);
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

namespace {

void clearTypes(const Expr& e) {
  e.type = nullptr;
  for (const auto& c : e.children)
    if (c) clearTypes(*c);
}

void clearProps(const std::vector<Property>& ps) {
  for (const auto& p : ps)
    if (p.value) clearTypes(*p.value);
}

/// Forgets the types the checker of an earlier compilation wrote into a
/// syntax tree: they pointed into that compilation's type arena.
void clearTypes(const SourceUnit& u) {
  for (const auto& d : u.projects) clearProps(d.properties);
  for (const auto& d : u.roles) clearProps(d.properties);
  for (const auto& d : u.policies) {
    clearProps(d.properties);
    for (const auto& c : d.controls) {
      clearProps(c.properties);
      for (const auto& e : c.expects)
        if (e.expr) clearTypes(*e.expr);
      for (const auto& e : c.evidence)
        if (e.expr) clearTypes(*e.expr);
    }
  }
  for (const auto& d : u.facts) clearProps(d.properties);
  for (const auto& d : u.frameworks) clearProps(d.properties);
  for (const auto& d : u.crosswalks) clearProps(d.properties);
  for (const auto& d : u.exceptions) clearProps(d.properties);
}

}  // namespace

void Compilation::parseAll() {
  units_.resize(files_.size());
  parseDiags_.assign(files_.size(), {});
  reused_.assign(sm_.size(), false);
  // Files unchanged since the previous compilation keep their trees (whose
  // ranges name the file by its id: it must be the same).
  std::vector<bool> reused(files_.size(), false);
  if (Compilation* prev = options_.reuse) {
    std::map<FileId, std::size_t> prevIndex;
    for (std::size_t i = 0; i < prev->files_.size() && i < prev->units_.size(); ++i) prevIndex[prev->files_[i]] = i;
    for (std::size_t i = 0; i < files_.size(); ++i) {
      FileId id = files_[i];
      auto it = prevIndex.find(id);
      if (it == prevIndex.end() || id >= prev->sm_.size() || it->second >= prev->parseDiags_.size()) continue;
      // A text taken over from the same file is the same; others are compared.
      if (id >= takenFrom_.size() || takenFrom_[id] != id) {
        const SourceFile& now = sm_.file(id);
        const SourceFile& before = prev->sm_.file(id);
        if (now.path != before.path || now.text != before.text || now.fromStdlib != before.fromStdlib) continue;
      }
      units_[i] = std::move(prev->units_[it->second]);
      reused_[id] = true;
      parseDiags_[i] = std::move(prev->parseDiags_[it->second]);
      for (const auto& d : parseDiags_[i]) diags_.add(d);
      reused[i] = true;
    }
    prev->units_.clear();
  }
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < files_.size(); ++i)
    if (!reused[i]) todo.push_back(i);
  std::atomic<std::size_t> done{0};
  std::mutex progressLock;
  auto lastReport = std::chrono::steady_clock::now();
  auto parsed = [&] {
    std::size_t n = ++done;
    if (!options_.progress) return;
    std::lock_guard<std::mutex> lock(progressLock);
    auto now = std::chrono::steady_clock::now();
    if (n == files_.size() || now - lastReport > std::chrono::milliseconds(100)) {
      lastReport = now;
      options_.progress(n, files_.size());
    }
  };
  std::size_t workers = options_.threads ? options_.threads : std::thread::hardware_concurrency();
  workers = std::max<std::size_t>(1, std::min<std::size_t>({workers, 16, (todo.size() + 7) / 8}));
  // Each file reports into its own list, kept for the next compilation.
  std::vector<std::array<std::size_t, 3>> dropped(files_.size(), {0, 0, 0});
  auto parseOne = [&](std::size_t i) {
    DiagnosticEngine own;
    units_[i] = parseFile(sm_, files_[i], own);
    parseDiags_[i].assign(own.all().begin(), own.all().end());
    if (own.dropped()) {
      std::size_t errors = 0, warnings = 0;
      for (const auto& d : own.all()) {
        errors += d.severity == Severity::Error;
        warnings += d.severity == Severity::Warning;
      }
      dropped[i] = {own.dropped(), own.errorCount() - errors, own.warningCount() - warnings};
    }
  };
  if (workers == 1) {
    for (std::size_t i : todo) {
      parseOne(i);
      parsed();
    }
  } else {
    std::atomic<std::size_t> next{0};
    std::vector<StackThread> threads;
    // Files are independent until analysis. ANTLR's runtime locks its shared
    // prediction cache for parsers running at the same time.
    for (std::size_t w = 0; w < workers; ++w)
      threads.emplace_back([&] {
        for (std::size_t k = next++; k < todo.size(); k = next++) {
          parseOne(todo[k]);
          parsed();
        }
      });
    for (auto& t : threads) t.join();
  }
  for (std::size_t i : todo) {
    for (const auto& d : parseDiags_[i]) diags_.add(d);
    diags_.countDropped(dropped[i][0], dropped[i][1], dropped[i][2]);
  }
}

bool Compilation::run() {
  using Clock = std::chrono::steady_clock;
  auto mark = Clock::now();
  auto phase = [&](const char* name) {
    auto now = Clock::now();
    timings_.push_back({name, std::chrono::duration<double>(now - mark).count()});
    mark = now;
  };
  if (options_.paths.empty() && options_.sources.empty() && options_.defaultToCurrentFolder)
    options_.paths.push_back(".");
  if (canTakeOverFiles()) {
    takeOverFiles();
  } else {
    for (const auto& [path, text] : options_.overlays) {
      struct stat info {};
      if (::stat(path.c_str(), &info) == 0) overlayFiles_[{info.st_dev, info.st_ino}] = path;
    }
    loadStdlib();
    for (const auto& p : options_.paths) collect(p);
    for (auto& [path, text] : options_.sources) loadText(path, std::move(text), false);
    // Buffers of files not found on disk (or outside the paths): read as files.
    for (const auto& [path, text] : options_.overlays) {
      struct stat info {};
      if (::stat(path.c_str(), &info) == 0 && seenFiles_.count({info.st_dev, info.st_ino})) continue;
      if (!seen_.insert(path).second) continue;
      if (::stat(path.c_str(), &info) == 0) seenFiles_.insert({info.st_dev, info.st_ino});
      overlayOf_[static_cast<FileId>(sm_.size())] = path;
      loadText(path, text, false);
    }
  }
  readDropped_ = diags_.dropped() > 0;
  for (const auto& d : diags_.all()) readProblems_.emplace(d.range.file, d);
  phase("read files");
  parseAll();
  phase("parse");
  // Without the stdlib every requirement would be reported unknown: the
  // one error about the stdlib folder says it all.
  if (stdlibFailed_) {
    // The checker gives each expression it types (those of expectations and
    // evidence, all of them) its type anew; unchecked, trees taken from an
    // earlier compilation forget the types that pointed into its arena.
    for (const auto& u : units_)
      if (u.file != kNoFile && reused(u.file)) clearTypes(u);
  } else {
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
  phase("check");
  diags_.sort(sm_);
  return !diags_.hasErrors();
}

}  // namespace tenet
