// Helpers shared by the language server's tests: a project in a temporary
// folder, and a server session that keeps everything the server sends.
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tenet/lsp/Server.h"

namespace tenet::lsp::test {

namespace fs = std::filesystem;

struct TempProject {
  fs::path root;
  TempProject() {
    std::string templ = (fs::temp_directory_path() / "tenet-lsp-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    root = fs::canonical(templ);
  }
  ~TempProject() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  /// Writes the file and returns its URI.
  std::string write(const std::string& rel, const std::string& text) {
    fs::path p = root / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
    return pathToUri(p.string());
  }
};

/// A server with everything it sends kept for inspection.
struct Session {
  std::vector<Json> sent;
  std::ostringstream log;
  Server server;
  int nextId = 1;

  explicit Session(const std::string& cacheDir = "")
      : server([this](const Json& m) { sent.push_back(m); }, options(cacheDir)) {}

  ServerOptions options(const std::string& cacheDir) {
    ServerOptions o;
    o.log = &log;
    o.asOf = tenet::Date{2026, 11, 22};
    if (!cacheDir.empty()) o.cacheDir = cacheDir;
    return o;
  }

  Json request(const std::string& method, Json params = Json::object()) {
    int id = nextId++;
    server.handle(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    for (const auto& m : sent)
      if (m.contains("id") && m["id"] == id && !m.contains("method")) return m;
    FAIL("no response to " << method);
    return nullptr;
  }
  void notify(const std::string& method, Json params = Json::object()) {
    server.handle(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
  }
  void initialize(const std::string& root, Json capabilities = Json::object()) {
    Json r = request("initialize", {{"rootUri", pathToUri(root)}, {"capabilities", capabilities}});
    REQUIRE(r.contains("result"));
    notify("initialized");
  }
  void open(const std::string& uri, const std::string& text) {
    notify("textDocument/didOpen",
           {{"textDocument", {{"uri", uri}, {"languageId", "tenet"}, {"version", 1}, {"text", text}}}});
  }
  void change(const std::string& uri, const std::string& text, int version) {
    notify("textDocument/didChange",
           {{"textDocument", {{"uri", uri}, {"version", version}}}, {"contentChanges", {{{"text", text}}}}});
  }
  void save(const std::string& uri) { notify("textDocument/didSave", {{"textDocument", {{"uri", uri}}}}); }
  void close(const std::string& uri) { notify("textDocument/didClose", {{"textDocument", {{"uri", uri}}}}); }
  /// `type`: 1 created, 2 changed, 3 deleted.
  void watched(const std::string& uri, int type) {
    notify("workspace/didChangeWatchedFiles", {{"changes", Json::array({{{"uri", uri}, {"type", type}}})}});
  }
  /// The diagnostics most recently published for `uri`, or null.
  Json diagnostics(const std::string& uri) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (it->value("method", "") == "textDocument/publishDiagnostics" && (*it)["params"]["uri"] == uri)
        return (*it)["params"]["diagnostics"];
    return nullptr;
  }
  Json at(const std::string& method, const std::string& uri, int line, int character) {
    Json r = request(method,
                     {{"textDocument", {{"uri", uri}}}, {"position", {{"line", line}, {"character", character}}}});
    REQUIRE(r.contains("result"));
    return r["result"];
  }
};

inline bool hasCode(const Json& diags, const std::string& code) {
  if (!diags.is_array()) return false;
  for (const auto& d : diags)
    if (d.value("code", "") == code) return true;
  return false;
}

}  // namespace tenet::lsp::test
