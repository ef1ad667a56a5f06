// The language server: JSON-RPC framing, the session's life cycle, and the
// features, each answered from a fresh compilation of the project with the
// open buffers in place of their files.
#include "tenet/lsp/Server.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>

#include "tenet/base/Embedded.h"
#include "tenet/base/Files.h"
#include "tenet/format/Format.h"
#include "tenet/lint/Lint.h"

#ifndef TENET_VERSION
#define TENET_VERSION "0.0.0"
#endif

namespace tenet::lsp {

namespace fs = std::filesystem;

// JSON-RPC and LSP error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kServerNotInitialized = -32002;

// ---------------------------------------------------------------------------
// Framing

/// Reads one header line into `line`, keeping at most kMaxHeaderLine
/// characters of it (the rest is read and dropped). False at end of input.
constexpr std::size_t kMaxHeaderLine = 1024;

bool readHeaderLine(std::istream& in, std::string& line, bool& tooLong) {
  line.clear();
  tooLong = false;
  int c = in.get();
  if (c == std::char_traits<char>::eof()) return false;
  for (; c != std::char_traits<char>::eof() && c != '\n'; c = in.get()) {
    if (line.size() < kMaxHeaderLine) line.push_back(static_cast<char>(c));
    else tooLong = true;
  }
  return true;
}

/// How deep a JSON text nests arrays and objects, counting brackets outside
/// strings only. Checked before parsing, so that no message can make the
/// server recurse deeply when it copies or writes a value.
std::size_t jsonNesting(std::string_view body) {
  std::size_t depth = 0, most = 0;
  bool inString = false, escaped = false;
  for (char c : body) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      most = std::max(most, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return most;
}

constexpr std::size_t kMaxMessageNesting = 64;

Frame readFrame(std::istream& in) {
  Frame f;
  std::optional<std::size_t> length;
  std::string line;
  bool any = false, tooLong = false;
  while (readHeaderLine(in, line, tooLong)) {
    any = true;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if (tooLong) {
      f.kind = Frame::Malformed;
      f.error = "a header line longer than 1024 characters";
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) {
      f.kind = Frame::Malformed;
      f.error = "a header line without ':': " + line.substr(0, 80);
      continue;
    }
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "content-length") {
      std::string value = line.substr(colon + 1);
      std::size_t a = value.find_first_not_of(' ');
      char* end = nullptr;
      unsigned long long n = a == std::string::npos ? 0 : std::strtoull(value.c_str() + a, &end, 10);
      if (a == std::string::npos || !end || *end != '\0' || n > (1ull << 30)) {
        f.kind = Frame::Malformed;
        f.error = "an unusable Content-Length: " + value.substr(0, 40);
        continue;
      }
      length = static_cast<std::size_t>(n);
    }
  }
  if (!any) return Frame{Frame::EndOfInput, {}, {}};
  if (!length) {
    if (!in) return Frame{Frame::EndOfInput, {}, {}};
    return Frame{Frame::Malformed, {}, f.error.empty() ? "a message without Content-Length" : f.error};
  }
  // Read as it arrives: a Content-Length alone does not make the server
  // reserve a gigabyte.
  char chunk[1 << 16];
  for (std::size_t left = *length; left > 0;) {
    in.read(chunk, static_cast<std::streamsize>(std::min(left, sizeof chunk)));
    auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) return Frame{Frame::EndOfInput, {}, {}};
    f.body.append(chunk, got);
    left -= got;
  }
  f.kind = Frame::Message;
  return f;
}

void writeFrame(std::ostream& out, const Json& message) {
  std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

int runStdio(std::istream& in, std::ostream& out, ServerOptions options) {
  std::ostream* log = options.log;
  Server server([&](const Json& m) { writeFrame(out, m); }, std::move(options));
  while (!server.exited()) {
    Frame f = readFrame(in);
    if (f.kind == Frame::EndOfInput) break;
    if (f.kind == Frame::Malformed) {
      if (log) *log << "tenet lsp: skipped a malformed message: " << f.error << std::endl;
      continue;
    }
    server.handleText(f.body);
  }
  return server.exited() ? server.exitCode() : 1;
}

// ---------------------------------------------------------------------------
// URIs

std::string uriToPath(const std::string& uri) {
  std::string_view s(uri);
  if (s.starts_with("file://")) s.remove_prefix(7);
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string pathToUri(const std::string& path) {
  std::string out = "file://";
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') out += c;
    else out += fmt::format("%{:02X}", u);
  }
  return out;
}

/// What stands at a place in a file, for hover and definition.
struct Occurrence {
  SourceRange range;
  const Requirement* requirement = nullptr;
  const Framework* framework = nullptr;
  const RoleDecl* role = nullptr;
  const Policy* policy = nullptr;
  const Control* control = nullptr;
  const Facts* facts = nullptr;
  const RecordField* field = nullptr;
  const Type* type = nullptr;  ///< of the expression, for names without a declaration
  std::string name;            ///< as written
};

namespace {

/// How many UTF-16 code units the UTF-8 text `s` is (the protocol's columns).
std::size_t utf16Length(std::string_view s) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units;
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

Date today() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int severityCode(Severity s) {
  switch (s) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    case Severity::Note: return 3;
  }
  return 1;
}

// Symbol kinds of the protocol.
constexpr int kModule = 2, kNamespace = 3, kPackage = 4, kClass = 5, kField = 8, kInterface = 11, kFunction = 12,
              kString = 15, kObject = 19, kStruct = 23, kEvent = 24;
// Completion item kinds.
constexpr int kCompletionField = 5, kCompletionModule = 9, kCompletionKeyword = 14, kCompletionReference = 18,
              kCompletionEnumMember = 20;

const char* const kKeywords[] = {"project",  "role",      "policy",  "control",     "facts",   "framework",
                                 "crosswalk", "applicability", "exception", "section", "statement", "satisfies",
                                 "expect",   "evidence",  "fresh",   "within",      "else",    "all",
                                 "any",      "in",        "where",   "not",         "and",     "or",
                                 "every",    "lint",      "schema",  "requirement", "group",   "exclude",
                                 "because",  "none",      "true",    "false",       "count",   "age",
                                 "len"};


class Finder {
 public:
  Finder(const Model& m, std::uint32_t offset) : m_(m), offset_(offset) {}

  std::optional<Occurrence> best;

  void consider(Occurrence o) {
    if (!o.range.valid() || offset_ < o.range.begin || offset_ > o.range.end) return;
    if (!best || o.range.end - o.range.begin < best->range.end - best->range.begin) best = std::move(o);
  }

  void unit(const SourceUnit& u) {
    for (const auto& p : u.projects) {
      props(p.properties);
    }
    for (const auto& r : u.roles) consider(roleAt(r.name.range, r.name.name));
    for (const auto& p : u.policies) {
      const Policy* policy = m_.policy(p.name.name);
      Occurrence o{.range = p.name.range, .policy = policy, .name = p.name.name};
      consider(o);
      props(p.properties);
      for (const auto& c : p.controls) {
        const Control* control = nullptr;
        if (policy)
          for (const auto& cc : policy->controls)
            if (cc->decl == &c) control = cc.get();
        consider(Occurrence{.range = c.name.range, .control = control, .name = c.name.name});
        props(c.properties);
        for (const auto& ref : c.satisfies) reqRef(ref);
        for (const auto& e : c.expects)
          if (e.expr) expr(*e.expr);
        for (const auto& e : c.evidence)
          if (e.expr) expr(*e.expr);
      }
    }
    for (const auto& f : u.facts) {
      auto it = m_.facts.find(f.name.name);
      consider(Occurrence{.range = f.name.range, .facts = it == m_.facts.end() ? nullptr : it->second.get(),
                          .name = f.name.name});
    }
    for (const auto& fw : u.frameworks) {
      const Framework* framework = m_.framework(fw.name.name);
      consider(Occurrence{.range = fw.name.range, .framework = framework, .name = fw.name.name});
      if (framework)
        for (const auto& r : framework->requirements)
          if (r->decl && r->decl->id.range.file == u.file)
            consider(Occurrence{.range = r->decl->id.range, .requirement = r.get(), .name = r->id});
    }
    for (const auto& cw : u.crosswalks) {
      const Framework* from = m_.framework(cw.from.name);
      const Framework* to = m_.framework(cw.to.name);
      consider(Occurrence{.range = cw.from.range, .framework = from, .name = cw.from.name});
      consider(Occurrence{.range = cw.to.range, .framework = to, .name = cw.to.name});
      for (const auto& rel : cw.relations) {
        reqId(from, rel.from);
        reqId(to, rel.to);
      }
      for (const auto& g : cw.gaps) reqId(g.inTo ? to : from, g.id);
    }
    for (const auto& a : u.applicability) {
      const Framework* fw = m_.framework(a.framework.name);
      consider(Occurrence{.range = a.framework.range, .framework = fw, .name = a.framework.name});
      for (const auto& e : a.exclusions) reqId(fw, e.id);
    }
    for (const auto& e : u.exceptions) props(e.properties);
  }

 private:
  const Model& m_;
  std::uint32_t offset_;

  Occurrence roleAt(SourceRange r, const std::string& name) {
    auto it = m_.roles.find(name);
    return Occurrence{.range = r, .role = it == m_.roles.end() ? nullptr : it->second, .name = name};
  }

  void reqRef(const ReqRef& ref) {
    const Framework* fw = m_.framework(ref.framework.name);
    consider(Occurrence{.range = ref.framework.range, .framework = fw, .name = ref.framework.name});
    consider(Occurrence{.range = ref.idRange, .requirement = fw ? fw->find(ref.id) : nullptr, .name = ref.id});
  }

  void reqId(const Framework* fw, const ReqId& id) {
    consider(Occurrence{.range = id.range, .requirement = fw ? fw->find(id.id) : nullptr, .name = id.id});
  }

  void props(const std::vector<Property>& ps) {
    for (const auto& p : ps)
      if (p.value) value(*p.value);
  }

  /// A property value: a role, a framework, or `policy.control`.
  void value(const Expr& e) {
    if (e.kind == ExprKind::Name) {
      if (m_.roles.count(e.name.name)) consider(roleAt(e.name.range, e.name.name));
      else if (const Framework* fw = m_.framework(e.name.name))
        consider(Occurrence{.range = e.name.range, .framework = fw, .name = e.name.name});
    } else if (e.kind == ExprKind::Member && !e.children.empty() && e.children[0] &&
               e.children[0]->kind == ExprKind::Name) {
      const Policy* p = m_.policy(e.children[0]->name.name);
      consider(Occurrence{.range = e.children[0]->name.range, .policy = p, .name = e.children[0]->name.name});
      if (p)
        for (const auto& c : p->controls)
          if (c->decl->name.name == e.name.name)
            consider(Occurrence{.range = e.name.range, .control = c.get(), .name = e.name.name});
    } else if (e.kind == ExprKind::List) {
      for (const auto& c : e.children)
        if (c) value(*c);
    }
  }

  void expr(const Expr& e) {
    if (e.kind == ExprKind::Name) {
      auto it = m_.facts.find(e.name.name);
      if (it != m_.facts.end())
        consider(Occurrence{.range = e.name.range, .facts = it->second.get(), .name = e.name.name});
      else
        consider(Occurrence{.range = e.name.range, .type = e.type, .name = e.name.name});
    } else if (e.kind == ExprKind::Member && !e.children.empty() && e.children[0]) {
      const Type* base = e.children[0]->type;
      if (base && base->kind == TypeKind::Record)
        if (const RecordField* f = base->field(e.name.name))
          consider(Occurrence{.range = e.name.range, .field = f, .type = f->type, .name = e.name.name});
    } else if ((e.kind == ExprKind::Quantifier || e.kind == ExprKind::Count) && e.var.range.valid()) {
      const Type* element = e.domain && e.domain->type && e.domain->type->kind == TypeKind::List
                                ? e.domain->type->element
                                : nullptr;
      consider(Occurrence{.range = e.var.range, .type = element, .name = e.var.name});
    }
    for (const auto& c : e.children)
      if (c) expr(*c);
  }
};

std::string roleSummary(const RoleDecl& r) {
  std::string s = "**" + (r.title ? r.title->value : r.name.name) + "** (role `" + r.name.name + "`)";
  if (const Property* h = findProperty(r.properties, "holder"); h && h->value && h->value->text)
    s += "\n\nHolder: " + h->value->text->value;
  if (const Property* e = findProperty(r.properties, "email"); e && e->value && e->value->text)
    s += "\n\nE-mail: " + e->value->text->value;
  return s;
}

std::string requirementSummary(const Requirement& r) {
  std::string s = "**" + r.id + "** " + r.title + "\n\n" + r.framework->title;
  for (const GroupDecl* g : r.groups)
    s += "\n\n" + g->id.value + (g->title ? " " + g->title->value : std::string());
  return s;
}

std::string fencedSchema(const Facts& f) { return "```tenet\n" + spell(f.type) + "\n```"; }

}  // namespace

// ---------------------------------------------------------------------------
// The session

Server::Server(std::function<void(const Json&)> send, ServerOptions options)
    : send_(std::move(send)), options_(std::move(options)) {}

Server::~Server() = default;

void Server::log(const std::string& message) {
  if (options_.log) *options_.log << "tenet lsp: " << message << std::endl;
}

void Server::reply(const Json& id, Json result) {
  send_(Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::replyError(const Json& id, int code, const std::string& message) {
  send_(Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::handleText(std::string_view body) {
  if (jsonNesting(body) > kMaxMessageNesting) {
    log("a message is nested too deeply");
    replyError(nullptr, kInvalidRequest, "the message nests arrays and objects more than 64 levels deep");
    return;
  }
  Json message = Json::parse(body, nullptr, false);
  if (message.is_discarded()) {
    log("a message is not valid JSON");
    replyError(nullptr, kParseError, "the message is not valid JSON");
    return;
  }
  handle(message);
}

void Server::handle(const Json& message) {
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string()) {
    Json id = message.is_object() && message.contains("id") ? message["id"] : Json(nullptr);
    if (message.is_object() && (message.contains("result") || message.contains("error"))) return;  // a response to us
    replyError(id, kInvalidRequest, "a request needs a method");
    return;
  }
  std::string method = message["method"];
  Json params = message.contains("params") ? message["params"] : Json::object();
  try {
    if (message.contains("id")) request(message["id"], method, params);
    else notification(method, params);
  } catch (const std::exception& e) {
    // A request whose parameters do not have the expected shape.
    log("cannot handle " + method + ": " + e.what());
    if (message.contains("id")) replyError(message["id"], kInvalidParams, std::string("invalid parameters: ") + e.what());
  }
}

void Server::request(const Json& id, const std::string& method, const Json& params) {
  if (method == "initialize") {
    reply(id, initialize(params));
    initialized_ = true;
    return;
  }
  if (!initialized_) {
    replyError(id, kServerNotInitialized, "the server has not been initialized");
    return;
  }
  if (shutdown_) {
    replyError(id, kInvalidRequest, "the server is shutting down");
    return;
  }
  if (method == "shutdown") {
    shutdown_ = true;
    reply(id, nullptr);
  } else if (method == "textDocument/hover") {
    reply(id, hover(params));
  } else if (method == "textDocument/definition") {
    reply(id, definition(params));
  } else if (method == "textDocument/documentSymbol") {
    reply(id, documentSymbols(params));
  } else if (method == "textDocument/completion") {
    reply(id, completion(params));
  } else if (method == "textDocument/formatting") {
    reply(id, formatting(params));
  } else {
    replyError(id, kMethodNotFound, "tenet lsp does not support " + method);
  }
}

void Server::notification(const std::string& method, const Json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;
  if (method == "initialized") {
    if (canWatchFiles_) watchFiles();
  } else if (method == "textDocument/didOpen") {
    const Json& doc = params.at("textDocument");
    std::string uri = doc.at("uri");
    docs_[uri] = Document{doc.at("text").get<std::string>(), doc.value("version", 0LL)};
    if (root_.empty()) root_ = fs::path(canonical(uriToPath(uri))).parent_path().string();
    recompile(true);
  } else if (method == "textDocument/didChange") {
    std::string uri = params.at("textDocument").at("uri");
    auto it = docs_.find(uri);
    if (it == docs_.end()) return;
    // Full document sync: the last change holds the whole text.
    const Json& changes = params.at("contentChanges");
    if (!changes.is_array() || changes.empty()) return;
    it->second.text = changes.back().at("text").get<std::string>();
    it->second.version = params.at("textDocument").value("version", it->second.version);
    recompile(false);
  } else if (method == "textDocument/didClose") {
    docs_.erase(params.at("textDocument").at("uri").get<std::string>());
    recompile(true);
  } else if (method == "textDocument/didSave" || method == "workspace/didChangeWatchedFiles") {
    // A file saved, or changed by another program: what is on disk counts.
    if (comp_) recompile(true);
  }
  // Other notifications ($/cancelRequest...) need nothing.
}

void Server::watchFiles() {
  Json watcher{{"globPattern", "**/*.tenet"}};
  Json registration{{"id", "tenet-files"},
                    {"method", "workspace/didChangeWatchedFiles"},
                    {"registerOptions", {{"watchers", Json::array({watcher})}}}};
  send_(Json{{"jsonrpc", "2.0"},
             {"id", nextRequestId_++},
             {"method", "client/registerCapability"},
             {"params", {{"registrations", Json::array({registration})}}}});
}

Json Server::initialize(const Json& params) {
  std::string root;
  if (params.contains("rootUri") && params["rootUri"].is_string()) root = uriToPath(params["rootUri"]);
  else if (params.contains("rootPath") && params["rootPath"].is_string()) root = params["rootPath"];
  else if (params.contains("workspaceFolders") && params["workspaceFolders"].is_array() &&
           !params["workspaceFolders"].empty())
    root = uriToPath(params["workspaceFolders"][0].value("uri", ""));
  if (!root.empty()) root_ = canonical(root);
  // Whether the client watches files on disk for a server that asks it to.
  const Json* watch = &params;
  for (const char* key : {"capabilities", "workspace", "didChangeWatchedFiles", "dynamicRegistration"})
    watch = watch && watch->is_object() && watch->contains(key) ? &(*watch)[key] : nullptr;
  canWatchFiles_ = watch && watch->is_boolean() && watch->get<bool>();
  return Json{{"capabilities",
               {{"textDocumentSync", {{"openClose", true}, {"change", 1}, {"save", true}}},
                {"hoverProvider", true},
                {"definitionProvider", true},
                {"documentSymbolProvider", true},
                {"completionProvider", {{"triggerCharacters", {"."}}}},
                {"documentFormattingProvider", true},
                {"positionEncoding", "utf-16"}}},
              {"serverInfo", {{"name", "tenet"}, {"version", TENET_VERSION}}}};
}

// ---------------------------------------------------------------------------
// Compiling and diagnostics

void Server::recompile(bool readDisk) {
  CompileOptions o;
  if (!root_.empty()) o.paths = {root_};
  o.defaultToCurrentFolder = false;
  o.warnIfNoSources = false;
  if (options_.stdlibDir) o.stdlibDir = *options_.stdlibDir;
  openUris_.clear();
  for (const auto& [uri, doc] : docs_) {
    std::string path = canonical(uriToPath(uri));
    o.overlays[path] = doc.text;
    openUris_[path] = uri;
  }
  // Files that did not change keep their texts and syntax trees from the
  // last run.
  o.reuse = comp_.get();
  o.reuseFiles = !readDisk;
  auto next = std::make_unique<Compilation>(std::move(o));
  next->run();
  std::unique_ptr<Compilation> previous = std::move(comp_);
  comp_ = std::move(next);
  lint();
  publishDiagnostics();
  // The previous compilation is freed only now: the editor does not wait for it.
}

void Server::lint() {
  Compilation& comp = *comp_;
  const SourceManager& sm = comp.sources();
  Date asOf = options_.asOf ? *options_.asOf : today();
  // What was found in a file holds while the file keeps its syntax tree
  // (the same id, path and text) and the date is the same.
  std::vector<std::optional<std::vector<Diagnostic>>> kept(sm.size());
  if (lintedAsOf_ == asOf)
    for (FileId id = 0; id < policyFindings_.size() && id < kept.size(); ++id)
      if (policyFindings_[id] && comp.reused(id)) kept[id] = std::move(policyFindings_[id]);
  policyFindings_ = std::move(kept);
  lintedAsOf_ = asOf;
  if (!comp.model()) return;
  const Model& model = *comp.model();
  DiagnosticEngine& diags = comp.diagnostics();
  LintConfigOptions config;
  // The rules read a sound model: with errors, only the errors are shown.
  if (!diags.hasErrors()) {
    for (const SourceUnit& u : comp.units()) {
      if (u.file == kNoFile || sm.file(u.file).fromStdlib || policyFindings_[u.file]) continue;
      DiagnosticEngine found;
      found.setLimit(SIZE_MAX);
      LintContext ctx{model, sm, asOf, found};
      for (const PolicyDecl& p : u.policies)
        if (const Policy* policy = model.policy(p.name.name); policy && policy->decl == &p)
          runPolicyLintRules(ctx, *policy);
      policyFindings_[u.file].emplace(found.all().begin(), found.all().end());
    }
    DiagnosticEngine project;
    project.setLimit(SIZE_MAX);
    runProjectLintRules(LintContext{model, sm, asOf, project});
    std::size_t total = diags.all().size() + project.all().size();
    for (const auto& f : policyFindings_)
      if (f) total += f->size();
    if (total < diags.limit()) {
      // Found in another order than `tenet lint` finds them, and then sorted
      // the same way.
      for (const auto& f : policyFindings_)
        if (f)
          for (const Diagnostic& d : *f) diags.add(d);
      for (const Diagnostic& d : project.all()) diags.add(d);
    } else {
      // Which findings the limit lets through depends on the order they are
      // found in: here, the order of `tenet lint`.
      runLintRules(LintContext{model, sm, asOf, diags});
    }
    config.reportSuppressions = true;
  }
  applyLintConfig(model, comp.units(), sm, diags, config);
  diags.sort(sm);
}

std::string Server::uriOf(FileId file) {
  const SourceFile& f = comp_->sources().file(file);
  if (f.path.starts_with("<stdlib>/")) {
    // The built-in catalogues, written out once so that an editor can open them.
    std::string base = options_.cacheDir.value_or("");
    if (base.empty()) {
      if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) base = std::string(x) + "/tenet";
      else if (const char* h = std::getenv("HOME"); h && *h) base = std::string(h) + "/.cache/tenet";
      else base = (fs::temp_directory_path() / "tenet").string();
    }
    fs::path out = fs::path(base) / ("stdlib-" TENET_VERSION) / f.path.substr(9);
    std::error_code ec;
    std::string current;
    if (std::ifstream in(out, std::ios::binary); in) current.assign(std::istreambuf_iterator<char>(in), {});
    if (current != f.text) {
      // A cache, rewritten when stale; whole or not at all, since an
      // editor may be reading it.
      fs::create_directories(out.parent_path(), ec);
      std::string why;
      if (!writeFileAtomically(out.string(), f.text, why)) log("cannot write " + out.string() + ": " + why);
    }
    return pathToUri(out.string());
  }
  std::string path = canonical(f.path);
  // An open document keeps the URI the editor gave it.
  if (auto it = openUris_.find(path); it != openUris_.end()) return it->second;
  return pathToUri(path);
}

Json Server::range(SourceRange r) const {
  const SourceManager& sm = comp_->sources();
  LineCol a = sm.utf16Position(r.file, r.begin);
  LineCol b = sm.utf16Position(r.file, std::max(r.begin, r.end));
  return Json{{"start", {{"line", a.line}, {"character", a.col}}}, {"end", {{"line", b.line}, {"character", b.col}}}};
}

void Server::publishDiagnostics() {
  std::map<std::string, Json> byUri;
  // Open documents always get their list, empty or not; other files of the
  // project only when they have diagnostics, or had some before.
  const SourceManager& sm = comp_->sources();
  for (const auto& [uri, doc] : docs_) byUri[uri] = Json::array();
  for (const auto& d : comp_->diagnostics().all()) {
    if (!d.range.valid() || sm.file(d.range.file).fromStdlib) continue;
    Json item{{"range", range(d.range)},
              {"severity", severityCode(d.severity)},
              {"code", std::string(d.name())},
              {"source", "tenet"},
              {"message", d.help.empty() ? d.message : d.message + "\n" + d.help}};
    Json related = Json::array();
    for (const auto& n : d.notes)
      if (n.range.valid())
        related.push_back({{"location", {{"uri", uriOf(n.range.file)}, {"range", range(n.range)}}},
                           {"message", n.message}});
    if (!related.empty()) item["relatedInformation"] = related;
    byUri[uriOf(d.range.file)].push_back(std::move(item));
  }
  // Files that had diagnostics and are no longer in the project are cleared.
  for (const auto& uri : published_)
    if (!byUri.count(uri)) byUri[uri] = Json::array();
  published_.clear();
  for (auto& [uri, list] : byUri) {
    if (!list.empty()) published_.insert(uri);
    Json params{{"uri", uri}, {"diagnostics", std::move(list)}};
    if (auto it = docs_.find(uri); it != docs_.end()) params["version"] = it->second.version;
    send_(Json{{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", std::move(params)}});
  }
}

std::optional<FileId> Server::fileOf(const std::string& uri) const {
  if (!comp_) return std::nullopt;
  std::string path = canonical(uriToPath(uri));
  const SourceManager& sm = comp_->sources();
  // The project's files are read under the canonical root, so the path
  // itself almost always matches; resolving every path is the fallback.
  for (std::size_t i = 0; i < sm.size(); ++i)
    if (!sm.file(static_cast<FileId>(i)).fromStdlib && sm.file(static_cast<FileId>(i)).path == path)
      return static_cast<FileId>(i);
  for (std::size_t i = 0; i < sm.size(); ++i)
    if (!sm.file(static_cast<FileId>(i)).fromStdlib && canonical(sm.file(static_cast<FileId>(i)).path) == path)
      return static_cast<FileId>(i);
  return std::nullopt;
}

std::optional<std::uint32_t> Server::offsetAt(FileId file, const Json& position) const {
  if (!position.is_object()) return std::nullopt;
  auto line = position.at("line").get<long long>();
  auto character = position.at("character").get<long long>();
  if (line < 0 || character < 0) return std::nullopt;
  return comp_->sources().offsetOfUtf16(file, static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(character));
}

// ---------------------------------------------------------------------------
// Features

/// What stands at the request's position, for hover and definition.
std::optional<Occurrence> Server::occurrenceAt(const Json& params) const {
  auto file = fileOf(params.at("textDocument").at("uri"));
  if (!file || !comp_->model()) return std::nullopt;
  auto offset = offsetAt(*file, params.at("position"));
  if (!offset) return std::nullopt;
  Finder finder(*comp_->model(), *offset);
  for (const auto& u : comp_->units())
    if (u.file == *file) finder.unit(u);
  return finder.best;
}

Json Server::hover(const Json& params) {
  std::optional<Occurrence> found = occurrenceAt(params);
  if (!found) return nullptr;
  const Occurrence& o = *found;
  std::string text;
  if (o.requirement) {
    text = requirementSummary(*o.requirement);
  } else if (o.framework) {
    text = "**" + o.framework->title + "** (framework `" + o.framework->name + "`), " +
           std::to_string(o.framework->requirements.size()) + " requirements";
  } else if (o.role) {
    text = roleSummary(*o.role);
  } else if (o.control) {
    const ControlDecl& c = *o.control->decl;
    text = "**" + (c.title ? c.title->value : c.name.name) + "** (control `" + o.control->policy->decl->name.name +
           "." + c.name.name + "`)";
    if (c.statement) text += "\n\n" + c.statement->value;
  } else if (o.policy) {
    const PolicyDecl& p = *o.policy->decl;
    text = "**" + (p.title ? p.title->value : p.name.name) + "** (policy `" + p.name.name + "`), " +
           std::to_string(o.policy->controls.size()) + " controls";
    if (o.policy->owner) text += "\n\nOwner: " + (o.policy->owner->title ? o.policy->owner->title->value : o.policy->owner->name.name);
  } else if (o.facts) {
    text = "**" + (o.facts->decl->title ? o.facts->decl->title->value : o.facts->decl->name.name) + "** (facts `" +
           o.facts->decl->name.name + "` from `" + o.facts->source + "`)\n\n" + fencedSchema(*o.facts);
  } else if (o.field) {
    text = "`" + o.field->name + "`: `" + spell(o.field->type) + "`";
  } else if (o.type) {
    text = "`" + o.name + "`: `" + spell(o.type) + "`";
  } else {
    return nullptr;
  }
  return Json{{"contents", {{"kind", "markdown"}, {"value", text}}}, {"range", range(o.range)}};
}

Json Server::definition(const Json& params) {
  std::optional<Occurrence> found = occurrenceAt(params);
  if (!found) return nullptr;
  const Occurrence& o = *found;
  SourceRange target;
  if (o.requirement && o.requirement->decl) target = o.requirement->decl->id.range;
  else if (o.framework && o.framework->decl) target = o.framework->decl->name.range;
  else if (o.role) target = o.role->name.range;
  else if (o.control) target = o.control->decl->name.range;
  else if (o.policy) target = o.policy->decl->name.range;
  else if (o.facts) target = o.facts->decl->name.range;
  else if (o.field) target = o.field->range;
  if (!target.valid()) return nullptr;
  return Json{{"uri", uriOf(target.file)}, {"range", range(target)}};
}

Json Server::documentSymbols(const Json& params) {
  auto file = fileOf(params.at("textDocument").at("uri"));
  Json out = Json::array();
  if (!file) return out;
  auto symbol = [&](const std::string& name, const std::string& detail, int kind, SourceRange whole,
                    SourceRange selection) {
    if (!whole.valid()) whole = selection;
    if (!selection.valid() || selection.begin < whole.begin || selection.end > whole.end) selection = whole;
    return Json{{"name", name.empty() ? std::string("(unnamed)") : name},
                {"detail", detail},
                {"kind", kind},
                {"range", range(whole)},
                {"selectionRange", range(selection)},
                {"children", Json::array()}};
  };
  auto title = [](const std::optional<Text>& t) { return t ? t->value : std::string(); };
  for (const auto& u : comp_->units()) {
    if (u.file != *file) continue;
    for (const auto& p : u.projects) out.push_back(symbol(p.name.name, title(p.title), kNamespace, p.range, p.name.range));
    for (const auto& r : u.roles) out.push_back(symbol(r.name.name, title(r.title), kObject, r.range, r.name.range));
    for (const auto& p : u.policies) {
      Json s = symbol(p.name.name, title(p.title), kModule, p.range, p.name.range);
      for (const auto& sec : p.sections)
        s["children"].push_back(symbol(sec.heading.value, "section", kString, sec.range, sec.heading.range));
      for (const auto& c : p.controls)
        s["children"].push_back(symbol(c.name.name, title(c.title), kFunction, c.range, c.name.range));
      out.push_back(std::move(s));
    }
    for (const auto& f : u.facts) {
      Json s = symbol(f.name.name, title(f.title), kStruct, f.range, f.name.range);
      for (const auto& field : f.schema) s["children"].push_back(symbol(field.name.name, "", kField, field.range, field.name.range));
      out.push_back(std::move(s));
    }
    for (const auto& fw : u.frameworks) out.push_back(symbol(fw.name.name, title(fw.title), kPackage, fw.range, fw.name.range));
    for (const auto& cw : u.crosswalks)
      out.push_back(symbol(cw.from.name + " -> " + cw.to.name, title(cw.title), kInterface, cw.range, cw.from.range));
    for (const auto& a : u.applicability)
      out.push_back(symbol("applicability " + a.framework.name, "", kClass, a.range, a.framework.range));
    for (const auto& e : u.exceptions) out.push_back(symbol(e.name.name, title(e.title), kEvent, e.range, e.name.range));
  }
  return out;
}

Json Server::completion(const Json& params) {
  std::string uri = params.at("textDocument").at("uri");
  Json items = Json::array();
  auto doc = docs_.find(uri);
  if (doc == docs_.end() || !comp_ || !comp_->model()) return items;
  const Model& m = *comp_->model();
  // The text of the line before the cursor, from the buffer itself.
  const std::string& text = doc->second.text;
  long long line = params.at("position").at("line");
  long long character = params.at("position").at("character");
  std::size_t start = 0;
  for (long long l = 0; l < line && start != std::string::npos; ++l) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return items;
  // Walk `character` UTF-16 code units into the line.
  std::size_t i = start;
  long long units = 0;
  while (i < text.size() && text[i] != '\n' && units < character) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  std::string before = text.substr(start, i - start);
  // The dotted name being typed: `iso27001.A.5.` or `okta.users`.
  std::size_t b = before.size();
  while (b > 0 && (std::isalnum(static_cast<unsigned char>(before[b - 1])) || before[b - 1] == '_' ||
                   before[b - 1] == '-' || before[b - 1] == '.'))
    --b;
  std::string word = before.substr(b);
  auto add = [&](const std::string& label, int kind, const std::string& detail) {
    items.push_back(Json{{"label", label}, {"kind", kind}, {"detail", detail}});
  };
  std::size_t dot = word.find('.');
  if (dot != std::string::npos) {
    std::string head = word.substr(0, dot);
    if (const Framework* fw = m.framework(head)) {
      // Requirement ids hold dots: replace everything typed after `framework.`.
      LineCol pos{static_cast<std::uint32_t>(line), static_cast<std::uint32_t>(character)};
      long long typedUnits = static_cast<long long>(word.size() - dot - 1);  // ASCII
      Json editRange{{"start", {{"line", pos.line}, {"character", character - typedUnits}}},
                     {"end", {{"line", pos.line}, {"character", character}}}};
      for (const auto& r : fw->requirements)
        items.push_back(Json{{"label", r->id},
                             {"kind", kCompletionEnumMember},
                             {"detail", r->title},
                             {"filterText", r->id},
                             {"textEdit", {{"range", editRange}, {"newText", r->id}}}});
      return items;
    }
    // A facts block or a bound variable, then fields.
    const Type* t = nullptr;
    if (auto f = m.facts.find(head); f != m.facts.end()) t = f->second->type;
    if (!t) {
      // A quantifier variable of an expression around the cursor.
      if (auto file = fileOf(uri)) {
        // The first binding of that name in the file gives its type.
        std::function<void(const Expr&)> find = [&](const Expr& e) {
          if ((e.kind == ExprKind::Quantifier || e.kind == ExprKind::Count) && e.var.name == head && e.domain &&
              e.domain->type && e.domain->type->kind == TypeKind::List && !t)
            t = e.domain->type->element;
          for (const auto& c : e.children)
            if (c) find(*c);
        };
        for (const auto& u : comp_->units())
          if (u.file == *file)
            for (const auto& p : u.policies)
              for (const auto& c : p.controls)
                for (const auto& e : c.expects)
                  if (e.expr) find(*e.expr);
      }
    }
    std::string rest = word.substr(dot + 1);
    // Follow the fields already typed: `okta.password_policy.`
    while (t && rest.find('.') != std::string::npos) {
      std::string seg = rest.substr(0, rest.find('.'));
      rest = rest.substr(rest.find('.') + 1);
      const RecordField* f = t->kind == TypeKind::Record ? t->field(seg) : nullptr;
      t = f ? f->type : nullptr;
    }
    if (t && t->kind == TypeKind::Record)
      for (const auto& f : t->fields) add(f.name, kCompletionField, spell(f.type));
    return items;
  }
  std::string trimmed = before.substr(0, b);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  if (trimmed.ends_with("=")) {
    // A property value: most often a role.
    for (const auto& [name, r] : m.roles) add(name, kCompletionReference, r->title ? r->title->value : "");
    return items;
  }
  for (const char* k : kKeywords) add(k, kCompletionKeyword, "keyword");
  for (const auto& [name, r] : m.roles) add(name, kCompletionReference, r->title ? r->title->value : "role");
  for (const auto& [name, f] : m.frameworks) add(name, kCompletionModule, f->title);
  for (const auto& [name, f] : m.facts) add(name, kCompletionReference, "facts");
  for (const auto& [name, p] : m.policies) add(name, kCompletionReference, p->decl->title ? p->decl->title->value : "policy");
  return items;
}

Json Server::formatting(const Json& params) {
  std::string uri = params.at("textDocument").at("uri");
  auto doc = docs_.find(uri);
  if (doc == docs_.end()) return nullptr;
  SourceManager sm;
  DiagnosticEngine diags;
  FormatOutcome out = formatText(sm, diags, uriToPath(uri), doc->second.text);
  if (out.status != FormatStatus::Ok) {
    log("not formatting " + uri + ": " + (out.message.empty() ? "it has syntax errors" : out.message));
    return nullptr;
  }
  if (out.text == doc->second.text) return Json::array();
  // One edit replacing the whole document, up to its last character.
  const std::string& old = doc->second.text;
  std::size_t lines = static_cast<std::size_t>(std::count(old.begin(), old.end(), '\n'));
  std::size_t lastLine = old.rfind('\n') == std::string::npos ? 0 : old.rfind('\n') + 1;
  std::size_t units = utf16Length(std::string_view(old).substr(lastLine));
  return Json::array({Json{{"range", {{"start", {{"line", 0}, {"character", 0}}},
                                      {"end", {{"line", lines}, {"character", units}}}}},
                           {"newText", out.text}}});
}

}  // namespace tenet::lsp
