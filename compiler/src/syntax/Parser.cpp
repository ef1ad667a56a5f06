// The syntax stage: scans one file (Scanner.cpp), runs the ANTLR parser, reports
// syntax errors in plain words, and turns the parse tree into Tenet's AST.
// With Scanner.cpp, these are the only files that see generated ANTLR code.
#include "tenet/syntax/Parser.h"

#include "tenet/syntax/Scanner.h"

#include <charconv>
#include <cmath>
#include <exception>
#include <algorithm>
#include <set>
#include <typeinfo>

#include "TenetLexer.h"
#include "TenetParser.h"
#include "antlr4-runtime.h"

namespace tenet {

using grammar::TenetLexer;
using grammar::TenetParser;
using TP = TenetParser;

const char* spelling(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return "or";
    case BinaryOp::And: return "and";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::In: return "in";
    case BinaryOp::NotIn: return "not in";
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
  }
  return "?";
}

namespace {

/// The file's bytes, as ANTLR's character stream. Tokens come from the
/// Scanner, so token positions are byte offsets, as diagnostics use; the
/// parser reads this stream only for the text of a token.
class ByteStream : public antlr4::CharStream {
 public:
  explicit ByteStream(std::string_view text) : text_(text) {}
  std::string getText(const antlr4::misc::Interval& i) override {
    if (i.a < 0 || i.b < i.a || static_cast<std::size_t>(i.a) >= text_.size()) return "";
    return std::string(text_.substr(static_cast<std::size_t>(i.a), static_cast<std::size_t>(i.b - i.a + 1)));
  }
  std::string toString() const override { return std::string(text_); }
  void consume() override { ++pos_; }
  size_t LA(ssize_t k) override {
    if (k == 0) return 0;
    ssize_t at = static_cast<ssize_t>(pos_) + (k > 0 ? k - 1 : k);
    if (at < 0 || static_cast<std::size_t>(at) >= text_.size()) return antlr4::IntStream::EOF;
    return static_cast<unsigned char>(text_[static_cast<std::size_t>(at)]);
  }
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return pos_; }
  void seek(size_t index) override { pos_ = std::min(index, text_.size()); }
  size_t size() override { return text_.size(); }
  std::string getSourceName() const override { return ""; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

/// Feeds the Scanner's tokens to ANTLR's token stream, leaving out
/// whitespace as the grammar's `-> skip` does.
class ScannerSource : public antlr4::TokenSource {
 public:
  explicit ScannerSource(std::string_view text) : scanner_(text), stream_(text) {}
  std::unique_ptr<antlr4::Token> nextToken() override {
    ScannedToken t = scanner_.next();
    // ANTLR's end-of-file token starts at the end and stops just before it.
    std::size_t stop = t.type == -1 ? static_cast<std::size_t>(t.begin) - 1 : static_cast<std::size_t>(t.end) - 1;
    return antlr4::CommonTokenFactory::DEFAULT->create({this, &stream_}, t.type == -1 ? antlr4::Token::EOF : t.type,
                                                       "", t.channel, t.begin, stop, t.line, t.column);
  }
  size_t getLine() const override { return scanner_.line(); }
  size_t getCharPositionInLine() override { return scanner_.column(); }
  antlr4::CharStream* getInputStream() override { return &stream_; }
  std::string getSourceName() override { return ""; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override {
    return antlr4::CommonTokenFactory::DEFAULT.get();
  }

 private:
  Scanner scanner_;
  ByteStream stream_;
};

/// Token positions are byte offsets already (see ByteStream).
class OffsetMap {
 public:
  std::uint32_t operator()(std::size_t offset) const { return static_cast<std::uint32_t>(offset); }
};

std::string describeTokenType(const antlr4::dfa::Vocabulary& vocab, std::size_t type) {
  switch (type) {
    case TenetLexer::ID: return "a name";
    case TenetLexer::STRING: return "a string";
    case TenetLexer::PROSE: return "a prose block";
    case TenetLexer::INT: return "a whole number";
    case TenetLexer::NUMBER: return "a number";
    case TenetLexer::DATE: return "a date";
    case antlr4::Token::EOF: return "the end of the file";
    default: break;
  }
  std::string lit(vocab.getLiteralName(type));
  if (lit.size() >= 2 && lit.front() == '\'') return lit;
  return std::string(vocab.getSymbolicName(type));
}

std::string describeToken(antlr4::Token* t) {
  if (t->getType() == antlr4::Token::EOF) return "end of file";
  std::string text = t->getText();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  switch (t->getType()) {
    case TenetLexer::STRING: return "the string " + text;
    case TenetLexer::PROSE: return "a prose block";
    case TenetLexer::ID: return "'" + text + "'";
    default: return "'" + text + "'";
  }
}

std::string describeExpected(const antlr4::dfa::Vocabulary& vocab, const antlr4::misc::IntervalSet& set) {
  std::vector<std::size_t> types;
  for (auto t : set.toList()) types.push_back(static_cast<std::size_t>(t));
  std::set<std::size_t> s(types.begin(), types.end());
  if (s.count(TenetLexer::PROJECT) && s.count(TenetLexer::POLICY))
    return "a declaration (project, role, policy, facts, framework, crosswalk, applicability or exception)";
  if (s.count(TenetLexer::STATEMENT) && s.count(TenetLexer::SATISFIES))
    return "a control item (statement, satisfies, expect, evidence, a property such as cadence = ...) or '}'";
  if (s.count(TenetLexer::SECTION) && s.count(TenetLexer::CONTROL))
    return "a policy item (a property such as owner = ..., section, control) or '}'";
  if (s.count(TenetLexer::TRUE) && s.count(TenetLexer::LPAREN) && s.count(TenetLexer::ID))
    return "an expression";
  std::vector<std::string> names;
  for (auto t : s) names.push_back(describeTokenType(vocab, t));
  if (names.empty()) return "something else";
  if (names.size() > 6) {
    names.resize(6);
    names.push_back("...");
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += (i + 1 == names.size() && names[i] != "...") ? " or " : ", ";
    out += names[i];
  }
  return out;
}

class ErrorListener : public antlr4::BaseErrorListener {
 public:
  ErrorListener(FileId file, const OffsetMap& map, DiagnosticEngine& diags) : file_(file), map_(map), diags_(diags) {}

  /// What the token scan learnt about the end of the file.
  bool proseRunsToEnd = false;          ///< an unterminated prose block swallowed the rest
  SourceRange unclosedBrace;            ///< the innermost '{' never closed
  SourceRange lastToken;                ///< the last real token, where "end of file" errors point
  /// Byte offsets where top-level declarations start. A syntax error damages
  /// the rest of its declaration; only the first error there is reported.
  std::vector<std::uint32_t> declStarts;
  std::uint32_t fileEnd = 0;
  std::vector<SourceRange> damaged;

  std::size_t regionOf(std::uint32_t offset) const {
    return static_cast<std::size_t>(std::upper_bound(declStarts.begin(), declStarts.end(), offset) -
                                    declStarts.begin());
  }
  std::uint32_t regionEnd(std::uint32_t offset) const {
    auto it = std::upper_bound(declStarts.begin(), declStarts.end(), offset);
    return it == declStarts.end() ? fileEnd : *it;
  }
  bool inDamage(std::uint32_t offset) const {
    // Ranges are appended in source order (the scan first, then the parser),
    // so each part is sorted; look only near the offset.
    auto it = std::upper_bound(damaged.begin(), damaged.end(), offset,
                               [](std::uint32_t o, const SourceRange& r) { return o < r.begin; });
    if (it != damaged.begin() && offset < std::prev(it)->end) return true;
    return !damaged.empty() && offset >= damaged.back().begin && offset < damaged.back().end;
  }

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* tok, std::size_t, std::size_t,
                   const std::string&, std::exception_ptr) override {
    if (!tok) return;
    // One report per offending token: recovery may visit it again.
    if (!reported_.insert(tok->getTokenIndex()).second) return;
    SourceRange r = rangeOf(tok);
    bool atEnd = tok->getType() == antlr4::Token::EOF;
    if (atEnd && proseRunsToEnd) return;  // already explained by the unterminated prose block
    if (atEnd && lastToken.valid()) r = SourceRange{file_, lastToken.end, lastToken.end};
    // One syntax error per declaration: what follows it is recovery noise.
    if (!errorRegions_.insert(regionOf(r.begin)).second || inDamage(r.begin)) return;
    damaged.push_back(SourceRange{file_, r.begin, std::max(regionEnd(r.begin), r.end)});
    if (diags_.full()) {  // counted only: spare the work of describing it
      diags_.report(DiagCode::SyntaxError, r, "");
      return;
    }
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    std::string expected = "something else";
    if (parser) {
      try {
        expected = describeExpected(parser->getVocabulary(), parser->getExpectedTokens());
      } catch (...) {
      }
    }
    auto& d = diags_.report(DiagCode::SyntaxError, r, "unexpected " + describeToken(tok) + "; expected " + expected);
    if (atEnd && unclosedBrace.valid()) d.note("this '{' is never closed", unclosedBrace);
    if (tok->getType() == TenetLexer::ID && tok->getText().find('-') != std::string::npos)
      d.withHelp("names may contain '-'; to subtract, put spaces around the minus sign");
  }

  SourceRange rangeOf(antlr4::Token* tok) const {
    if (tok->getType() == antlr4::Token::EOF) {
      std::uint32_t end = map_(tok->getStartIndex());
      return SourceRange{file_, end, end};
    }
    return SourceRange{file_, map_(tok->getStartIndex()), map_(tok->getStopIndex() + 1)};
  }

 private:
  FileId file_;
  const OffsetMap& map_;
  DiagnosticEngine& diags_;
  std::set<std::size_t> reported_;
  std::set<std::size_t> errorRegions_;
};

/// Looks at every token before parsing. Reports stray characters and
/// unterminated literals (which then parse as if they were closed, so that
/// one missing quote gives one error), and rejects input nested so deep that
/// parsing it could exhaust the stack: brackets, and prefix operators or
/// quantifiers that nest without brackets.
bool scanTokens(antlr4::CommonTokenStream& tokens, ErrorListener& listener, const ParseLimits& limits,
                DiagnosticEngine& diags, std::set<std::size_t>& unterminated) {
  const unsigned limit = limits.maxNesting;
  std::vector<antlr4::Token*> braces;
  std::vector<unsigned> prefix{0};  // prefix operators open at each bracket level
  std::vector<unsigned> ops{0};     // binary operators in the current operand chain at each level
  unsigned total = 0;               // brackets + prefix operators now open
  unsigned opsTotal = 0;            // sum of ops over the open levels
  std::size_t prevType = antlr4::Token::INVALID_TYPE;
  std::size_t prevLine = 0;
  const auto& all = tokens.getTokens();
  for (std::size_t i = 0; i < all.size(); ++i) {
    antlr4::Token* t = all[i];
    if (t->getChannel() == TenetLexer::ERRORS) {
      SourceRange r = listener.rangeOf(t);
      if (t->getType() == TenetLexer::HASH_COMMENT || t->getType() == TenetLexer::BLOCK_COMMENT ||
          t->getType() == TenetLexer::UNTERMINATED_BLOCK_COMMENT) {
        bool hash = t->getType() == TenetLexer::HASH_COMMENT;
        diags.report(DiagCode::UnexpectedCharacter, SourceRange{r.file, r.begin, r.begin + (hash ? 1u : 2u)},
                     hash ? "#" : "/*")
            .withHelp("comments start with '//' and run to the end of the line");
        continue;
      }
      // A stray character glued to a name damages that name: `dpö` must not
      // come back as an unknown role 'dp'.
      SourceRange dmg = r;
      if (i > 0 && all[i - 1]->getStopIndex() + 1 == t->getStartIndex() && all[i - 1]->getType() != antlr4::Token::EOF)
        dmg.begin = listener.rangeOf(all[i - 1]).begin;
      if (i + 1 < all.size() && all[i + 1]->getStartIndex() == t->getStopIndex() + 1 &&
          all[i + 1]->getType() != antlr4::Token::EOF)
        dmg.end = listener.rangeOf(all[i + 1]).end;
      auto& d = diags.report(DiagCode::UnexpectedCharacter, r, t->getText());
      if (dmg.begin != r.begin || dmg.end != r.end) {
        listener.damaged.push_back(dmg);
        if (static_cast<unsigned char>(t->getText()[0]) >= 0x80)
          d.withHelp("names are written with the letters a to z, digits, '_' and inner '-'");
      }
      continue;
    }
    if (t->getType() == TenetLexer::UNTERMINATED_STRING) {
      diags.report(DiagCode::UnterminatedString, listener.rangeOf(t));
      static_cast<antlr4::CommonToken*>(t)->setType(TenetLexer::STRING);
      unterminated.insert(t->getTokenIndex());
    } else if (t->getType() == TenetLexer::UNTERMINATED_PROSE) {
      SourceRange r = listener.rangeOf(t);
      diags.report(DiagCode::UnterminatedProse, SourceRange{r.file, r.begin, r.begin + 3});
      static_cast<antlr4::CommonToken*>(t)->setType(TenetLexer::PROSE);
      unterminated.insert(t->getTokenIndex());
      listener.proseRunsToEnd = true;
    }
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    std::size_t type = t->getType();
    if (type != antlr4::Token::EOF) listener.lastToken = listener.rangeOf(t);
    // A declaration starts at a declaration keyword outside any braces, or
    // at the start of a line (so that a missing '}' does not hide the rest).
    bool declKeyword = type == TenetLexer::PROJECT || type == TenetLexer::ROLE || type == TenetLexer::POLICY ||
                       type == TenetLexer::FACTS || type == TenetLexer::FRAMEWORK || type == TenetLexer::CROSSWALK ||
                       type == TenetLexer::APPLICABILITY || type == TenetLexer::EXCEPTION;
    if (declKeyword && (braces.empty() || (t->getLine() != prevLine && t->getCharPositionInLine() == 0)))
      listener.declStarts.push_back(listener.rangeOf(t).begin);
    prevLine = t->getLine();
    if (type == TenetLexer::LBRACE) braces.push_back(t);
    if (type == TenetLexer::RBRACE && !braces.empty()) braces.pop_back();
    bool open = false;
    switch (type) {
      case TenetLexer::LPAREN:
      case TenetLexer::LBRACK:
      case TenetLexer::LBRACE:
        prefix.push_back(0);
        ops.push_back(0);
        ++total;
        open = true;
        break;
      case TenetLexer::RPAREN:
      case TenetLexer::RBRACK:
      case TenetLexer::RBRACE:
        if (prefix.size() > 1) {
          total -= 1 + prefix.back();
          prefix.pop_back();
          opsTotal -= ops.back();
          ops.pop_back();
        }
        break;
      case TenetLexer::AND:
      case TenetLexer::OR:
      case TenetLexer::PLUS:
      case TenetLexer::DOT:
      case TenetLexer::EQEQ:
      case TenetLexer::NEQ:
      case TenetLexer::LT:
      case TenetLexer::LE:
      case TenetLexer::GT:
      case TenetLexer::GE:
      case TenetLexer::IN:
        ++ops.back();
        if (++opsTotal > limits.maxOperators) {
          diags.report(DiagCode::ExpressionTooLong, listener.rangeOf(t), limits.maxOperators)
              .withHelp("split it into several 'expect' lines");
          return false;
        }
        break;
      case TenetLexer::NOT:
      case TenetLexer::ALL:
      case TenetLexer::ANY:
        ++prefix.back();
        ++total;
        open = true;
        break;
      case TenetLexer::MINUS: {
        bool unary = prevType != TenetLexer::ID && prevType != TenetLexer::INT && prevType != TenetLexer::NUMBER &&
                     prevType != TenetLexer::RPAREN && prevType != TenetLexer::RBRACK &&
                     prevType != TenetLexer::DATE && prevType != TenetLexer::STRING && prevType != TenetLexer::DAYS &&
                     prevType != TenetLexer::WEEKS && prevType != TenetLexer::MONTHS && prevType != TenetLexer::YEARS;
        if (unary) {
          ++prefix.back();
          ++total;
          open = true;
        } else {
          ++ops.back();
          if (++opsTotal > limits.maxOperators) {
            diags.report(DiagCode::ExpressionTooLong, listener.rangeOf(t), limits.maxOperators)
                .withHelp("split it into several 'expect' lines");
            return false;
          }
        }
        break;
      }
      case TenetLexer::COMMA:
      case TenetLexer::EXPECT:
      case TenetLexer::EVIDENCE:
      case TenetLexer::ELSE:
      case TenetLexer::ASSIGN:
      case TenetLexer::SATISFIES:
      // Tokens that never stand inside an expression: the dots of the
      // requirement ids in a long crosswalk or catalogue are not a chain.
      case TenetLexer::ARROW:
      case TenetLexer::REQUIREMENT:
      case TenetLexer::GROUP:
      case TenetLexer::EXCLUDE:
      case TenetLexer::STATEMENT:
      case TenetLexer::SECTION:
        total -= prefix.back();
        prefix.back() = 0;
        opsTotal -= ops.back();
        ops.back() = 0;
        break;
      default: break;
    }
    if (open && total > limit) {
      diags.report(DiagCode::NestingTooDeep, listener.rangeOf(t), limit)
          .withHelp("split the expression into smaller ones, or remove the extra brackets");
      return false;
    }
    prevType = type;
  }
  if (!braces.empty()) listener.unclosedBrace = listener.rangeOf(braces.back());
  listener.fileEnd = all.empty() ? 0 : listener.rangeOf(all.back()).end;
  return true;
}

/// The rule's one child when it is exactly a T. Most expressions are one
/// operand deep at each level of the grammar's precedence ladder; this
/// finds the way down with a type comparison instead of the generated
/// getters, which try a dynamic_cast on every child.
template <typename T>
T* sole(antlr4::ParserRuleContext* c) {
  if (!c || c->children.size() != 1 || typeid(*c->children[0]) != typeid(T)) return nullptr;
  return static_cast<T*>(c->children[0]);
}

/// The token that is the rule's one child, when it is a token the parser
/// matched (error recovery adds error nodes instead, which are left to the
/// general path). Such a rule starts with that token.
antlr4::Token* soleToken(antlr4::ParserRuleContext* c) {
  if (!c || c->children.size() != 1 || typeid(*c->children[0]) != typeid(antlr4::tree::TerminalNodeImpl))
    return nullptr;
  return c->getStart();
}

/// Turns the parse tree into the AST, one method per grammar rule.
class AstBuilder {
 public:
  AstBuilder(const SourceManager& sm, FileId file, const OffsetMap& map, DiagnosticEngine& diags,
             const std::set<std::size_t>& unterminated)
      : sm_(sm), file_(file), map_(map), diags_(diags), text_(sm.file(file).text), unterminated_(unterminated) {}

  SourceUnit build(TP::FileContext* ctx) {
    SourceUnit unit;
    unit.file = file_;
    for (auto* d : ctx->decl()) {
      if (auto* p = d->projectDecl()) unit.projects.push_back(project(p));
      else if (auto* r = d->roleDecl()) unit.roles.push_back(role(r));
      else if (auto* p = d->policyDecl()) unit.policies.push_back(policy(p));
      else if (auto* f = d->factsDecl()) unit.facts.push_back(facts(f));
      else if (auto* f = d->frameworkDecl()) unit.frameworks.push_back(framework(f));
      else if (auto* c = d->crosswalkDecl()) unit.crosswalks.push_back(crosswalk(c));
      else if (auto* a = d->applicabilityDecl()) unit.applicability.push_back(applicability(a));
      else if (auto* e = d->exceptionDecl()) unit.exceptions.push_back(exception(e));
    }
    return unit;
  }

 private:
  const SourceManager& sm_;
  FileId file_;
  const OffsetMap& map_;
  DiagnosticEngine& diags_;
  const std::string& text_;
  const std::set<std::size_t>& unterminated_;

  SourceRange range(antlr4::Token* t) const {
    // A token that error recovery made up (a missing name or number) is not
    // in the text: it stands, empty, at the line and column it was missed.
    if (t->getStartIndex() == INVALID_INDEX) {
      const SourceFile& f = sm_.file(file_);
      std::size_t line = t->getLine();
      if (line == 0 || line > f.lineStarts.size()) return SourceRange{file_, 0, 0};
      std::string_view text = sm_.lineText(file_, static_cast<std::uint32_t>(line));
      std::size_t i = 0;
      for (std::size_t k = 0; k < t->getCharPositionInLine() && i < text.size(); ++k)
        for (++i; i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; ++i) {
        }
      auto at = static_cast<std::uint32_t>(f.lineStarts[line - 1] + i);
      return SourceRange{file_, at, at};
    }
    return SourceRange{file_, map_(t->getStartIndex()), map_(t->getStopIndex() + 1)};
  }
  SourceRange range(antlr4::ParserRuleContext* c) const {
    antlr4::Token* a = c->getStart();
    antlr4::Token* b = c->getStop();
    if (!a) return {};
    std::uint32_t begin = map_(a->getStartIndex());
    std::uint32_t end = b && b->getTokenIndex() >= a->getTokenIndex() && b->getType() != antlr4::Token::EOF
                            ? map_(b->getStopIndex() + 1)
                            : begin;
    return SourceRange{file_, begin, std::max(begin, end)};
  }
  SourceRange range(antlr4::tree::TerminalNode* n) const { return range(n->getSymbol()); }
  std::string_view slice(SourceRange r) const { return sm_.text(r); }

  Ident ident(TP::IdentContext* c) {
    Ident id;
    if (antlr4::Token* t = soleToken(c); t && t->getType() == TenetLexer::ID) {
      id.range = range(t);
      id.name = std::string(slice(id.range));
      return id;
    }
    if (!c || !c->ID()) return id;
    id.range = range(c->ID());
    id.name = std::string(slice(id.range));
    return id;
  }
  Ident fieldName(TP::FieldNameContext* c) {
    Ident id;
    if (!c || !c->getStart()) return id;
    id.range = range(c);
    id.name = std::string(slice(id.range));
    return id;
  }

  Text textOf(antlr4::Token* t) {
    SourceRange whole = range(t);
    bool prose = t->getType() == TenetLexer::PROSE;
    std::uint32_t q = prose ? 3 : 1;
    std::uint32_t closing = unterminated_.count(t->getTokenIndex()) ? 0 : q;
    if (whole.end < whole.begin + q + closing) return Text{prose, "", {}, whole};
    std::string_view raw = std::string_view(text_).substr(whole.begin + q, whole.end - whole.begin - q - closing);
    if (!closing) {  // an unterminated literal: what it swallowed is not checked
      DiagnosticEngine ignored;
      return parseText(raw, prose, file_, whole.begin + q, whole, ignored);
    }
    return parseText(raw, prose, file_, whole.begin + q, whole, diags_);
  }
  std::optional<Text> title(TP::TitleContext* c) {
    if (!c || !c->STRING()) return std::nullopt;
    return textOf(c->STRING()->getSymbol());
  }
  Text text(TP::TextContext* c) {
    if (c && c->STRING()) return textOf(c->STRING()->getSymbol());
    if (c && c->PROSE()) return textOf(c->PROSE()->getSymbol());
    return Text{false, "", {}, c ? range(c) : SourceRange{}};
  }

  std::vector<Property> properties(const std::vector<TP::PropertyContext*>& ps) {
    std::vector<Property> out;
    for (auto* p : ps) out.push_back(property(p));
    return out;
  }
  Property property(TP::PropertyContext* c) {
    Property p;
    p.key = ident(c->ident());
    p.range = range(c);
    if (auto* v = c->value()) {
      if (v->EVERY()) {
        auto e = std::make_unique<Expr>(ExprKind::Cadence, range(v));
        if (v->duration()) e->durationValue = duration(v->duration());
        p.value = std::move(e);
      } else if (v->expr()) {
        p.value = expr(v->expr());
      }
    }
    if (!p.value) p.value = std::make_unique<Expr>(ExprKind::Error, p.range);
    return p;
  }

  ProjectDecl project(TP::ProjectDeclContext* c) {
    ProjectDecl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.range = range(c);
    for (auto* item : c->projectItem()) {
      if (item->property()) d.properties.push_back(property(item->property()));
      else if (auto* l = item->lintBlock()) {
        for (auto* s : l->lintSetting()) {
          LintSetting ls;
          ls.rule = ident(s->ident(0));
          ls.level = ident(s->ident(1));
          ls.range = range(s);
          d.lint.push_back(std::move(ls));
        }
      }
    }
    return d;
  }

  /// Declarations that are a name, a title and properties.
  template <typename Decl, typename Ctx>
  Decl namedWithProperties(Ctx* c) {
    Decl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.properties = properties(c->property());
    d.range = range(c);
    return d;
  }

  RoleDecl role(TP::RoleDeclContext* c) { return namedWithProperties<RoleDecl>(c); }

  PolicyDecl policy(TP::PolicyDeclContext* c) {
    PolicyDecl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.range = range(c);
    for (auto* item : c->policyItem()) {
      if (item->property()) d.properties.push_back(property(item->property()));
      else if (auto* s = item->sectionDecl()) {
        SectionDecl sd;
        if (s->STRING()) sd.heading = textOf(s->STRING()->getSymbol());
        sd.body = text(s->text());
        sd.range = range(s);
        d.sections.push_back(std::move(sd));
      } else if (auto* ctl = item->controlDecl()) {
        d.controls.push_back(control(ctl));
      }
    }
    return d;
  }

  ControlDecl control(TP::ControlDeclContext* c) {
    ControlDecl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.range = range(c);
    for (auto* item : c->controlItem()) {
      if (item->property()) {
        d.properties.push_back(property(item->property()));
      } else if (auto* s = item->statementDecl()) {
        // A second statement is reported by sema as a duplicate; keep the first.
        if (!d.statement) {
          d.statement = text(s->text());
          d.statementRange = range(s);
        } else {
          auto& diag = diags_.report(DiagCode::DuplicateProperty, range(s), "statement", "control");
          diag.note("the first statement is here", d.statementRange);
        }
      } else if (auto* s = item->satisfiesDecl()) {
        for (auto* r : s->reqRef()) d.satisfies.push_back(reqRef(r));
      } else if (auto* e = item->expectDecl()) {
        ExpectDecl ed;
        ed.expr = expr(e->expr());
        if (e->STRING()) ed.elseMessage = textOf(e->STRING()->getSymbol());
        ed.range = range(e);
        d.expects.push_back(std::move(ed));
      } else if (auto* e = item->evidenceDecl()) {
        EvidenceDecl ev;
        ev.expr = expr(e->expr());
        if (e->duration()) {
          ev.freshWithin = duration(e->duration());
          ev.freshRange = range(e->duration());
        }
        ev.range = range(e);
        d.evidence.push_back(std::move(ev));
      }
    }
    return d;
  }

  FactsDecl facts(TP::FactsDeclContext* c) {
    FactsDecl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.range = range(c);
    for (auto* item : c->factsItem()) {
      if (item->property()) d.properties.push_back(property(item->property()));
      else if (auto* s = item->schemaBlock()) {
        d.hasSchema = true;
        for (auto& f : fields(s->fieldList())) d.schema.push_back(std::move(f));
      }
    }
    return d;
  }

  std::vector<FieldDecl> fields(TP::FieldListContext* c) {
    std::vector<FieldDecl> out;
    if (!c) return out;
    for (auto* f : c->fieldDecl()) {
      FieldDecl fd;
      fd.name = fieldName(f->fieldName());
      fd.type = typeExpr(f->typeExpr());
      fd.range = range(f);
      out.push_back(std::move(fd));
    }
    return out;
  }

  std::unique_ptr<TypeExpr> typeExpr(TP::TypeExprContext* c) {
    auto t = std::make_unique<TypeExpr>();
    if (!c) return t;
    t->range = range(c);
    t->optional = c->QUESTION() != nullptr;
    auto* b = c->baseType();
    if (auto* n = dynamic_cast<TP::NamedTypeContext*>(b)) {
      t->name = ident(n->ident());
      if (n->typeExpr()) {
        t->kind = TypeExprKind::List;
        t->element = typeExpr(n->typeExpr());
      } else {
        t->kind = TypeExprKind::Named;
      }
    } else if (auto* r = dynamic_cast<TP::RecordTypeContext*>(b)) {
      t->kind = TypeExprKind::Record;
      t->fields = fields(r->fieldList());
    } else if (auto* e = dynamic_cast<TP::EnumTypeContext*>(b)) {
      t->kind = TypeExprKind::Enum;
      for (auto* s : e->STRING()) {
        Text v = textOf(s->getSymbol());
        t->enumValues.emplace_back(v.value, v.range);
      }
    }
    return t;
  }

  void frameworkItems(const std::vector<TP::FrameworkItemContext*>& items, std::vector<Property>& props,
                      std::vector<FrameworkItem>& out) {
    for (auto* item : items) {
      if (item->property()) {
        props.push_back(property(item->property()));
      } else if (auto* g = item->groupDecl()) {
        auto gd = std::make_unique<GroupDecl>();
        if (g->STRING()) gd->id = textOf(g->STRING()->getSymbol());
        gd->title = title(g->title());
        gd->range = range(g);
        frameworkItems(g->frameworkItem(), gd->properties, gd->items);
        FrameworkItem fi;
        fi.group = std::move(gd);
        out.push_back(std::move(fi));
      } else if (auto* r = item->requirementDecl()) {
        auto rd = std::make_unique<RequirementDecl>();
        rd->id = reqId(r->reqId());
        rd->title = title(r->title());
        rd->properties = properties(r->property());
        rd->range = range(r);
        FrameworkItem fi;
        fi.requirement = std::move(rd);
        out.push_back(std::move(fi));
      }
    }
  }

  FrameworkDecl framework(TP::FrameworkDeclContext* c) {
    FrameworkDecl d;
    d.name = ident(c->ident());
    d.title = title(c->title());
    d.range = range(c);
    frameworkItems(c->frameworkItem(), d.properties, d.items);
    return d;
  }

  CrosswalkDecl crosswalk(TP::CrosswalkDeclContext* c) {
    CrosswalkDecl d;
    d.from = ident(c->ident(0));
    d.to = ident(c->ident(1));
    d.title = title(c->title());
    d.range = range(c);
    for (auto* item : c->crosswalkItem()) {
      if (item->property()) d.properties.push_back(property(item->property()));
      else if (auto* r = item->relation()) {
        Relation rel;
        rel.from = reqId(r->reqId(0));
        rel.to = reqId(r->reqId(1));
        rel.kind = ident(r->ident());
        if (r->STRING()) rel.rationale = textOf(r->STRING()->getSymbol());
        rel.range = range(r);
        d.relations.push_back(std::move(rel));
      } else if (auto* g = item->gap()) {
        Gap gap;
        gap.id = reqId(g->reqId());
        gap.inTo = g->getStart()->getType() == TenetLexer::NONE;
        if (g->STRING()) gap.reason = textOf(g->STRING()->getSymbol());
        gap.range = range(g);
        d.gaps.push_back(std::move(gap));
      }
    }
    return d;
  }

  ApplicabilityDecl applicability(TP::ApplicabilityDeclContext* c) {
    ApplicabilityDecl d;
    d.framework = ident(c->ident());
    d.range = range(c);
    for (auto* e : c->exclusion()) {
      Exclusion ex;
      ex.id = reqId(e->reqId());
      ex.reason = text(e->text());
      ex.range = range(e);
      d.exclusions.push_back(std::move(ex));
    }
    return d;
  }

  ExceptionDecl exception(TP::ExceptionDeclContext* c) { return namedWithProperties<ExceptionDecl>(c); }

  ReqId reqId(TP::ReqIdContext* c, bool reportSpaces = true) {
    ReqId r;
    if (!c) return r;
    r.range = range(c);
    // The pieces must touch: `A.5.17`, not `A. 5.17`.
    std::size_t prevEnd = SIZE_MAX;
    bool spaced = false;
    for (auto* tok : tokensOf(c)) {
      if (prevEnd != SIZE_MAX && tok->getStartIndex() != prevEnd + 1) spaced = true;
      prevEnd = tok->getStopIndex();
    }
    std::string id;
    for (auto* tok : tokensOf(c)) id += tok->getText();
    r.id = id;
    if (spaced && reportSpaces) diags_.report(DiagCode::SpacedRequirementId, r.range, std::string(slice(r.range)));
    return r;
  }

  std::vector<antlr4::Token*> tokensOf(antlr4::ParserRuleContext* c) {
    std::vector<antlr4::Token*> out;
    for (auto* child : c->children) {
      if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child)) out.push_back(t->getSymbol());
      else if (auto* r = dynamic_cast<antlr4::ParserRuleContext*>(child))
        for (auto* t : tokensOf(r)) out.push_back(t);
    }
    return out;
  }

  ReqRef reqRef(TP::ReqRefContext* c) {
    ReqRef r;
    r.framework = ident(c->ident());
    r.range = range(c);
    // `iso27001 . A.5.17` is as wrong as `A. 5.17`; report it once.
    bool spaced = false;
    if (c->ident() && c->DOT()) {
      antlr4::Token* fw = c->ident()->getStart();
      antlr4::Token* dot = c->DOT()->getSymbol();
      antlr4::Token* next = c->reqId() ? c->reqId()->getStart() : nullptr;
      spaced = dot->getStartIndex() != fw->getStopIndex() + 1 ||
               (next && next->getStartIndex() != dot->getStopIndex() + 1);
    }
    if (spaced) diags_.report(DiagCode::SpacedRequirementId, r.range, std::string(slice(r.range)));
    ReqId id = reqId(c->reqId(), !spaced);
    r.id = id.id;
    r.idRange = id.range;
    return r;
  }

  Duration duration(TP::DurationContext* c) {
    Duration d;
    if (!c || !c->INT()) return d;
    d.amount = integer(c->INT()->getSymbol());
    if (auto* u = c->unit()) {
      if (u->DAYS()) d.unit = DurationUnit::Day;
      else if (u->WEEKS()) d.unit = DurationUnit::Week;
      else if (u->MONTHS()) d.unit = DurationUnit::Month;
      else if (u->YEARS()) d.unit = DurationUnit::Year;
    }
    return d;
  }

  std::int64_t integer(antlr4::Token* t) {
    // A number error recovery made up: the syntax error says it is missing.
    if (t->getStartIndex() == INVALID_INDEX) return 1;
    std::string s = t->getText();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    // Bounded well below int64 so that date and duration arithmetic cannot overflow.
    if (ec != std::errc() || v > 1'000'000'000'000LL) {
      diags_.report(DiagCode::NumberTooLarge, range(t), s);
      return 1;  // a harmless stand-in: no second error about the same number
    }
    return v;
  }

  Date date(antlr4::Token* t) {
    std::string s = t->getText();
    Date d;
    d.year = std::stoi(s.substr(0, 4));
    d.month = std::stoi(s.substr(5, 2));
    d.day = std::stoi(s.substr(8, 2));
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.month < 1 || d.month > 12) {
      diags_.report(DiagCode::InvalidDate, range(t), s, "there is no month " + std::to_string(d.month));
      return Date{1970, 1, 1};
    }
    bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    int maxDay = kDays[d.month - 1] + (d.month == 2 && leap ? 1 : 0);
    if (d.day < 1 || d.day > maxDay) {
      static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
      diags_.report(DiagCode::InvalidDate, range(t), s,
                    fmt::format("{} {} has {} days", kMonths[d.month - 1], d.year, maxDay));
      return Date{1970, 1, 1};
    }
    return d;
  }

  // ---- expressions --------------------------------------------------------

  ExprPtr expr(TP::ExprContext* c) {
    if (auto* o = sole<TP::OrExprContext>(c)) return orExpr(o);
    if (!c || !c->orExpr()) return errorExpr(c);
    return orExpr(c->orExpr());
  }
  ExprPtr errorExpr(antlr4::ParserRuleContext* c) {
    return std::make_unique<Expr>(ExprKind::Error, c ? range(c) : SourceRange{file_, 0, 0});
  }
  ExprPtr binary(BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
    auto e = std::make_unique<Expr>(ExprKind::Binary, SourceRange::cover(lhs->range, rhs->range));
    e->binaryOp = op;
    e->children.push_back(std::move(lhs));
    e->children.push_back(std::move(rhs));
    return e;
  }
  ExprPtr orExpr(TP::OrExprContext* c) {
    if (auto* a = sole<TP::AndExprContext>(c)) return andExpr(a);
    auto parts = c->andExpr();
    if (parts.empty()) return errorExpr(c);
    ExprPtr e = andExpr(parts[0]);
    for (std::size_t i = 1; i < parts.size(); ++i) e = binary(BinaryOp::Or, std::move(e), andExpr(parts[i]));
    return e;
  }
  ExprPtr andExpr(TP::AndExprContext* c) {
    if (auto* n = sole<TP::NotExprContext>(c)) return notExpr(n);
    auto parts = c->notExpr();
    if (parts.empty()) return errorExpr(c);
    ExprPtr e = notExpr(parts[0]);
    for (std::size_t i = 1; i < parts.size(); ++i) e = binary(BinaryOp::And, std::move(e), notExpr(parts[i]));
    return e;
  }
  ExprPtr notExpr(TP::NotExprContext* c) {
    if (auto* cmp = sole<TP::ComparisonContext>(c)) return comparison(cmp);
    if (c->NOT()) {
      auto e = std::make_unique<Expr>(ExprKind::Unary, range(c));
      e->unaryOp = UnaryOp::Not;
      e->children.push_back(c->notExpr() ? notExpr(c->notExpr()) : errorExpr(c));
      return e;
    }
    if (auto* q = c->quantifier()) return quantifier(q);
    if (auto* cmp = c->comparison()) return comparison(cmp);
    return errorExpr(c);
  }
  ExprPtr quantifier(TP::QuantifierContext* c) {
    auto e = std::make_unique<Expr>(ExprKind::Quantifier, range(c));
    e->quantKind = c->ANY() ? QuantKind::Any : QuantKind::All;
    e->var = ident(c->ident());
    e->children.push_back(c->additive() ? additive(c->additive()) : errorExpr(c));
    e->domain = e->children.back().get();
    if (c->orExpr()) {
      e->children.push_back(orExpr(c->orExpr()));
      e->filter = e->children.back().get();
    }
    e->children.push_back(c->expr() ? expr(c->expr()) : errorExpr(c));
    e->body = e->children.back().get();
    return e;
  }
  ExprPtr comparison(TP::ComparisonContext* c) {
    if (auto* a = sole<TP::AdditiveContext>(c)) return additive(a);
    auto sides = c->additive();
    if (sides.empty()) return errorExpr(c);
    ExprPtr lhs = additive(sides[0]);
    if (sides.size() < 2 || !c->compOp()) return lhs;
    auto* op = c->compOp();
    BinaryOp bop = BinaryOp::Eq;
    if (op->EQEQ()) bop = BinaryOp::Eq;
    else if (op->NEQ()) bop = BinaryOp::Ne;
    else if (op->LT()) bop = BinaryOp::Lt;
    else if (op->LE()) bop = BinaryOp::Le;
    else if (op->GT()) bop = BinaryOp::Gt;
    else if (op->GE()) bop = BinaryOp::Ge;
    else if (op->NOT()) bop = BinaryOp::NotIn;
    else if (op->IN()) bop = BinaryOp::In;
    return binary(bop, std::move(lhs), additive(sides[1]));
  }
  ExprPtr additive(TP::AdditiveContext* c) {
    if (auto* u = sole<TP::UnaryContext>(c)) return unary(u);
    auto parts = c->unary();
    if (parts.empty()) return errorExpr(c);
    ExprPtr e = unary(parts[0]);
    // Operators sit between the operands, in order.
    std::size_t k = 1;
    for (auto* child : c->children) {
      auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child);
      if (!t || k >= parts.size()) continue;
      BinaryOp op = t->getSymbol()->getType() == TenetLexer::PLUS ? BinaryOp::Add : BinaryOp::Sub;
      e = binary(op, std::move(e), unary(parts[k++]));
    }
    return e;
  }
  ExprPtr unary(TP::UnaryContext* c) {
    if (auto* p = sole<TP::PostfixContext>(c)) return postfix(p);
    if (c->MINUS()) {
      auto e = std::make_unique<Expr>(ExprKind::Unary, range(c));
      e->unaryOp = UnaryOp::Neg;
      e->children.push_back(c->unary() ? unary(c->unary()) : errorExpr(c));
      return e;
    }
    if (auto* p = c->postfix()) return postfix(p);
    return errorExpr(c);
  }
  ExprPtr postfix(TP::PostfixContext* c) {
    if (c->children.size() == 1) {
      const std::type_info& only = typeid(*c->children[0]);
      if (only == typeid(TP::LiteralExprContext) || only == typeid(TP::NameExprContext))
        return primary(static_cast<TP::PrimaryContext*>(c->children[0]));
    }
    ExprPtr e = c->primary() ? primary(c->primary()) : errorExpr(c);
    for (auto* f : c->fieldName()) {
      Ident name = fieldName(f);
      auto m = std::make_unique<Expr>(ExprKind::Member, SourceRange::cover(e->range, name.range));
      m->name = std::move(name);
      m->children.push_back(std::move(e));
      e = std::move(m);
    }
    return e;
  }
  ExprPtr primary(TP::PrimaryContext* c) {
    // The two common alternatives first, by their exact type.
    if (typeid(*c) == typeid(TP::LiteralExprContext)) {
      auto* l = static_cast<TP::LiteralExprContext*>(c);
      return literal(sole<TP::LiteralContext>(l) ? static_cast<TP::LiteralContext*>(l->children[0]) : l->literal());
    }
    if (typeid(*c) == typeid(TP::NameExprContext)) {
      auto* n = static_cast<TP::NameExprContext*>(c);
      auto e = std::make_unique<Expr>(ExprKind::Name, range(c));
      e->name = ident(sole<TP::IdentContext>(n) ? static_cast<TP::IdentContext*>(n->children[0]) : n->ident());
      return e;
    }
    if (auto* l = dynamic_cast<TP::LiteralExprContext*>(c)) return literal(l->literal());
    if (auto* n = dynamic_cast<TP::NameExprContext*>(c)) {
      auto e = std::make_unique<Expr>(ExprKind::Name, range(c));
      e->name = ident(n->ident());
      return e;
    }
    if (auto* call = dynamic_cast<TP::CallExprContext*>(c)) {
      auto e = std::make_unique<Expr>(ExprKind::Call, range(c));
      e->name = ident(call->ident());
      for (auto* a : call->expr()) e->children.push_back(expr(a));
      return e;
    }
    if (auto* p = dynamic_cast<TP::ParenExprContext*>(c)) {
      ExprPtr e = expr(p->expr());
      e->range = range(c);
      return e;
    }
    if (auto* l = dynamic_cast<TP::ListExprContext*>(c)) {
      auto e = std::make_unique<Expr>(ExprKind::List, range(c));
      for (auto* a : l->expr()) e->children.push_back(expr(a));
      return e;
    }
    if (auto* cnt = dynamic_cast<TP::CountExprContext*>(c)) {
      auto e = std::make_unique<Expr>(ExprKind::Count, range(c));
      e->var = ident(cnt->ident());
      e->children.push_back(cnt->additive() ? additive(cnt->additive()) : errorExpr(c));
      e->domain = e->children.back().get();
      if (cnt->expr()) {
        e->children.push_back(expr(cnt->expr()));
        e->filter = e->children.back().get();
      }
      return e;
    }
    return errorExpr(c);
  }
  ExprPtr literal(TP::LiteralContext* c) {
    if (!c) return errorExpr(c);
    SourceRange r = range(c);
    if (antlr4::Token* t = soleToken(c)) {
      switch (t->getType()) {
        case TenetLexer::TRUE:
        case TenetLexer::FALSE: {
          auto e = std::make_unique<Expr>(ExprKind::Bool, r);
          e->boolValue = t->getType() == TenetLexer::TRUE;
          return e;
        }
        case TenetLexer::NONE: return std::make_unique<Expr>(ExprKind::None, r);
        case TenetLexer::STRING:
        case TenetLexer::PROSE: {
          auto e = std::make_unique<Expr>(ExprKind::String, r);
          e->text = std::make_unique<Text>(textOf(t));
          return e;
        }
        default: break;  // the rest, below
      }
    }
    if (c->TRUE() || c->FALSE()) {
      auto e = std::make_unique<Expr>(ExprKind::Bool, r);
      e->boolValue = c->TRUE() != nullptr;
      return e;
    }
    if (c->NONE()) return std::make_unique<Expr>(ExprKind::None, r);
    if (c->STRING() || c->PROSE()) {
      auto e = std::make_unique<Expr>(ExprKind::String, r);
      e->text = std::make_unique<Text>(textOf((c->STRING() ? c->STRING() : c->PROSE())->getSymbol()));
      return e;
    }
    if (c->DATE()) {
      auto e = std::make_unique<Expr>(ExprKind::Date, r);
      e->dateValue = date(c->DATE()->getSymbol());
      return e;
    }
    if (c->NUMBER()) {
      auto e = std::make_unique<Expr>(ExprKind::Number, r);
      e->numberText = c->NUMBER()->getText();
      e->numberValue = std::strtod(e->numberText.c_str(), nullptr);
      if (!std::isfinite(e->numberValue)) {
        diags_.report(DiagCode::NumberTooLarge, r, e->numberText);
        e->numberValue = 0;
      }
      return e;
    }
    if (c->duration()) {
      auto e = std::make_unique<Expr>(ExprKind::Duration, r);
      e->durationValue = duration(c->duration());
      return e;
    }
    if (c->INT()) {
      auto e = std::make_unique<Expr>(ExprKind::Int, r);
      e->intValue = integer(c->INT()->getSymbol());
      e->numberText = c->INT()->getText();
      return e;
    }
    return errorExpr(c);
  }
};

}  // namespace

SourceUnit parseFile(const SourceManager& sm, FileId file, DiagnosticEngine& diags, const ParseLimits& limits) {
  const SourceFile& src = sm.file(file);
  OffsetMap map;
  // Every character becomes a token; ERROR_CHAR is reported by the parser.
  ScannerSource source(src.text);
  antlr4::CommonTokenStream tokens(&source);
  tokens.fill();

  ErrorListener listener(file, map, diags);
  listener.fileEnd = static_cast<std::uint32_t>(src.text.size());
  SourceUnit unit;
  unit.file = file;
  std::set<std::size_t> unterminated;
  if (!scanTokens(tokens, listener, limits, diags, unterminated)) return unit;

  TenetParser parser(&tokens);
  parser.removeErrorListeners();
  // Stage one: the fast SLL prediction with no error recovery. Almost every
  // file parses here. Only on failure rewind and parse again with full LL
  // and the error listener, so error reporting costs nothing on good input.
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  TenetParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    tree = nullptr;
  }
  if (!tree) {
    tokens.seek(0);
    parser.reset();
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.addErrorListener(&listener);
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    tree = parser.file();
  }

  AstBuilder builder(sm, file, map, diags, unterminated);
  unit = builder.build(tree);
  unit.damaged = listener.damaged;
  if (listener.proseRunsToEnd) unit.damaged.push_back(SourceRange{file, listener.lastToken.begin, listener.fileEnd});
  // Sorted and merged, so later stages can look an offset up quickly.
  std::sort(unit.damaged.begin(), unit.damaged.end(),
            [](const SourceRange& a, const SourceRange& b) { return a.begin < b.begin; });
  std::vector<SourceRange> merged;
  for (const auto& r : unit.damaged) {
    if (!merged.empty() && r.begin <= merged.back().end) merged.back().end = std::max(merged.back().end, r.end);
    else merged.push_back(r);
  }
  unit.damaged = std::move(merged);
  for (antlr4::Token* t : tokens.getTokens()) {
    if (t->getChannel() == TenetLexer::COMMENTS) {
      Comment c;
      c.range = listener.rangeOf(t);
      c.text = std::string(sm.text(c.range));
      unit.comments.push_back(std::move(c));
    }
  }
  return unit;
}

}  // namespace tenet
