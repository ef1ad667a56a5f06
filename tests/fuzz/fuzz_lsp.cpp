// fuzz_lsp: the language server's message handling. The first byte of the
// input chooses how the rest is read:
// - even: as what an editor writes to `tenet lsp`, LSP frames (headers, a
//   blank line, a JSON body). The frames are read with readFrame; each body
//   that is JSON has its document and folder URIs moved into an empty
//   project folder of this process (a fuzzed URI must not make the server
//   read the whole disk); then the frames are written again and given to
//   runStdio, bodies that are not JSON as they were.
// - odd: as a session of requests built from the bytes: initialize, then
//   opening, editing, saving and closing a few documents with fuzzed text,
//   and hover, definition, completion, symbols and formatting at fuzzed
//   positions, and shutdown and exit.
// The second bit of the first byte chooses the stdlib: the built-in one, or
// (set) a small one with two frameworks and a crosswalk, which the server
// compiles many times faster, so that more inputs run.
// Every message the server sends must be a JSON-RPC message, and every
// request must get exactly one response.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "Invariants.h"
#include "tenet/lsp/Server.h"

namespace {

using namespace tenet;
using lsp::Json;
namespace fs = std::filesystem;

constexpr const char* kSmallStdlib = R"tenet(framework soc2 "SOC 2 (a part)" {
  edition = "2017"
  group "CC6" "Logical and Physical Access Controls" {
    requirement CC6.1 "Logical access security"
    requirement CC6.2 "User registration and authorization"
  }
  requirement CC7.1 "Detection of configuration changes"
}

framework iso27001 "ISO/IEC 27001:2022 (a part)" {
  edition = "2022"
  group "A.5" "Organizational controls" {
    requirement A.5.15 "Access control"
    requirement A.5.17 "Authentication information"
  }
  requirement A.8.5 "Secure authentication"
}

crosswalk iso27001 -> soc2 "ISO/IEC 27001:2022 to SOC 2 (a part)" {
  source = "fuzz_lsp"
  A.5.15 -> CC6.1 intersects "both restrict logical access"
  A.8.5  -> CC6.1 intersects "authentication is part of logical access"
}
)tenet";

/// An empty project folder, a cache folder for the stdlib's copies and a
/// small stdlib, made once per process; the harness writes nothing else.
struct Sandbox {
  std::string project, cache, stdlib;
  Sandbox() {
    std::string templ = (fs::temp_directory_path() / "tenet-fuzz-lsp-XXXXXX").string();
    if (!::mkdtemp(templ.data())) fuzz::fail("cannot make a temporary folder");
    fs::path root = fs::canonical(templ);
    project = (root / "project").string();
    cache = (root / "cache").string();
    stdlib = (root / "stdlib").string();
    fs::create_directories(project);
    fs::create_directories(cache);
    fs::create_directories(stdlib);
    std::ofstream(root / "stdlib" / "small.tenet", std::ios::binary) << kSmallStdlib;
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(fs::path(project).parent_path(), ec);
  }
};

const Sandbox& sandbox() {
  static Sandbox s;
  return s;
}

bool gSmallStdlib = false;

lsp::ServerOptions serverOptions() {
  lsp::ServerOptions o;
  o.cacheDir = sandbox().cache;
  if (gSmallStdlib) o.stdlibDir = sandbox().stdlib;
  o.asOf = Date{2026, 11, 22};
  return o;
}

/// The URI of a file of the project folder named after the last part of `uri`.
std::string confined(const std::string& uri) {
  std::string path = lsp::uriToPath(uri);
  std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  std::string safe;
  for (char c : name.substr(0, 32))
    safe += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '_';
  if (safe.empty() || safe == "." || safe == "..") safe = "a.tenet";
  std::string out = lsp::pathToUri(sandbox().project + "/" + safe);
  fuzz::expect(lsp::uriToPath(out) == sandbox().project + "/" + safe, "a path does not survive its URI");
  return out;
}

void confine(Json& j, int depth = 0) {
  if (depth > 64) return;
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      if (it->is_string() && (key == "uri" || key == "targetUri")) *it = confined(it->get<std::string>());
      else if (it->is_string() && key == "rootUri") *it = lsp::pathToUri(sandbox().project);
      else if (it->is_string() && key == "rootPath") *it = sandbox().project;
      else confine(*it, depth + 1);
    }
  } else if (j.is_array()) {
    for (Json& e : j) confine(e, depth + 1);
  }
}

/// What the server sent: each a JSON-RPC 2.0 message; responses counted by id.
struct Sent {
  std::map<std::string, int> responses;
  void add(const Json& m) {
    fuzz::expect(m.is_object() && m.value("jsonrpc", "") == "2.0", "the server sent something else than JSON-RPC");
    if (!m.contains("method")) {
      fuzz::expect(m.contains("id") && (m.contains("result") != m.contains("error")), "a response without id or result");
      ++responses[m["id"].dump()];
    }
  }
};

void framed(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream again;
  for (std::size_t n = 0;; ++n) {
    fuzz::expect(n <= size + 1, "readFrame reads frames without consuming input");
    lsp::Frame f = lsp::readFrame(in);
    if (f.kind == lsp::Frame::EndOfInput) break;
    if (f.kind == lsp::Frame::Malformed) continue;
    Json message = Json::parse(f.body, nullptr, false);
    if (message.is_discarded()) {
      again << "Content-Length: " << f.body.size() << "\r\n\r\n" << f.body;
    } else {
      confine(message);
      lsp::writeFrame(again, message);
    }
  }
  std::istringstream replay(again.str());
  std::ostringstream out;
  std::ostringstream log;
  lsp::ServerOptions options = serverOptions();
  options.log = &log;
  int code = lsp::runStdio(replay, out, options);
  fuzz::expect(code == 0 || code == 1, "runStdio returned an exit code other than 0 or 1");

  std::istringstream sent(out.str());
  Sent seen;
  for (;;) {
    lsp::Frame f = lsp::readFrame(sent);
    if (f.kind == lsp::Frame::EndOfInput) break;
    fuzz::expect(f.kind == lsp::Frame::Message, "the server wrote a malformed frame");
    Json m = Json::parse(f.body, nullptr, false);
    fuzz::expect(!m.is_discarded(), "the server wrote a frame that is not JSON");
    seen.add(m);
  }
}

/// Reads the session's bytes: small numbers and texts, zeros at the end.
struct Bytes {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool done() const { return p >= end; }
  unsigned byte() { return p < end ? *p++ : 0; }
  unsigned u16() {
    unsigned low = byte();
    return low | byte() << 8;
  }
  std::string text() {
    std::size_t n = std::min<std::size_t>(u16(), static_cast<std::size_t>(end - p));
    std::string s(reinterpret_cast<const char*>(p), n);
    p += n;
    return s;
  }
};

void session(const std::uint8_t* data, std::size_t size) {
  Bytes in{data, data + size};
  Sent seen;
  lsp::Server server([&](const Json& m) { seen.add(m); }, serverOptions());
  int nextId = 1;
  auto request = [&](const std::string& method, Json params) {
    int id = nextId++;
    server.handle(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    fuzz::expect(seen.responses[Json(id).dump()] == 1, "a request did not get exactly one response");
  };
  auto notify = [&](const std::string& method, Json params) {
    server.handle(Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  };
  const std::string names[] = {"a.tenet", "b.tenet", "policies.tenet", "notes.txt"};
  auto uri = [&] { return lsp::pathToUri(sandbox().project + "/" + names[in.byte() % 4]); };
  auto at = [&] {
    std::string u = uri();
    unsigned line = in.byte(), character = in.u16();
    return Json{{"textDocument", {{"uri", u}}}, {"position", {{"line", line}, {"character", character}}}};
  };

  Json capabilities = Json::object();
  if (in.byte() & 1) capabilities["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] = true;
  request("initialize", {{"rootUri", lsp::pathToUri(sandbox().project)}, {"capabilities", capabilities}});
  notify("initialized", Json::object());
  int version = 1;
  for (int steps = 0; !in.done() && steps < 48 && !server.exited(); ++steps) {
    switch (in.byte() % 13) {
      case 0: {
        std::string u = uri();
        notify("textDocument/didOpen",
               {{"textDocument", {{"uri", u}, {"languageId", "tenet"}, {"version", version++}, {"text", in.text()}}}});
        break;
      }
      case 1: {
        std::string u = uri();
        notify("textDocument/didChange", {{"textDocument", {{"uri", u}, {"version", version++}}},
                                          {"contentChanges", Json::array({{{"text", in.text()}}})}});
        break;
      }
      case 2: request("textDocument/hover", at()); break;
      case 3: request("textDocument/definition", at()); break;
      case 4: request("textDocument/completion", at()); break;
      case 5: request("textDocument/documentSymbol", {{"textDocument", {{"uri", uri()}}}}); break;
      case 6: {
        unsigned tab = in.byte() % 9;
        request("textDocument/formatting",
                {{"textDocument", {{"uri", uri()}}}, {"options", {{"tabSize", tab}, {"insertSpaces", true}}}});
        break;
      }
      case 7: notify("textDocument/didClose", {{"textDocument", {{"uri", uri()}}}}); break;
      case 8: notify("textDocument/didSave", {{"textDocument", {{"uri", uri()}}}}); break;
      case 9:
        notify("workspace/didChangeWatchedFiles",
               {{"changes", Json::array({{{"uri", uri()}, {"type", 1 + in.byte() % 3}}})}});
        break;
      case 10: request("shutdown", nullptr); break;
      case 11: notify("exit", nullptr); break;
      default: request("workspace/symbol", {{"query", in.text()}}); break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  gSmallStdlib = data[0] & 2;
  if (data[0] & 1) session(data + 1, size - 1);
  else framed(data + 1, size - 1);
  return 0;
}
