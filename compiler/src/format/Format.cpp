// `tenet fmt`: the canonical layout of a source file.
//
// The structure (declarations, blocks, items, their order) comes from the
// syntax tree; the text of each item comes from its own tokens, so nothing
// is ever re-spelled: strings, numbers, dates and prose blocks are copied as
// written, and only the white space between tokens changes. Each comment is
// attached to an item (the one it precedes, or the one it trails on the same
// line) and moves with it. The result is parsed again and must give the same
// syntax tree and hold every comment, or the file is left as it was.
// docs/fmt.md describes the layout.
#include "tenet/format/Format.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

#include "tenet/syntax/Parser.h"

namespace tenet {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// ---------------------------------------------------------------------------
// Tokens. The lexer follows grammar/TenetLexer.g4 on files that parsed
// without errors, and keeps comments.

enum class TK : std::uint8_t { Id, Int, Number, Date, String, Prose, Punct, Comment };

struct Tok {
  TK kind = TK::Punct;
  std::uint32_t begin = 0, end = 0;
  std::uint32_t line = 0, endLine = 0;  // zero-based, of the first and the last byte
  std::string_view text;
};

bool isIdStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isIdChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

std::uint32_t lineOf(const SourceFile& f, std::uint32_t offset) {
  auto it = std::upper_bound(f.lineStarts.begin(), f.lineStarts.end(), offset);
  return static_cast<std::uint32_t>(it - f.lineStarts.begin()) - 1;
}

bool lex(const SourceFile& f, std::vector<Tok>& out) {
  std::string_view s = f.text;
  std::size_t n = s.size(), i = 0;
  auto at = [&](std::size_t k) { return k < n ? s[k] : '\0'; };
  while (i < n) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      ++i;
      continue;
    }
    std::size_t j = i;
    TK kind = TK::Punct;
    if (c == '/' && at(i + 1) == '/') {
      while (j < n && s[j] != '\n' && s[j] != '\r') ++j;
      kind = TK::Comment;
    } else if (s.compare(i, 3, "\"\"\"") == 0) {
      std::size_t close = s.find("\"\"\"", i + 3);
      if (close == std::string_view::npos) return false;
      j = close + 3;
      kind = TK::Prose;
    } else if (c == '"') {
      j = i + 1;
      for (;;) {
        if (j >= n || s[j] == '\n' || s[j] == '\r') return false;
        if (s[j] == '\\' && j + 1 < n && s[j + 1] != '\n' && s[j + 1] != '\r') {
          j += 2;
        } else if (s[j] == '"') {
          ++j;
          break;
        } else {
          ++j;
        }
      }
      kind = TK::String;
    } else if (isIdStart(c)) {
      while (j < n && isIdChar(s[j])) ++j;
      while (at(j) == '-' && isIdChar(at(j + 1))) {
        ++j;
        while (j < n && isIdChar(s[j])) ++j;
      }
      kind = TK::Id;
    } else if (isDigit(c)) {
      bool date = i + 10 <= n;
      for (std::size_t k = 0; date && k < 10; ++k)
        date = (k == 4 || k == 7) ? s[i + k] == '-' : isDigit(s[i + k]);
      if (date) {
        j = i + 10;
        kind = TK::Date;
      } else {
        while (j < n && isDigit(s[j])) ++j;
        kind = TK::Int;
        if (at(j) == '.' && isDigit(at(j + 1))) {
          ++j;
          while (j < n && isDigit(s[j])) ++j;
          kind = TK::Number;
        }
      }
    } else {
      static const char* kTwo[] = {"<=", ">=", "==", "!=", "->"};
      bool two = false;
      for (const char* t : kTwo)
        if (s.compare(i, 2, t) == 0) two = true;
      if (two) {
        j = i + 2;
      } else if (std::strchr("{}[]()<>=+-,:.?|", c) && c != '\0') {
        j = i + 1;
      } else {
        return false;
      }
    }
    Tok t;
    t.kind = kind;
    t.begin = static_cast<std::uint32_t>(i);
    t.end = static_cast<std::uint32_t>(j);
    t.text = s.substr(i, j - i);
    t.line = lineOf(f, t.begin);
    t.endLine = lineOf(f, t.end - 1);
    out.push_back(t);
    i = j;
  }
  return true;
}

// Reserved words (docs/language.md), which never take a call's parenthesis.
bool isKeyword(std::string_view w) {
  static const char* kWords[] = {
      "project", "role",   "policy",  "control", "facts",     "framework", "group", "requirement", "crosswalk",
      "applicability", "exception", "section", "statement", "satisfies", "expect", "evidence", "fresh",
      "within",  "every",  "schema",  "lint",    "exclude",   "because",   "all",   "any",         "where",
      "in",      "and",    "or",      "not",     "else",      "true",      "false", "none",        "day",
      "days",    "week",   "weeks",   "month",   "months",    "year",      "years"};
  for (const char* k : kWords)
    if (w == k) return true;
  return false;
}

bool isPunct(const Tok& t, std::string_view p) { return t.kind == TK::Punct && t.text == p; }

// ---------------------------------------------------------------------------
// The layout tree: blocks and the items inside them, with their comments.

enum class Align : std::uint8_t { None, Property, Relation };

struct Entity {
  std::size_t tok = 0;       // a comment token
  bool blankBefore = false;  // a blank line before it in the source
};

struct Node {
  bool block = false;     // header, then `{ ... }` (or a header alone, when `open` is kNone)
  std::size_t tokBegin = 0, tokEnd = 0;  // its tokens [tokBegin, tokEnd)
  std::size_t open = kNone;              // the `{` of a block
  int rank = 0;                          // canonical order among its siblings
  bool major = false;                    // set apart by blank lines
  bool join = false;                     // a leaf printed on one line (prose aside)
  bool typeContext = false;              // `<` and `>` are brackets, `{` opens a record
  Align align = Align::None;
  std::string key;                       // Property: the key
  std::vector<std::string> cells;        // Relation on one line: from, to, kind, text
  std::vector<Node> children;
  std::vector<Entity> leading;
  std::size_t trailing = kNone;          // a comment after the item, on its last line
  std::size_t headerComment = kNone;     // a comment after `{`
  std::vector<Entity> closing;           // comments before `}`
  bool blankBefore = false;
};

struct Context {
  const SourceFile& file;
  std::vector<Tok> toks;
  std::string error;

  std::size_t firstTokAt(std::uint32_t offset) const {
    auto it = std::lower_bound(toks.begin(), toks.end(), offset,
                               [](const Tok& t, std::uint32_t o) { return t.begin < o; });
    return static_cast<std::size_t>(it - toks.begin());
  }
  std::size_t endTokAt(std::uint32_t offset) const {  // past the last token ending at or before offset
    auto it = std::upper_bound(toks.begin(), toks.end(), offset,
                               [](std::uint32_t o, const Tok& t) { return o < t.end; });
    return static_cast<std::size_t>(it - toks.begin());
  }
  std::string_view text(SourceRange r) const {
    return std::string_view(file.text).substr(r.begin, r.end - r.begin);
  }
  std::size_t matchBrace(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < toks.size(); ++i) {
      if (isPunct(toks[i], "{")) ++depth;
      if (isPunct(toks[i], "}") && --depth == 0) return i;
    }
    return kNone;
  }
};

Node leaf(const Context& cx, SourceRange r, int rank) {
  Node n;
  n.tokBegin = cx.firstTokAt(r.begin);
  n.tokEnd = cx.endTokAt(r.end);
  n.rank = rank;
  return n;
}

/// A declaration with an optional body: the `{` is the first brace in its range.
Node blockNode(const Context& cx, SourceRange r, int rank) {
  Node n = leaf(cx, r, rank);
  n.block = true;
  for (std::size_t i = n.tokBegin; i < n.tokEnd; ++i)
    if (isPunct(cx.toks[i], "{")) {
      n.open = i;
      break;
    }
  return n;
}

int keyRank(std::string_view key, std::initializer_list<std::string_view> order) {
  int k = 0;
  for (auto o : order) {
    if (o == key) return k;
    ++k;
  }
  return k;  // unknown keys after the known ones, in written order
}

/// Properties in canonical order, unless a key is repeated: then the order
/// the file gives decides which one counts, and it is kept.
void addProperties(const Context& cx, std::vector<Node>& out, const std::vector<Property>& props, int classRank,
                   std::initializer_list<std::string_view> order) {
  bool repeated = false;
  for (std::size_t i = 0; i < props.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (props[i].key.name == props[j].key.name) repeated = true;
  for (const auto& p : props) {
    Node n = leaf(cx, p.range, classRank * 1000 + (repeated ? 0 : keyRank(p.key.name, order)));
    n.align = Align::Property;
    n.key = p.key.name;
    out.push_back(std::move(n));
  }
}

enum class Extra { None, Satisfies, Lint, Schema, SchemaCommas };

/// Fills `n.children` with `items` and with what only the tokens show:
/// `satisfies` lines, the `lint` and `schema` blocks.
bool fillBody(Context& cx, Node& n, std::vector<Node> items, Extra extra, int extraRank = 0,
              std::vector<Node> inner = {}) {
  if (n.open == kNone) {
    if (!items.empty()) {
      cx.error = "a block without braces holds items";
      return false;
    }
    return true;
  }
  std::size_t close = n.tokEnd - 1;
  if (n.tokEnd == 0 || close <= n.open || !isPunct(cx.toks[close], "}") || cx.matchBrace(n.open) != close) {
    cx.error = "a block's braces could not be found";
    return false;
  }
  std::sort(items.begin(), items.end(), [](const Node& a, const Node& b) { return a.tokBegin < b.tokBegin; });
  std::size_t next = 0;
  std::vector<Node> out;
  for (std::size_t i = n.open + 1; i < close;) {
    if (next < items.size() && i == items[next].tokBegin) {
      if (items[next].tokEnd <= i || items[next].tokEnd > close) {
        cx.error = "an item lies outside its block";
        return false;
      }
      i = items[next].tokEnd;
      out.push_back(std::move(items[next++]));
      continue;
    }
    if (next < items.size() && i > items[next].tokBegin) {
      cx.error = "items overlap";
      return false;
    }
    const Tok& t = cx.toks[i];
    std::size_t limit = next < items.size() ? items[next].tokBegin : close;
    if (t.kind == TK::Comment) {
      ++i;
    } else if (extra == Extra::Satisfies && t.kind == TK::Id && t.text == "satisfies") {
      std::size_t last = i;
      for (std::size_t j = i + 1; j < limit; ++j) {
        if (cx.toks[j].kind == TK::Id && cx.toks[j].text == "satisfies") break;
        if (cx.toks[j].kind != TK::Comment) last = j;
      }
      Node s;
      s.tokBegin = i;
      s.tokEnd = last + 1;
      s.rank = extraRank;
      out.push_back(std::move(s));
      i = last + 1;
    } else if ((extra == Extra::Lint && t.kind == TK::Id && t.text == "lint") ||
               (extra == Extra::Schema && t.kind == TK::Id && t.text == "schema")) {
      Node b;
      b.block = true;
      b.tokBegin = i;
      b.open = i + 1;
      if (b.open >= limit || !isPunct(cx.toks[b.open], "{")) {
        cx.error = "a block's brace is missing";
        return false;
      }
      std::size_t end = cx.matchBrace(b.open);
      if (end == kNone || end >= limit) {
        cx.error = "a block's braces could not be found";
        return false;
      }
      b.tokEnd = end + 1;
      b.rank = extraRank;
      b.major = extra == Extra::Lint;
      std::vector<Node> mine;
      for (auto& m : inner)
        if (m.tokBegin > b.open && m.tokEnd <= end) mine.push_back(std::move(m));
      if (!fillBody(cx, b, std::move(mine), extra == Extra::Schema ? Extra::SchemaCommas : Extra::None)) return false;
      out.push_back(std::move(b));
      i = end + 1;
    } else if (extra == Extra::SchemaCommas && isPunct(t, ",")) {
      ++i;  // commas between the fields of a schema are optional; each field has its line
    } else {
      cx.error = "unexpected text '" + std::string(t.text) + "' in a block";
      return false;
    }
  }
  if (next != items.size()) {
    cx.error = "an item lies outside its block";
    return false;
  }
  n.children = std::move(out);
  return true;
}

bool buildFrameworkItems(Context& cx, Node& n, const std::vector<Property>& props,
                         const std::vector<FrameworkItem>& items) {
  std::vector<Node> kids;
  addProperties(cx, kids, props, 0, {"edition", "publisher", "source", "url", "description"});
  for (const auto& item : items) {
    if (item.group) {
      Node g = blockNode(cx, item.group->range, 1000);
      if (!buildFrameworkItems(cx, g, item.group->properties, item.group->items)) return false;
      kids.push_back(std::move(g));
    } else if (item.requirement) {
      Node r = blockNode(cx, item.requirement->range, 1000);
      std::vector<Node> rp;
      addProperties(cx, rp, item.requirement->properties, 0, {"description"});
      if (!fillBody(cx, r, std::move(rp), Extra::None)) return false;
      kids.push_back(std::move(r));
    }
  }
  return fillBody(cx, n, std::move(kids), Extra::None);
}

bool buildControl(Context& cx, Node& n, const ControlDecl& c) {
  std::vector<Node> kids;
  if (c.statement) {
    Node s = leaf(cx, c.statementRange, 0);
    s.join = true;
    kids.push_back(std::move(s));
  }
  addProperties(cx, kids, c.properties, 1, {"cadence", "owner"});
  for (const auto& e : c.expects) kids.push_back(leaf(cx, e.range, 3000));
  for (const auto& e : c.evidence) kids.push_back(leaf(cx, e.range, 4000));
  return fillBody(cx, n, std::move(kids), Extra::Satisfies, 2000);
}

std::vector<Node> buildTop(Context& cx, const SourceUnit& u) {
  std::vector<Node> top;
  auto fail = [&] { return std::vector<Node>{}; };
  for (const auto& d : u.projects) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids, settings;
    addProperties(cx, kids, d.properties, 0, {"organization", "frameworks", "scope"});
    for (const auto& s : d.lint) {
      Node l = leaf(cx, s.range, 0);
      l.align = Align::Property;
      l.key = s.rule.name;
      l.join = true;
      settings.push_back(std::move(l));
    }
    if (!fillBody(cx, n, std::move(kids), Extra::Lint, 1000, std::move(settings))) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.roles) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids;
    addProperties(cx, kids, d.properties, 0, {"holder", "email"});
    if (!fillBody(cx, n, std::move(kids), Extra::None)) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.policies) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids;
    addProperties(cx, kids, d.properties, 0,
                  {"owner", "approver", "version", "effective", "review", "classification", "pending"});
    for (const auto& s : d.sections) {
      Node sn = leaf(cx, s.range, 1000);
      sn.major = true;
      sn.join = true;
      kids.push_back(std::move(sn));
    }
    for (const auto& c : d.controls) {
      Node cn = blockNode(cx, c.range, 1000);
      cn.major = true;
      if (!buildControl(cx, cn, c)) return fail();
      kids.push_back(std::move(cn));
    }
    if (!fillBody(cx, n, std::move(kids), Extra::None)) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.facts) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids, fields;
    addProperties(cx, kids, d.properties, 0, {"source"});
    for (const auto& f : d.schema) {
      Node fn = leaf(cx, f.range, 0);
      fn.typeContext = true;
      fields.push_back(std::move(fn));
    }
    if (!fillBody(cx, n, std::move(kids), Extra::Schema, 1000, std::move(fields))) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.frameworks) {
    Node n = blockNode(cx, d.range, 0);
    if (!buildFrameworkItems(cx, n, d.properties, d.items)) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.crosswalks) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids;
    addProperties(cx, kids, d.properties, 0, {"source", "url"});
    auto oneLine = [&](const Node& x) {
      for (std::size_t i = x.tokBegin; i < x.tokEnd; ++i)
        if (cx.toks[i].kind == TK::Comment || cx.toks[i].line != cx.toks[x.tokBegin].line) return false;
      return x.tokEnd > x.tokBegin;
    };
    for (const auto& r : d.relations) {
      Node rn = leaf(cx, r.range, 1000);
      rn.join = true;
      rn.align = Align::Relation;
      if (oneLine(rn))
        rn.cells = {std::string(cx.text(r.from.range)), std::string(cx.text(r.to.range)), r.kind.name,
                    r.rationale ? std::string(cx.text(r.rationale->range)) : ""};
      kids.push_back(std::move(rn));
    }
    for (const auto& g : d.gaps) {
      Node gn = leaf(cx, g.range, 1000);
      gn.join = true;
      gn.align = Align::Relation;
      std::string id(cx.text(g.id.range));
      if (oneLine(gn))
        gn.cells = {g.inTo ? "none" : id, g.inTo ? id : "none", "", std::string(cx.text(g.reason.range))};
      kids.push_back(std::move(gn));
    }
    if (!fillBody(cx, n, std::move(kids), Extra::None)) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.applicability) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids;
    for (const auto& e : d.exclusions) {
      Node en = leaf(cx, e.range, 0);
      en.join = true;
      kids.push_back(std::move(en));
    }
    if (!fillBody(cx, n, std::move(kids), Extra::None)) return fail();
    top.push_back(std::move(n));
  }
  for (const auto& d : u.exceptions) {
    Node n = blockNode(cx, d.range, 0);
    std::vector<Node> kids;
    addProperties(cx, kids, d.properties, 0, {"waives", "approver", "granted", "expires", "reason"});
    if (!fillBody(cx, n, std::move(kids), Extra::None)) return fail();
    top.push_back(std::move(n));
  }
  std::sort(top.begin(), top.end(), [](const Node& a, const Node& b) { return a.tokBegin < b.tokBegin; });
  return top;
}

/// Attaches the comments between `lo` and `hi` (token indices) that no child
/// holds: to the child they trail on its last line, to the child they
/// precede, or to the end of the block. `prevLine` is the line of the `{`.
void attach(Context& cx, std::vector<Node>& kids, std::size_t lo, std::size_t hi, std::int64_t prevLine,
            std::size_t* headerComment, std::vector<Entity>& closing) {
  std::vector<Entity> pending;
  Node* prev = nullptr;
  bool prevIsHeader = headerComment != nullptr;
  std::size_t k = 0;
  for (std::size_t i = lo; i < hi;) {
    if (k < kids.size() && i == kids[k].tokBegin) {
      Node& c = kids[k++];
      c.leading.insert(c.leading.begin(), pending.begin(), pending.end());
      pending.clear();
      c.blankBefore = static_cast<std::int64_t>(cx.toks[c.tokBegin].line) > prevLine + 1;
      prevLine = cx.toks[c.tokEnd - 1].endLine;
      prev = &c;
      prevIsHeader = false;
      i = c.tokEnd;
      continue;
    }
    const Tok& t = cx.toks[i];
    if (t.kind == TK::Comment) {
      if (static_cast<std::int64_t>(t.line) == prevLine && pending.empty() && (prev || prevIsHeader)) {
        if (prev && prev->trailing == kNone) prev->trailing = i;
        else if (!prev && *headerComment == kNone) *headerComment = i;
        else pending.push_back({i, false});
      } else {
        pending.push_back({i, static_cast<std::int64_t>(t.line) > prevLine + 1});
      }
      prevLine = t.endLine;
    }
    ++i;
  }
  closing.insert(closing.end(), pending.begin(), pending.end());
}

void attachAll(Context& cx, Node& n) {
  if (!n.block) return;
  // Comments inside a header go before the item.
  std::size_t headerEnd = n.open == kNone ? n.tokEnd : n.open;
  for (std::size_t i = n.tokBegin; i < headerEnd; ++i)
    if (cx.toks[i].kind == TK::Comment) n.leading.push_back({i, false});
  if (n.open == kNone) return;
  attach(cx, n.children, n.open + 1, n.tokEnd - 1, cx.toks[n.open].line, &n.headerComment, n.closing);
  for (auto& c : n.children) attachAll(cx, c);
}

// ---------------------------------------------------------------------------
// Printing

bool isOpener(const Tok& t, bool typeCtx) {
  return isPunct(t, "(") || isPunct(t, "[") || isPunct(t, "{") || (typeCtx && isPunct(t, "<"));
}
bool isCloser(const Tok& t, bool typeCtx) {
  return isPunct(t, ")") || isPunct(t, "]") || isPunct(t, "}") || (typeCtx && isPunct(t, ">"));
}

bool endsValue(const Tok& t) {
  switch (t.kind) {
    case TK::Int: case TK::Number: case TK::Date: case TK::String: case TK::Prose: return true;
    case TK::Id: {
      static const char* kOps[] = {"and", "or", "not", "in", "where", "else", "expect", "evidence", "every",
                                   "within", "fresh", "statement", "satisfies", "because"};
      for (const char* o : kOps)
        if (t.text == o) return false;
      return true;
    }
    case TK::Punct: return t.text == ")" || t.text == "]" || t.text == "}";
    case TK::Comment: return false;
  }
  return false;
}

bool needSpace(const Tok& p, bool pUnary, const Tok& t, bool typeCtx) {
  if (pUnary) return false;
  if (isPunct(p, "(") || isPunct(p, "[")) return false;
  if (isPunct(t, ")") || isPunct(t, "]") || isPunct(t, ",") || isPunct(t, ":") || isPunct(t, "?")) return false;
  if (isPunct(p, ".") || isPunct(t, ".")) return false;
  if (typeCtx) {
    if (isPunct(p, "<") || isPunct(t, "<") || isPunct(t, ">")) return false;
    if (isPunct(p, "{") && isPunct(t, "}")) return false;
  }
  if (isPunct(t, "(") && p.kind == TK::Id && !isKeyword(p.text)) return false;
  return true;
}

std::string tokenText(const Tok& t) {
  if (t.kind == TK::Comment) {
    std::string_view s = t.text;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
  }
  if (t.kind == TK::Prose) {
    // Line breaks are LF everywhere; the bytes of each line are kept.
    std::string out;
    out.reserve(t.text.size());
    for (std::size_t i = 0; i < t.text.size(); ++i) {
      if (t.text[i] == '\r' && i + 1 < t.text.size() && t.text[i + 1] == '\n') continue;
      out.push_back(t.text[i]);
    }
    return out;
  }
  return std::string(t.text);
}

std::size_t width(std::string_view s) { return countCodePoints(s); }

class Printer {
 public:
  explicit Printer(const Context& cx) : cx_(cx) {}
  std::string out;

  void file(std::vector<Node>& top, const std::vector<Entity>& closing) {
    bool first = true;
    for (auto& n : top) {
      for (std::size_t j = 0; j < n.leading.size(); ++j) {
        bool blank = !first && (j == 0 || n.leading[j].blankBefore);
        comment(n.leading[j].tok, 0, blank);
        first = false;
      }
      if (!first && (n.leading.empty() || n.blankBefore)) out += '\n';
      first = false;
      node(n, 0, nullptr);
    }
    for (const auto& e : closing) {
      comment(e.tok, 0, !first && e.blankBefore);
      first = false;
    }
  }

 private:
  const Context& cx_;

  struct AlignInfo {
    std::size_t keyWidth = 0;
    std::size_t w[3] = {0, 0, 0};
  };

  void indent(int n) { out.append(static_cast<std::size_t>(n), ' '); }

  void comment(std::size_t tok, int ind, bool blank) {
    if (blank) out += '\n';
    indent(ind);
    out += tokenText(cx_.toks[tok]);
    out += '\n';
  }

  /// The tokens [a, b), spaced canonically. Line breaks of the source are
  /// kept (at most one) unless `join`; continuation lines are indented by
  /// the brackets still open, or by two spaces.
  void reflow(std::size_t a, std::size_t b, int base, bool typeCtx, bool join, bool skipComments,
              std::size_t padAt = kNone, std::size_t pad = 0) {
    std::vector<int> stack;
    // Continuation lines outside brackets: each level the source indents
    // deeper is two more spaces, so the nesting the author showed stays.
    std::vector<std::pair<std::uint32_t, int>> levels;  // source column, output indent
    int lineIndent = base;
    const Tok* prev = nullptr;
    bool prevUnary = false;
    for (std::size_t i = a; i < b; ++i) {
      const Tok& t = cx_.toks[i];
      if (skipComments && t.kind == TK::Comment) continue;
      if (prev) {
        bool brk = prev->kind == TK::Comment || (!join && t.line > prev->endLine);
        if (brk) {
          int ind = base + 2;
          if (!stack.empty()) {
            ind = isCloser(t, typeCtx) ? stack.back() - 2 : stack.back();
          } else {
            std::uint32_t col = t.begin - cx_.file.lineStarts[t.line];
            while (!levels.empty() && levels.back().first > col) levels.pop_back();
            if (levels.empty()) levels.emplace_back(col, base + 2);
            else if (levels.back().first < col) levels.emplace_back(col, levels.back().second + 2);
            ind = levels.back().second;
          }
          out += '\n';
          indent(ind);
          lineIndent = ind;
        } else if (t.kind == TK::Comment) {
          out += "  ";
        } else if (needSpace(*prev, prevUnary, t, typeCtx)) {
          out += ' ';
        }
      }
      if (i == padAt) out.append(pad, ' ');
      out += tokenText(t);
      bool unary = isPunct(t, "-") && (!prev || !endsValue(*prev));
      if (isOpener(t, typeCtx)) stack.push_back(lineIndent + 2);
      else if (isCloser(t, typeCtx) && !stack.empty()) stack.pop_back();
      prev = &t;
      prevUnary = unary;
    }
  }

  void trailing(const Node& n) {
    if (n.trailing != kNone) {
      out += "  ";
      out += tokenText(cx_.toks[n.trailing]);
    }
    out += '\n';
  }

  void node(const Node& n, int ind, const AlignInfo* al) {
    indent(ind);
    if (!n.block) {
      if (al && n.align == Align::Relation && !n.cells.empty()) {
        relation(n, *al);
      } else {
        std::size_t pad = 0;
        if (al && n.align == Align::Property) pad = al->keyWidth - width(n.key);
        reflow(n.tokBegin, n.tokEnd, ind, n.typeContext, n.join, false, n.tokBegin + 1, pad);
      }
      trailing(n);
      return;
    }
    std::size_t headerEnd = n.open == kNone ? n.tokEnd : n.open;
    reflow(n.tokBegin, headerEnd, ind, false, true, true);
    if (n.open == kNone) {
      trailing(n);
      return;
    }
    if (n.children.empty() && n.closing.empty() && n.headerComment == kNone) {
      out += " {}";
      trailing(n);
      return;
    }
    out += " {";
    if (n.headerComment != kNone) {
      out += "  ";
      out += tokenText(cx_.toks[n.headerComment]);
    }
    out += '\n';
    body(n, ind + 2);
    indent(ind);
    out += '}';
    trailing(n);
  }

  void relation(const Node& n, const AlignInfo& al) {
    auto padded = [](const std::string& s, std::size_t w) {
      return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
    };
    std::string line = padded(n.cells[0], al.w[0]) + " -> " + padded(n.cells[1], al.w[1]);
    if (al.w[2] > 0) line += " " + padded(n.cells[2], al.w[2]);
    if (!n.cells[3].empty()) line += " " + n.cells[3];
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
  }

  void body(const Node& n, int ind) {
    std::vector<const Node*> kids;
    for (const auto& c : n.children) kids.push_back(&c);
    std::stable_sort(kids.begin(), kids.end(), [](const Node* a, const Node* b) {
      if (a->rank != b->rank) return a->rank < b->rank;
      return a->tokBegin < b->tokBegin;
    });
    // Where blank lines go: never at the start of a block; around major
    // items; elsewhere where the source had one.
    std::size_t count = kids.size();
    std::vector<std::vector<bool>> blankLeading(count);
    std::vector<bool> blankNode(count), anyBlank(count);
    bool first = true, prevMajor = false;
    for (std::size_t k = 0; k < count; ++k) {
      const Node& c = *kids[k];
      bool forced = !first && (c.major || prevMajor);
      for (std::size_t j = 0; j < c.leading.size(); ++j) {
        bool b = !first && (c.leading[j].blankBefore || (j == 0 && forced));
        blankLeading[k].push_back(b);
        if (b) anyBlank[k] = true;
        first = false;
      }
      // Consecutive properties form one group: a blank line between two of
      // them is dropped (the order among them is the canonical one anyway).
      bool ownBlank = c.blankBefore && !(c.align == Align::Property && k > 0 && kids[k - 1]->align == Align::Property);
      blankNode[k] = !first && (c.leading.empty() ? (forced || ownBlank) : c.blankBefore);
      if (blankNode[k]) anyBlank[k] = true;
      first = false;
      prevMajor = c.major;
    }
    // Properties align in runs: consecutive properties with no blank line
    // between. Relations of a crosswalk align as one table.
    std::vector<AlignInfo> info(count);
    for (std::size_t k = 0; k < count;) {
      std::size_t e = k + 1;
      if (kids[k]->align == Align::Property)
        while (e < count && kids[e]->align == Align::Property && !anyBlank[e]) ++e;
      AlignInfo a;
      for (std::size_t j = k; j < e; ++j) a.keyWidth = std::max(a.keyWidth, width(kids[j]->key));
      for (std::size_t j = k; j < e; ++j) info[j] = a;
      k = e;
    }
    AlignInfo table;
    for (std::size_t k = 0; k < count; ++k)
      for (std::size_t c = 0; c < 3 && !kids[k]->cells.empty(); ++c)
        table.w[c] = std::max(table.w[c], width(kids[k]->cells[c]));
    for (std::size_t k = 0; k < count; ++k)
      if (!kids[k]->cells.empty()) info[k] = table;
    for (std::size_t k = 0; k < count; ++k) {
      const Node& c = *kids[k];
      for (std::size_t j = 0; j < c.leading.size(); ++j) comment(c.leading[j].tok, ind, blankLeading[k][j]);
      if (blankNode[k]) out += '\n';
      node(c, ind, &info[k]);
    }
    for (const auto& e : n.closing) {
      comment(e.tok, ind, !first && e.blankBefore);
      first = false;
    }
  }
};

// ---------------------------------------------------------------------------
// Fingerprint

class Dumper {
 public:
  std::ostringstream os;

  void text(const Text& t) {
    os << "T(" << t.isProse << ',' << t.value.size() << ':' << t.value << ",[";
    for (const auto& p : t.parts) {
      os << (p.isInterpolation ? 'I' : 'L') << p.text.size() << ':' << p.text;
      for (const auto& id : p.path) os << '.' << id.name;
      os << ';';
    }
    os << "])";
  }
  void text(const std::optional<Text>& t) {
    if (t) text(*t);
    else os << "-";
  }
  void expr(const Expr* e) {
    if (!e) {
      os << "null";
      return;
    }
    os << "E" << static_cast<int>(e->kind) << '(';
    switch (e->kind) {
      case ExprKind::Bool: os << e->boolValue; break;
      case ExprKind::Int: os << e->intValue; break;
      case ExprKind::Number: os << e->numberText; break;
      case ExprKind::String:
        if (e->text) text(*e->text);
        break;
      case ExprKind::Date: os << e->dateValue.year << '-' << e->dateValue.month << '-' << e->dateValue.day; break;
      case ExprKind::Duration:
      case ExprKind::Cadence:
        os << e->durationValue.amount << 'u' << static_cast<int>(e->durationValue.unit);
        break;
      case ExprKind::Name: case ExprKind::Member: case ExprKind::Call: os << e->name.name; break;
      case ExprKind::Unary: os << static_cast<int>(e->unaryOp); break;
      case ExprKind::Binary: os << static_cast<int>(e->binaryOp); break;
      case ExprKind::Quantifier:
        os << static_cast<int>(e->quantKind) << e->var.name << (e->filter ? 'w' : '-') << (e->body ? 'b' : '-');
        break;
      case ExprKind::Count: os << e->var.name << (e->filter ? 'w' : '-'); break;
      default: break;
    }
    os << "|";
    for (const auto& c : e->children) {
      expr(c.get());
      os << ',';
    }
    os << ')';
  }
  void props(const std::vector<Property>& ps) {
    std::vector<const Property*> v;
    for (const auto& p : ps) v.push_back(&p);
    std::stable_sort(v.begin(), v.end(), [](const Property* a, const Property* b) { return a->key.name < b->key.name; });
    os << "P[";
    for (const Property* p : v) {
      os << p->key.name << '=';
      expr(p->value.get());
      os << ';';
    }
    os << ']';
  }
  void type(const TypeExpr* t) {
    if (!t) {
      os << "null";
      return;
    }
    os << "Y" << static_cast<int>(t->kind) << t->optional << t->name.name << '(';
    if (t->element) type(t->element.get());
    fields(t->fields);
    for (const auto& [v, _] : t->enumValues) os << v.size() << ':' << v << '|';
    os << ')';
  }
  void fields(const std::vector<FieldDecl>& fs) {
    os << "F[";
    for (const auto& f : fs) {
      os << f.name.name << ':';
      type(f.type.get());
      os << ';';
    }
    os << ']';
  }
  void items(const std::vector<Property>& ps, const std::vector<FrameworkItem>& is) {
    props(ps);
    for (const auto& i : is) {
      if (i.group) {
        os << "G(";
        text(i.group->id);
        text(i.group->title);
        items(i.group->properties, i.group->items);
        os << ')';
      }
      if (i.requirement) {
        os << "R(" << i.requirement->id.id;
        text(i.requirement->title);
        props(i.requirement->properties);
        os << ')';
      }
    }
  }
  void unit(const SourceUnit& u) {
    for (const auto& d : u.projects) {
      os << "project " << d.name.name;
      text(d.title);
      props(d.properties);
      for (const auto& l : d.lint) os << "L" << l.rule.name << '=' << l.level.name << ';';
      os << '\n';
    }
    for (const auto& d : u.roles) {
      os << "role " << d.name.name;
      text(d.title);
      props(d.properties);
      os << '\n';
    }
    for (const auto& d : u.policies) {
      os << "policy " << d.name.name;
      text(d.title);
      props(d.properties);
      for (const auto& s : d.sections) {
        os << "S(";
        text(s.heading);
        text(s.body);
        os << ')';
      }
      for (const auto& c : d.controls) {
        os << "C(" << c.name.name;
        text(c.title);
        text(c.statement);
        props(c.properties);
        for (const auto& r : c.satisfies) os << "sat " << r.framework.name << '.' << r.id << ';';
        for (const auto& e : c.expects) {
          os << "exp ";
          expr(e.expr.get());
          text(e.elseMessage);
        }
        for (const auto& e : c.evidence) {
          os << "evi ";
          expr(e.expr.get());
          if (e.freshWithin) os << e.freshWithin->amount << 'u' << static_cast<int>(e.freshWithin->unit);
        }
        os << ')';
      }
      os << '\n';
    }
    for (const auto& d : u.facts) {
      os << "facts " << d.name.name << d.hasSchema;
      text(d.title);
      props(d.properties);
      fields(d.schema);
      os << '\n';
    }
    for (const auto& d : u.frameworks) {
      os << "framework " << d.name.name;
      text(d.title);
      items(d.properties, d.items);
      os << '\n';
    }
    for (const auto& d : u.crosswalks) {
      os << "crosswalk " << d.from.name << "->" << d.to.name;
      text(d.title);
      props(d.properties);
      for (const auto& r : d.relations) {
        os << "rel " << r.from.id << "->" << r.to.id << ' ' << r.kind.name;
        text(r.rationale);
      }
      for (const auto& g : d.gaps) {
        os << "gap " << g.id.id << g.inTo;
        text(g.reason);
      }
      os << '\n';
    }
    for (const auto& d : u.applicability) {
      os << "applicability " << d.framework.name;
      for (const auto& e : d.exclusions) {
        os << "ex " << e.id.id;
        text(e.reason);
      }
      os << '\n';
    }
    for (const auto& d : u.exceptions) {
      os << "exception " << d.name.name;
      text(d.title);
      props(d.properties);
      os << '\n';
    }
  }
};

std::vector<std::string> commentTexts(const SourceUnit& u) {
  std::vector<std::string> v;
  for (const auto& c : u.comments) {
    std::string_view s = c.text;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    v.emplace_back(s);
  }
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

std::string astFingerprint(const SourceUnit& unit) {
  Dumper d;
  d.unit(unit);
  return d.os.str();
}

std::optional<std::string> formatSource(const SourceFile& file, const SourceUnit& unit, std::string* whyNot) {
  auto refuse = [&](std::string why) -> std::optional<std::string> {
    if (whyNot) *whyNot = std::move(why);
    return std::nullopt;
  };
  if (!unit.damaged.empty()) return refuse("the file has syntax errors");
  Context cx{file, {}, {}};
  if (!lex(file, cx.toks)) return refuse("its text could not be read as Tenet tokens");
  std::vector<Node> top = buildTop(cx, unit);
  if (!cx.error.empty()) return refuse(cx.error);
  std::vector<Entity> closing;
  attach(cx, top, 0, cx.toks.size(), -2, nullptr, closing);
  for (auto& n : top) attachAll(cx, n);
  Printer p(cx);
  p.file(top, closing);
  std::string out = std::move(p.out);

  // The safety net: the output must mean what the input meant.
  SourceManager sm;
  FileId id = sm.add(file.path, out);
  DiagnosticEngine diags;
  SourceUnit again = parseFile(sm, id, diags);
  if (diags.hasErrors() || !again.damaged.empty()) return refuse("the formatted text would not parse");
  if (astFingerprint(again) != astFingerprint(unit)) return refuse("the formatted text would not mean the same");
  if (commentTexts(again) != commentTexts(unit)) return refuse("a comment would be lost");
  if (file.hadBom) out.insert(0, "\xEF\xBB\xBF");
  return out;
}

FormatOutcome formatText(SourceManager& sm, DiagnosticEngine& diags, std::string path, std::string text) {
  FormatOutcome r;
  FileId id = sm.add(std::move(path), std::move(text));
  const SourceFile& f = sm.file(id);
  auto nul = f.text.find('\0');
  if (nul != std::string::npos) {
    auto at = static_cast<std::uint32_t>(nul);
    diags.report(DiagCode::BinaryFile, SourceRange{id, at, at + 1});
    r.status = FormatStatus::InvalidInput;
    return r;
  }
  if (auto bad = findInvalidUtf8(f.text)) {
    static const char* kHex = "0123456789ABCDEF";
    auto c = static_cast<unsigned char>(f.text[*bad]);
    auto at = static_cast<std::uint32_t>(*bad);
    diags.report(DiagCode::InvalidUtf8, SourceRange{id, at, at + 1}, std::string{kHex[c >> 4], kHex[c & 15]})
        .withHelp("save the file as UTF-8 text");
    r.status = FormatStatus::InvalidInput;
    return r;
  }
  std::size_t errorsBefore = diags.errorCount();
  SourceUnit unit = parseFile(sm, id, diags);
  if (diags.errorCount() > errorsBefore || !unit.damaged.empty()) {
    r.status = FormatStatus::InvalidInput;
    return r;
  }
  std::string why;
  auto out = formatSource(f, unit, &why);
  if (!out) {
    r.status = FormatStatus::Refused;
    r.message = why;
    return r;
  }
  r.text = std::move(*out);
  return r;
}

}  // namespace tenet
