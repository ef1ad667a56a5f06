/// @file Server.h
/// @brief `tenet lsp`: a language server (Language Server Protocol 3.17 over
/// stdio) for editors. It compiles the project with the open buffers in
/// place of their files and serves diagnostics (check and lint), hover, go
/// to definition, document symbols, completion and formatting.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tenet/driver/Compilation.h"

namespace tenet::lsp {

using Json = nlohmann::json;

struct Occurrence;  // what stands at a place in a file (Server.cpp)

struct ServerOptions {
  std::optional<std::string> stdlibDir;  ///< as --stdlib
  /// Where the built-in catalogues are written so that "go to definition"
  /// can open them; default: $XDG_CACHE_HOME/tenet (or ~/.cache/tenet).
  std::optional<std::string> cacheDir;
  std::ostream* log = nullptr;  ///< messages for the person reading the server's log (stderr)
  std::optional<Date> asOf;     ///< the date lint's time-based rules look from; default: today (UTC)
};

/// One server session. Messages come in through `handle`; whatever the
/// server sends (responses, notifications) goes out through `send`.
class Server {
 public:
  Server(std::function<void(const Json&)> send, ServerOptions options = {});
  ~Server();

  /// Handles one message body (the JSON text after the headers). A body
  /// that is not JSON is answered with a parse error.
  void handleText(std::string_view body);
  void handle(const Json& message);

  bool exited() const { return exited_; }
  /// 0 after shutdown then exit, 1 after an exit without shutdown.
  int exitCode() const { return shutdown_ ? 0 : 1; }

 private:
  struct Document {
    std::string text;
    long long version = 0;
  };

  void request(const Json& id, const std::string& method, const Json& params);
  void notification(const std::string& method, const Json& params);
  void reply(const Json& id, Json result);
  void replyError(const Json& id, int code, const std::string& message);
  void log(const std::string& message);

  /// Compiles the project again, with the open buffers in place of their
  /// files, and publishes its diagnostics. After an edit of a buffer
  /// (`readDisk` false) the files read last time stand for the disk, which
  /// is read again only when the editor says something may have changed
  /// there (open, save, close, watched files).
  void recompile(bool readDisk);
  /// Adds what `tenet lint` adds to the compilation's diagnostics.
  void lint();
  void publishDiagnostics();
  void watchFiles();

  Json initialize(const Json& params);
  std::optional<Occurrence> occurrenceAt(const Json& params) const;
  Json hover(const Json& params);
  Json definition(const Json& params);
  Json documentSymbols(const Json& params);
  Json completion(const Json& params);
  Json formatting(const Json& params);

  /// The compiled file of a document URI, when it is part of the project.
  std::optional<FileId> fileOf(const std::string& uri) const;
  std::string uriOf(FileId file);
  Json range(SourceRange r) const;
  std::optional<std::uint32_t> offsetAt(FileId file, const Json& position) const;

  std::function<void(const Json&)> send_;
  ServerOptions options_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  std::string root_;  ///< the project folder (absolute), or empty until a document opens
  std::map<std::string, Document> docs_;  ///< open documents by URI
  std::unique_ptr<Compilation> comp_;
  std::set<std::string> published_;       ///< URIs that have diagnostics on the client
  std::map<std::string, std::string> openUris_;  ///< canonical path of each open document -> its URI
  bool canWatchFiles_ = false;  ///< the client watches files for servers that register for it
  int nextRequestId_ = 1;       ///< of the requests the server sends
  /// What the lint rules that read one policy at a time found, by file of
  /// comp_ (by id), as of `lintedAsOf_`: kept for as long as the file keeps
  /// its syntax tree from one compilation to the next. Empty for the files
  /// not linted since they last changed.
  std::vector<std::optional<std::vector<Diagnostic>>> policyFindings_;
  std::optional<Date> lintedAsOf_;
};

/// Reads one message framed as LSP frames it: headers (`Content-Length: N`),
/// a blank line, then N bytes of JSON.
struct Frame {
  enum Kind { Message, EndOfInput, Malformed } kind = EndOfInput;
  std::string body;   ///< Message: the JSON text
  std::string error;  ///< Malformed: what was wrong, for the log
};
Frame readFrame(std::istream& in);
void writeFrame(std::ostream& out, const Json& message);

/// Runs a server on a pair of streams until `exit` or the end of input;
/// returns the process's exit code.
int runStdio(std::istream& in, std::ostream& out, ServerOptions options);

/// `file:///a%20b/c.tenet` <-> `/a b/c.tenet`.
std::string uriToPath(const std::string& uri);
std::string pathToUri(const std::string& path);

}  // namespace tenet::lsp
