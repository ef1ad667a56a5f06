/// @file Compilation.h
/// @brief The one entry point the CLI and the language server share: find
/// the sources, load them with the stdlib, parse and analyze.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "tenet/base/Embedded.h"
#include "tenet/diag/Diagnostic.h"
#include "tenet/facts/Loader.h"
#include "tenet/sema/Model.h"
#include "tenet/syntax/AST.h"

namespace tenet {

struct CompileOptions {
  std::vector<std::string> paths;          ///< files or directories; empty means "." unless `sources` is set
  /// Sources given as text (path shown to users, contents), checked as if
  /// they were files of the project: unsaved editor buffers, tests.
  std::vector<std::pair<std::string, std::string>> sources;
  /// Editor buffers by absolute path: each replaces the file of that path
  /// when the file is read, and one without a file on disk is read as if
  /// it were there (a new file not saved yet).
  std::map<std::string, std::string> overlays;
  std::optional<std::string> stdlibDir;    ///< replaces the built-in stdlib
  bool useStdlib = true;
  bool warnIfNoSources = true;             ///< a folder without .tenet files is worth a warning
  bool defaultToCurrentFolder = true;      ///< no paths and no sources: check "."; else the stdlib alone
  std::size_t maxFileBytes = 16u << 20;    ///< larger source files are refused
  std::size_t maxFiles = 100000;
  /// Files are parsed in parallel on this many threads (0: one per core).
  std::size_t threads = 0;
  /// Called now and then while files are parsed (files done, files in all),
  /// at most every tenth of a second, and once at the end.
  std::function<void(std::size_t, std::size_t)> progress;
  /// A previous compilation of the same project (the language server's,
  /// before an edit): a file unchanged on disk since it was read there
  /// takes its text from there instead of being read again, and each file
  /// whose path, place and text are unchanged its syntax tree and syntax
  /// diagnostics instead of being parsed again. The previous compilation
  /// gives them up: it must not be used afterwards.
  class Compilation* reuse = nullptr;
  /// With `reuse`: look at no file or folder. The files are those `reuse`
  /// read, in the same order, their texts moved over as they were read,
  /// except the buffers of `overlays`, whose texts are taken as they are
  /// now: the language server's compilation after an edit, when nothing on
  /// disk is known to have changed. Everything is read again instead when
  /// `reuse` read other paths or had buffers for other files.
  bool reuseFiles = false;
};

/// How deep below a folder given on the command line .tenet files are looked for.
inline constexpr unsigned kMaxFolderDepth = 256;

/// One entry of a folder that Tenet reads.
struct FolderEntry {
  std::string name;
  bool isFolder = false;
};

/// The entries of `dir` that Tenet reads, in name order: .tenet files and
/// subfolders, leaving out names that start with a dot, `node_modules`, and
/// folders reached through a symbolic link. Sets `ec` when the folder cannot
/// be listed. `tenet check` and `tenet fmt` share these rules.
std::vector<FolderEntry> sourceFolderEntries(const std::string& dir, std::error_code& ec);

/// `dir/name` as shown to users: just `name` in the current folder.
std::string joinDisplay(const std::string& dir, const std::string& name);

class Compilation {
 public:
  explicit Compilation(CompileOptions options);
  ~Compilation();
  Compilation(Compilation&&) noexcept;
  Compilation& operator=(Compilation&&) noexcept;

  /// Loads, parses and analyzes. Returns false if any error was reported.
  bool run();

  const SourceManager& sources() const { return sm_; }
  DiagnosticEngine& diagnostics() { return diags_; }
  const DiagnosticEngine& diagnostics() const { return diags_; }
  const std::vector<SourceUnit>& units() const { return units_; }
  /// How long each phase of run() took, in seconds, in order.
  const std::vector<std::pair<std::string, double>>& timings() const { return timings_; }
  const Model* model() const { return model_.get(); }
  /// Reads every facts block's file against its schema, after run(). Its
  /// problems join the compilation's diagnostics, in the facts files.
  std::map<std::string, LoadedFacts> loadFacts(const FactsOptions& options);

  /// True when an input could not be read at all (exit code 2).
  bool inputFailed() const { return inputFailed_; }
  /// True when file `id` kept the syntax tree of the compilation given as
  /// `reuse`: it has the same id, path and text as there.
  bool reused(FileId id) const { return id < reused_.size() && reused_[id]; }

 private:
  void loadStdlib();
  void parseAll();
  void collect(const std::string& path);
  void walk(const std::string& dir, const std::string& display, unsigned depth);
  void loadFile(const std::string& path, const std::string& display, bool fromStdlib);
  void loadText(std::string display, std::string text, bool fromStdlib);
  bool canTakeOverFiles() const;
  void takeOverFiles();
  void takeOver(FileId previous);

  CompileOptions options_;
  SourceManager sm_;
  DiagnosticEngine diags_;
  std::vector<FileId> files_;
  std::vector<SourceUnit> units_;
  std::unique_ptr<Model> model_;
  std::size_t fileCount_ = 0;
  std::size_t found_ = 0;  ///< .tenet files met, including ones named twice
  bool inputFailed_ = false;
  bool tooMany_ = false;
  bool stdlibFailed_ = false;
  std::string root_;  ///< the folder of the path being collected: links out of it are not read
  std::set<std::string> seen_;  ///< paths of buffers loaded without a file
  std::set<std::pair<std::uint64_t, std::uint64_t>> seenFiles_;  ///< (device, inode) of the files loaded
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> overlayFiles_;  ///< buffers by the file they replace
  std::vector<std::pair<std::string, double>> timings_;
  /// The diagnostics parsing reported, per entry of files_, kept for reuse.
  std::vector<std::vector<Diagnostic>> parseDiags_;
  std::map<std::string, FileId> byPath_;  ///< built when a later compilation reuses this one
  std::map<FileId, std::string> overlayOf_;  ///< the files read from a buffer: the buffer's path
  /// What reading reported, by file, for a later compilation that takes the
  /// files over; and whether reading reported more than the engine kept.
  std::multimap<FileId, Diagnostic> readProblems_;
  bool readDropped_ = false;
  std::vector<FileId> takenFrom_;  ///< by file: the file of `reuse` whose text it took over, or kNoFile
  std::vector<bool> reused_;       ///< by file: whether its syntax tree came from `reuse`
};


}  // namespace tenet
