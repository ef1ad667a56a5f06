// The language server, spoken to as an editor speaks to it: framing, the
// session's life cycle, diagnostics across files, hover, definition,
// symbols, completion, formatting, UTF-16 positions and malformed input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "Session.h"

using namespace tenet::lsp;
using namespace tenet::lsp::test;
namespace fs = std::filesystem;

namespace {

const char* kRoles = R"(role ciso "Chief Information Security Officer" { holder = "Dana Reyes" }
role ceo "Chief Executive Officer" { holder = "Priya Natarajan" }
)";

const char* kPolicy = R"(facts okta "Okta export" {
  source = "okta.json"
  schema {
    exported_at: date
    users: list<{ email: string, mfa: bool }>
  }
}

policy access "Access Control Policy" {
  owner     = ciso
  approver  = ceo
  effective = 2026-01-15
  review    = every 12 months

  section "Purpose" "Who may access what."
  section "Scope" "All accounts."

  control mfa "Multi-factor authentication" {
    statement "Every account **must** use MFA."
    satisfies iso27001.A.5.17
    expect all u in okta.users: u.mfa
      else "{u.email} has no MFA"
    evidence okta.exported_at fresh within 7 days
  }
}
)";

}  // namespace

TEST_CASE("Frames are read by their Content-Length and written with it", "[lsp]") {
  std::istringstream in(
      "Content-Length: 2\r\n\r\n{}"
      "content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH: 7\r\n\r\n[1,2,3]"
      "X-Nothing: here\r\n\r\n"
      "Content-Length: abc\r\n\r\n"
      "Content-Length: 10\r\n\r\n{\"a\":");
  Frame a = readFrame(in);
  CHECK(a.kind == Frame::Message);
  CHECK(a.body == "{}");
  Frame b = readFrame(in);
  CHECK(b.kind == Frame::Message);
  CHECK(b.body == "[1,2,3]");
  CHECK(readFrame(in).kind == Frame::Malformed);  // no Content-Length
  CHECK(readFrame(in).kind == Frame::Malformed);  // not a number
  CHECK(readFrame(in).kind == Frame::EndOfInput); // the body is cut short
  CHECK(readFrame(in).kind == Frame::EndOfInput);

  std::ostringstream out;
  writeFrame(out, Json{{"x", "é"}});
  std::string body = "{\"x\":\"é\"}";
  CHECK(out.str() == "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

TEST_CASE("Oversized headers and deeply nested messages are refused, not followed", "[lsp]") {
  // A header line with no end is read and dropped past 1024 characters: it
  // is a malformed frame, and the frames after it are read as usual.
  std::istringstream in(std::string(1 << 20, 'x') + "\r\n\r\n" + "Content-Length: 2\r\n\r\n[]");
  Frame a = readFrame(in);
  CHECK(a.kind == Frame::Malformed);
  CHECK(a.error.find("longer than 1024") != std::string::npos);
  Frame b = readFrame(in);
  CHECK(b.kind == Frame::Message);
  CHECK(b.body == "[]");

  // A message nested a million levels deep gets an error reply; the server
  // goes on serving. Brackets inside strings do not count.
  std::vector<Json> sent;
  Server server([&](const Json& m) { sent.push_back(m); });
  std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  server.handleText(R"({"jsonrpc":"2.0","id":)" + deep + R"(,"method":"shutdown"})");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["error"]["code"] == -32600);
  CHECK(sent[0]["id"].is_null());
  CHECK(sent[0]["error"]["message"].get<std::string>().find("64 levels") != std::string::npos);
  server.handleText(R"({"jsonrpc":"2.0","id":7,"method":"shutdown","params":{"x":")" + std::string(1000, '[') + R"("}})");
  REQUIRE(sent.size() == 2);
  CHECK(sent[1]["id"] == 7);
  // Whatever the reply says (before initialize, an error of its own), it is
  // not the refusal of a nested message.
  CHECK_FALSE((sent[1].contains("error") && sent[1]["error"]["code"] == -32600));
}

TEST_CASE("A whole session over streams ends with the exit code the protocol asks for", "[lsp]") {
  auto frame = [](const Json& m) {
    std::string b = m.dump();
    return "Content-Length: " + std::to_string(b.size()) + "\r\n\r\n" + b;
  };
  std::string input = frame({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Json::object()}}) +
                      "garbage without headers\r\n\r\n" +
                      frame({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}}) +
                      frame({{"jsonrpc", "2.0"}, {"method", "exit"}});
  std::istringstream in(input);
  std::ostringstream out, log;
  ServerOptions o;
  o.log = &log;
  CHECK(runStdio(in, out, o) == 0);
  CHECK(out.str().find("\"capabilities\"") != std::string::npos);
  CHECK(log.str().find("malformed") != std::string::npos);

  // Exit without shutdown, and input that ends without exit, give 1.
  std::istringstream in2(frame({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Json::object()}}) +
                         frame({{"jsonrpc", "2.0"}, {"method", "exit"}}));
  std::ostringstream out2;
  CHECK(runStdio(in2, out2, o) == 1);
  std::istringstream in3("");
  CHECK(runStdio(in3, out2, o) == 1);
}

TEST_CASE("The life cycle: initialize first, errors for what is unknown or malformed", "[lsp]") {
  Session s;
  Json early = s.request("textDocument/hover");
  CHECK(early["error"]["code"] == -32002);

  Json init = s.request("initialize", {{"capabilities", Json::object()}});
  const Json& caps = init["result"]["capabilities"];
  CHECK(caps["textDocumentSync"]["change"] == 1);
  CHECK(caps["textDocumentSync"]["save"] == true);
  CHECK(caps["hoverProvider"] == true);
  CHECK(caps["definitionProvider"] == true);
  CHECK(caps["documentSymbolProvider"] == true);
  CHECK(caps["documentFormattingProvider"] == true);
  CHECK(caps["completionProvider"]["triggerCharacters"] == Json::array({"."}));
  CHECK(init["result"]["serverInfo"]["name"] == "tenet");

  CHECK(s.request("workspace/noSuchThing")["error"]["code"] == -32601);
  std::size_t before = s.sent.size();
  s.notify("$/noSuchNotification");
  CHECK(s.sent.size() == before);  // notifications are never answered

  s.server.handleText("{ this is not json");
  CHECK(s.sent.back()["error"]["code"] == -32700);
  CHECK(s.sent.back()["id"].is_null());
  s.server.handle(Json{{"jsonrpc", "2.0"}, {"id", 99}});
  CHECK(s.sent.back()["error"]["code"] == -32600);
  s.server.handle(Json::array({1, 2}));
  CHECK(s.sent.back()["error"]["code"] == -32600);
  // Parameters of the wrong shape are an error for that request only.
  Json bad = s.request("textDocument/hover", {{"textDocument", 42}});
  CHECK(bad["error"]["code"] == -32602);

  CHECK(s.request("shutdown")["result"].is_null());
  CHECK(s.request("textDocument/hover")["error"]["code"] == -32600);
  CHECK_FALSE(s.server.exited());
  s.notify("exit");
  CHECK(s.server.exited());
  CHECK(s.server.exitCode() == 0);
}

TEST_CASE("Diagnostics are published on open and on every change, across files, lint included", "[lsp]") {
  TempProject p;
  std::string roles = p.write("roles.tenet", kRoles);
  std::string policy = p.write("policy.tenet", kPolicy);
  Session s;
  s.initialize(p.root.string());

  std::string broken = kPolicy;
  broken.replace(broken.find("iso27001.A.5.17"), 15, "iso27001.A.5.99");
  s.open(policy, broken);
  Json d = s.diagnostics(policy);
  REQUIRE(d.is_array());
  REQUIRE(hasCode(d, "unknown-requirement"));
  for (const auto& item : d)
    if (item["code"] == "unknown-requirement") {
      CHECK(item["severity"] == 1);
      CHECK(item["range"]["start"]["line"] == 19);
      CHECK(item["range"]["start"]["character"] == 23);
      CHECK(item["message"].get<std::string>().find("A.5.99") != std::string::npos);
    }

  // Fixed: the list is emptied.
  s.change(policy, kPolicy, 2);
  d = s.diagnostics(policy);
  REQUIRE(d.is_array());
  CHECK(d.empty());

  // A lint finding, as tenet lint reports it.
  std::string weak = kPolicy;
  weak.replace(weak.find("**must** use"), 12, "should use");
  s.change(policy, weak, 3);
  CHECK(hasCode(s.diagnostics(policy), "weak-modal"));
  s.change(policy, kPolicy, 4);

  // An edit in one file shows in another: the role the policy names is gone.
  s.open(roles, "role ciso \"Chief Information Security Officer\" { holder = \"Dana Reyes\" }\n");
  CHECK(hasCode(s.diagnostics(policy), "unknown-role"));
  s.change(roles, kRoles, 2);
  Json after = s.diagnostics(policy);
  CHECK((after.is_array() && after.empty()));
}

TEST_CASE("Hover tells what a name is", "[lsp]") {
  TempProject p;
  p.write("roles.tenet", kRoles);
  std::string policy = p.write("policy.tenet", kPolicy);
  Session s;
  s.initialize(p.root.string());
  s.open(policy, kPolicy);
  auto text = [](const Json& r) { return r.is_null() ? std::string() : r["contents"]["value"].get<std::string>(); };

  std::string req = text(s.at("textDocument/hover", policy, 19, 26));  // A.5.17
  CHECK(req.find("A.5.17") != std::string::npos);
  CHECK(req.find("Authentication information") != std::string::npos);
  CHECK(req.find("ISO/IEC 27001:2022") != std::string::npos);

  std::string role = text(s.at("textDocument/hover", policy, 9, 15));  // owner = ciso
  CHECK(role.find("Chief Information Security Officer") != std::string::npos);
  CHECK(role.find("Dana Reyes") != std::string::npos);

  std::string field = text(s.at("textDocument/hover", policy, 20, 26));  // okta.users
  CHECK(field.find("users") != std::string::npos);
  CHECK(field.find("list<{ email: string, mfa: bool }>") != std::string::npos);

  std::string control = text(s.at("textDocument/hover", policy, 17, 11));  // control mfa
  CHECK(control.find("Every account **must** use MFA.") != std::string::npos);

  CHECK(s.at("textDocument/hover", policy, 14, 1).is_null());  // a blank line
}

TEST_CASE("Go to definition reaches roles, facts fields and requirements in the stdlib", "[lsp]") {
  TempProject p;
  TempProject cache;
  std::string roles = p.write("roles.tenet", kRoles);
  std::string policy = p.write("policy.tenet", kPolicy);
  Session s(cache.root.string());
  s.initialize(p.root.string());
  s.open(policy, kPolicy);

  Json role = s.at("textDocument/definition", policy, 9, 15);
  CHECK(role["uri"] == roles);
  CHECK(role["range"]["start"]["line"] == 0);
  CHECK(role["range"]["start"]["character"] == 5);

  Json field = s.at("textDocument/definition", policy, 20, 37);  // u.mfa
  CHECK(field["uri"] == policy);
  CHECK(field["range"]["start"]["line"] == 4);

  Json req = s.at("textDocument/definition", policy, 19, 26);
  std::string uri = req["uri"];
  REQUIRE(uri.rfind(pathToUri(cache.root.string()), 0) == 0);
  std::ifstream in(uriToPath(uri));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  auto line = req["range"]["start"]["line"].get<std::size_t>();
  REQUIRE(line < lines.size());
  CHECK(lines[line].find("A.5.17") != std::string::npos);
}

TEST_CASE("Document symbols list policies with their controls", "[lsp]") {
  TempProject p;
  p.write("roles.tenet", kRoles);
  std::string policy = p.write("policy.tenet", kPolicy);
  Session s;
  s.initialize(p.root.string());
  s.open(policy, kPolicy);
  Json symbols = s.request("textDocument/documentSymbol", {{"textDocument", {{"uri", policy}}}})["result"];
  REQUIRE(symbols.is_array());
  bool found = false;
  for (const auto& sym : symbols)
    if (sym["name"] == "access") {
      found = true;
      CHECK(sym["detail"] == "Access Control Policy");
      bool control = false;
      for (const auto& c : sym["children"])
        if (c["name"] == "mfa") control = true;
      CHECK(control);
    }
  CHECK(found);
}

TEST_CASE("Completion offers requirement ids, fact fields, roles and keywords", "[lsp]") {
  TempProject p;
  p.write("roles.tenet", kRoles);
  std::string policy = p.write("policy.tenet", kPolicy);
  Session s;
  s.initialize(p.root.string());
  std::string typing = kPolicy;
  typing.replace(typing.find("satisfies iso27001.A.5.17"), 25, "satisfies iso27001.A.5.");
  s.open(policy, typing);
  auto labels = [](const Json& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(i["label"]);
    return out;
  };
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  Json reqs = s.at("textDocument/completion", policy, 19, 27);
  CHECK(has(labels(reqs), "A.5.15"));
  CHECK(has(labels(reqs), "A.8.5"));
  // The edit replaces what was typed after `iso27001.`.
  for (const auto& i : reqs)
    if (i["label"] == "A.5.15") {
      CHECK(i["textEdit"]["range"]["start"]["character"] == 23);
      CHECK(i["textEdit"]["range"]["end"]["character"] == 27);
    }

  s.change(policy, kPolicy, 2);
  Json fields = s.at("textDocument/completion", policy, 20, 25);  // after `okta.`
  CHECK(has(labels(fields), "users"));
  CHECK(has(labels(fields), "exported_at"));
  Json vars = s.at("textDocument/completion", policy, 20, 34);  // after `u.`
  CHECK(has(labels(vars), "email"));
  CHECK(has(labels(vars), "mfa"));
  Json roles = s.at("textDocument/completion", policy, 9, 14);  // after `owner     = `
  CHECK(has(labels(roles), "ciso"));
  CHECK(has(labels(roles), "ceo"));
  Json keywords = s.at("textDocument/completion", policy, 14, 0);
  CHECK(has(labels(keywords), "control"));
  CHECK(has(labels(keywords), "satisfies"));
}

TEST_CASE("Positions count UTF-16 code units, also after non-ASCII prose", "[lsp]") {
  TempProject p;
  p.write("roles.tenet", kRoles);
  // "é" is one UTF-16 unit (two bytes), "😀" two units (four bytes).
  std::string text = kPolicy;
  text.replace(text.find("\"Who may access what.\""), 22, "\"Qui accède à quoi 😀.\"");
  text.replace(text.find("    statement \"Every account"), 4, "    ");
  std::string line = "  control x \"😀 é\" { satisfies iso27001.A.5.99 }\n";
  text.insert(text.rfind('}'), line);
  std::string policy = p.write("policy.tenet", text);
  Session s;
  s.initialize(p.root.string());
  s.open(policy, text);
  Json d = s.diagnostics(policy);
  REQUIRE(hasCode(d, "unknown-requirement"));
  for (const auto& item : d)
    if (item["code"] == "unknown-requirement") {
      // `  control x "` is 13 units, the emoji 2, then ` é" { satisfies iso27001.` 25.
      CHECK(item["range"]["start"]["character"] == 13 + 2 + 25);
    }
  // Hovering the id just found, by its UTF-16 position, finds nothing known
  // (A.5.99 does not exist) but a position inside `iso27001` finds the framework.
  int lineNo = 0;
  for (std::size_t i = 0; i < text.find(line); ++i)
    if (text[i] == '\n') ++lineNo;
  Json fw = s.at("textDocument/hover", policy, lineNo, 13 + 2 + 19);
  REQUIRE_FALSE(fw.is_null());
  CHECK(fw["contents"]["value"].get<std::string>().find("ISO/IEC 27001:2022") != std::string::npos);
}

TEST_CASE("Formatting goes through tenet fmt and leaves broken files alone", "[lsp]") {
  TempProject p;
  p.write("roles.tenet", kRoles);
  std::string messy = "role   cto   \"CTO\"   {   holder = \"Sam\"   }\n";
  std::string uri = p.write("more.tenet", messy);
  Session s;
  s.initialize(p.root.string());
  s.open(uri, messy);
  Json edits = s.request("textDocument/formatting", {{"textDocument", {{"uri", uri}}}, {"options", {{"tabSize", 2}}}})["result"];
  REQUIRE(edits.is_array());
  REQUIRE(edits.size() == 1);
  CHECK(edits[0]["newText"] == "role cto \"CTO\" {\n  holder = \"Sam\"\n}\n");
  CHECK(edits[0]["range"]["start"] == Json{{"line", 0}, {"character", 0}});
  CHECK(edits[0]["range"]["end"] == Json{{"line", 1}, {"character", 0}});

  s.change(uri, "role cto \"CTO\" {\n  holder = \"Sam\"\n}\n", 2);
  CHECK(s.request("textDocument/formatting", {{"textDocument", {{"uri", uri}}}})["result"] == Json::array());

  s.change(uri, "role cto \"CTO {\n", 3);
  CHECK(s.request("textDocument/formatting", {{"textDocument", {{"uri", uri}}}})["result"].is_null());
}
