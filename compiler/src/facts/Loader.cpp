// Loads facts files (JSON through simdjson's on-demand parser, YAML through
// yaml-cpp), reading only what the schema declares and checking each value
// against its declared type.
#include "tenet/facts/Loader.h"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tenet/sema/Types.h"

namespace fs = std::filesystem;

namespace tenet {

namespace {

/// Past this many problems in one facts file, the rest are not reported.
constexpr std::size_t kMaxProblemsPerFile = 20;

/// Reports problems in one facts file. The file enters the SourceManager
/// only with its first problem, so a clean export is never copied.
class Reporter {
 public:
  Reporter(SourceManager& sm, DiagnosticEngine& diags, std::string path, std::string_view text)
      : sm_(sm), diags_(diags), path_(std::move(path)), text_(text) {}

  template <typename... Args>
  Diagnostic* at(std::size_t offset, std::size_t length, DiagCode code, Args&&... args) {
    failed_ = true;
    if (++count_ > kMaxProblemsPerFile) return nullptr;
    if (file_ == kNoFile) file_ = sm_.add(path_, std::string(text_));
    auto begin = static_cast<std::uint32_t>(std::min(offset, text_.size()));
    auto end = static_cast<std::uint32_t>(std::min(offset + length, text_.size()));
    auto& d = diags_.report(code, SourceRange{file_, begin, end}, std::forward<Args>(args)...);
    if (count_ == kMaxProblemsPerFile)
      d.note("more problems in this file are not shown; fix these first");
    return &d;
  }
  bool failed() const { return failed_; }

 private:
  SourceManager& sm_;
  DiagnosticEngine& diags_;
  std::string path_;
  std::string_view text_;
  FileId file_ = kNoFile;
  std::size_t count_ = 0;
  bool failed_ = false;
};

std::string expectedText(const Type* t) {
  std::string s = describe(t);
  if (t->optional) s += " or null";
  return s;
}

/// Where a value is: `okta.users[3].email`, kept as a chain on the stack and
/// spelt out only when a problem is reported, so that a clean export of a
/// million records builds no strings for it.
struct Path {
  const Path* parent = nullptr;
  std::string_view field;   ///< a field name, or empty for a list element
  std::size_t index = 0;    ///< the list index when `field` is empty

  Path child(std::string_view name) const { return Path{this, name, 0}; }
  Path element(std::size_t i) const { return Path{this, {}, i}; }
  std::string str() const {
    std::string base = parent ? parent->str() : std::string();
    if (!field.empty()) return base.empty() ? std::string(field) : base + "." + std::string(field);
    return base + "[" + std::to_string(index) + "]";
  }
  /// The facts block the path starts with: `okta` of `okta.users[3]`.
  std::string_view root() const { return parent ? parent->root() : field; }
};

/// A record without a field its schema requires, in JSON or YAML alike.
void reportMissingField(Reporter& rep, std::size_t at, const Path& where, const RecordField& f) {
  if (auto* d = rep.at(at, 1, DiagCode::FactsMissingField, where.str(), f.name, std::string(where.root())))
    d->note("declared in the schema here", f.range)
        .withHelp("if exports may leave it out, declare it optional: " + f.name + ": " + spell(f.type) + "?");
}

/// Durations in facts are written as in Tenet: "30 days", "3 months".
bool parseFactDuration(std::string_view s, std::int64_t& packed) {
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < 1'000'000'000) n = n * 10 + (s[i++] - '0');
  if (i == 0 || i >= s.size() || s[i] != ' ') return false;
  std::string_view unit = s.substr(i + 1);
  int u;
  if (unit == "day" || unit == "days") u = 0;
  else if (unit == "week" || unit == "weeks") u = 1;
  else if (unit == "month" || unit == "months") u = 2;
  else if (unit == "year" || unit == "years") u = 3;
  else return false;
  packed = n * 4 + u;
  return true;
}

/// A scalar as the file has it, before it meets the schema.
struct Scalar {
  enum class Kind { Null, Bool, Int, Number, String } kind = Kind::Null;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string_view s;
  bool integral = false;  ///< a Number that has no fractional part
};

std::string describeScalar(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::Null: return "null";
    case Scalar::Kind::Bool: return s.b ? "true" : "false";
    case Scalar::Kind::Int:
    case Scalar::Kind::Number: return "a number";
    case Scalar::Kind::String: return "the string \"" + std::string(s.s.substr(0, 40)) + (s.s.size() > 40 ? "...\"" : "\"");
  }
  return "a value";
}

/// Checks a scalar against a scalar type and stores it. `where` names the
/// value (`okta.users[3].email`); `decl` is the schema field, for the note.
bool storeScalar(const Scalar& sc, const Type* t, const Path& where, const RecordField* decl,
                 std::size_t offset, std::size_t length, FactStore& store, Reporter& rep, FactValue& out) {
  auto wrong = [&]() {
    if (auto* d = rep.at(offset, length, DiagCode::FactsWrongType, where.str(), expectedText(t), describeScalar(sc)))
      if (decl) d->note("declared in the schema here", decl->range);
    return false;
  };
  if (sc.kind == Scalar::Kind::Null) {
    if (t->optional || t->kind == TypeKind::Error) {
      out = FactValue{};
      return true;
    }
    return wrong();
  }
  switch (t->kind) {
    case TypeKind::Error: out = FactValue{}; return true;
    case TypeKind::Bool:
      if (sc.kind != Scalar::Kind::Bool) return wrong();
      out.kind = FactKind::Bool;
      out.u.b = sc.b;
      return true;
    case TypeKind::Int:
      if (sc.kind == Scalar::Kind::Int) {
        out.kind = FactKind::Int;
        out.u.i = sc.i;
        return true;
      }
      return wrong();
    case TypeKind::Number:
      if (sc.kind != Scalar::Kind::Int && sc.kind != Scalar::Kind::Number) return wrong();
      out.kind = FactKind::Number;
      out.u.d = sc.kind == Scalar::Kind::Int ? static_cast<double>(sc.i) : sc.d;
      return true;
    case TypeKind::String:
      if (sc.kind != Scalar::Kind::String) return wrong();
      out = store.addString(sc.s);
      return true;
    case TypeKind::Enum: {
      if (sc.kind != Scalar::Kind::String) return wrong();
      const auto& vals = t->enumValues;
      if (std::find(vals.begin(), vals.end(), sc.s) == vals.end()) {
        std::string list;
        for (const auto& v : vals) list += (list.empty() ? "\"" : ", \"") + v + "\"";
        if (auto* d = rep.at(offset, length, DiagCode::FactsUnknownValue, where.str(), list, std::string(sc.s)))
          if (decl) d->note("declared in the schema here", decl->range);
        return false;
      }
      out = store.addString(sc.s);
      return true;
    }
    case TypeKind::Date: {
      if (sc.kind != Scalar::Kind::String) return wrong();
      Date date;
      std::string why;
      if (!parseFactDate(sc.s, date, why)) {
        if (auto* d = rep.at(offset, length, DiagCode::FactsInvalidDate, where.str(), std::string(sc.s), why))
          if (decl) d->note("declared as a date in the schema here", decl->range);
        return false;
      }
      out.kind = FactKind::Date;
      out.u.i = daysFromCivil(date);
      return true;
    }
    case TypeKind::Duration: {
      std::int64_t packed = 0;
      if (sc.kind != Scalar::Kind::String || !parseFactDuration(sc.s, packed)) return wrong();
      out.kind = FactKind::Duration;
      out.u.i = packed;
      return true;
    }
    default: return wrong();
  }
}

// ---- JSON ----------------------------------------------------------------

class JsonLoader {
 public:
  JsonLoader(const char* base, FactStore& store, Reporter& rep) : base_(base), store_(store), rep_(rep) {}

  std::size_t offsetOf(simdjson::ondemand::value& v) {
    const char* p = nullptr;
    if (v.current_location().get(p) != simdjson::SUCCESS || !p) return 0;
    return static_cast<std::size_t>(p - base_);
  }

  /// Reads `v` as type `t`. Returns false if anything in it did not match.
  bool load(simdjson::ondemand::value v, const Type* t, const Path& where, const RecordField* decl,
            FactValue& out) {
    std::size_t at = offsetOf(v);
    simdjson::ondemand::json_type jt;
    if (v.type().get(jt) != simdjson::SUCCESS) return broken(at);
    bool isNull = jt == simdjson::ondemand::json_type::null;
    if (isNull && (t->optional || t->kind == TypeKind::Error)) {
      out = FactValue{};
      return true;
    }
    if (t->kind == TypeKind::Record) {
      simdjson::ondemand::object obj;
      if (jt != simdjson::ondemand::json_type::object || v.get_object().get(obj) != simdjson::SUCCESS)
        return mismatch(at, t, where, decl, jt);
      std::vector<FactValue> fields(t->fields.size());
      bool ok = true;
      for (std::size_t i = 0; i < t->fields.size(); ++i) {
        const RecordField& f = t->fields[i];
        simdjson::ondemand::value fv;
        auto err = obj.find_field_unordered(f.name).get(fv);
        if (err == simdjson::NO_SUCH_FIELD) {
          if (f.type->optional) continue;
          ok = false;
          reportMissingField(rep_, at, where, f);
          continue;
        }
        if (err != simdjson::SUCCESS) return broken(at);
        ok = load(fv, f.type, where.child(f.name), &f, fields[i]) && ok;
      }
      if (ok) out = store_.addSpan(FactKind::Record, fields);
      return ok;
    }
    if (t->kind == TypeKind::List) {
      simdjson::ondemand::array arr;
      if (jt != simdjson::ondemand::json_type::array || v.get_array().get(arr) != simdjson::SUCCESS)
        return mismatch(at, t, where, decl, jt);
      std::vector<FactValue> items;
      bool ok = true;
      std::size_t index = 0;
      for (auto el : arr) {
        simdjson::ondemand::value ev;
        if (el.get(ev) != simdjson::SUCCESS) return broken(at);
        FactValue item;
        // A schema list always has an element type; `list` alone was reported by sema.
        bool good = !t->element || load(ev, t->element, where.element(index), decl, item);
        if (good && t->element) items.push_back(item);
        ok = ok && good;
        ++index;
      }
      if (ok) out = store_.addSpan(FactKind::List, items);
      return ok;
    }
    Scalar sc;
    switch (jt) {
      case simdjson::ondemand::json_type::null: sc.kind = Scalar::Kind::Null; break;
      case simdjson::ondemand::json_type::boolean:
        sc.kind = Scalar::Kind::Bool;
        if (v.get_bool().get(sc.b) != simdjson::SUCCESS) return broken(at);
        break;
      case simdjson::ondemand::json_type::number: {
        simdjson::ondemand::number_type nt;
        if (v.get_number_type().get(nt) != simdjson::SUCCESS) return broken(at);
        if (nt == simdjson::ondemand::number_type::signed_integer) {
          sc.kind = Scalar::Kind::Int;
          if (v.get_int64().get(sc.i) != simdjson::SUCCESS) return broken(at);
        } else {
          sc.kind = Scalar::Kind::Number;
          if (v.get_double().get(sc.d) != simdjson::SUCCESS) return broken(at);
        }
        break;
      }
      case simdjson::ondemand::json_type::string:
        sc.kind = Scalar::Kind::String;
        if (v.get_string().get(sc.s) != simdjson::SUCCESS) return broken(at);
        break;
      default: return mismatch(at, t, where, decl, jt);
    }
    std::size_t length = sc.kind == Scalar::Kind::String ? sc.s.size() + 2 : 1;
    return storeScalar(sc, t, where, decl, at, length, store_, rep_, out);
  }

  bool broken(std::size_t at) {
    rep_.at(at, 1, DiagCode::FactsNotJson, "its structure is broken near here (a missing comma, bracket or quote?)");
    return false;
  }

 private:
  bool mismatch(std::size_t at, const Type* t, const Path& where, const RecordField* decl,
                simdjson::ondemand::json_type jt) {
    const char* has = "a value";
    switch (jt) {
      case simdjson::ondemand::json_type::array: has = "a list"; break;
      case simdjson::ondemand::json_type::object: has = "an object"; break;
      case simdjson::ondemand::json_type::number: has = "a number"; break;
      case simdjson::ondemand::json_type::string: has = "a string"; break;
      case simdjson::ondemand::json_type::boolean: has = "true or false"; break;
      case simdjson::ondemand::json_type::null: has = "null"; break;
    }
    if (auto* d = rep_.at(at, 1, DiagCode::FactsWrongType, where.str(), expectedText(t), has))
      if (decl) d->note("declared in the schema here", decl->range);
    return false;
  }

  const char* base_;
  FactStore& store_;
  Reporter& rep_;
};

std::string jsonErrorText(simdjson::error_code e) {
  switch (e) {
    case simdjson::UTF8_ERROR: return "it is not UTF-8 text";
    case simdjson::UNCLOSED_STRING: return "a string is not closed";
    case simdjson::DEPTH_ERROR: return "it is nested more deeply than Tenet reads (1024 levels)";
    case simdjson::EMPTY: return "the file is empty";
    case simdjson::INCORRECT_TYPE: return "it does not start with an object ({ ... })";
    default: return "its structure is broken (" + std::string(simdjson::error_message(e)) + ")";
  }
}

// ---- YAML ------------------------------------------------------------------

class YamlLoader {
 public:
  YamlLoader(FactStore& store, Reporter& rep) : store_(store), rep_(rep) {}

  bool load(const YAML::Node& n, const Type* t, const Path& where, const RecordField* decl, FactValue& out,
            unsigned depth = 0) {
    std::size_t at = n.Mark().pos < 0 ? 0 : static_cast<std::size_t>(n.Mark().pos);
    if (depth > 256) {
      rep_.at(at, 1, DiagCode::FactsNotYaml, "it is nested more than 256 levels deep");
      return false;
    }
    if (n.IsNull() && (t->optional || t->kind == TypeKind::Error)) {
      out = FactValue{};
      return true;
    }
    if (t->kind == TypeKind::Record) {
      if (!n.IsMap()) return mismatch(n, at, t, where, decl);
      std::vector<FactValue> fields(t->fields.size());
      bool ok = true;
      for (std::size_t i = 0; i < t->fields.size(); ++i) {
        const RecordField& f = t->fields[i];
        YAML::Node fv = n[f.name];
        if (!fv.IsDefined()) {
          if (f.type->optional) continue;
          ok = false;
          reportMissingField(rep_, at, where, f);
          continue;
        }
        ok = load(fv, f.type, where.child(f.name), &f, fields[i], depth + 1) && ok;
      }
      if (ok) out = store_.addSpan(FactKind::Record, fields);
      return ok;
    }
    if (t->kind == TypeKind::List) {
      if (!n.IsSequence()) return mismatch(n, at, t, where, decl);
      std::vector<FactValue> items;
      bool ok = true;
      for (std::size_t i = 0; i < n.size(); ++i) {
        FactValue item;
        bool good = !t->element || load(n[i], t->element, where.element(i), decl, item, depth + 1);
        if (good && t->element) items.push_back(item);
        ok = ok && good;
      }
      if (ok) out = store_.addSpan(FactKind::List, items);
      return ok;
    }
    if (!n.IsScalar() && !n.IsNull()) return mismatch(n, at, t, where, decl);
    Scalar sc;
    std::string text = n.IsNull() ? std::string() : n.Scalar();
    bool quoted = n.Tag() == "!";  // a quoted scalar is always a string
    if (n.IsNull()) {
      sc.kind = Scalar::Kind::Null;
    } else if (!quoted && (text == "true" || text == "false" || text == "True" || text == "False")) {
      sc.kind = Scalar::Kind::Bool;
      sc.b = text[0] == 't' || text[0] == 'T';
    } else if (!quoted && isInteger(text)) {
      sc.kind = Scalar::Kind::Int;
      sc.i = std::stoll(text);
    } else if (!quoted && isNumber(text)) {
      sc.kind = Scalar::Kind::Number;
      sc.d = std::stod(text);
    } else {
      sc.kind = Scalar::Kind::String;
      sc.s = text;
    }
    // A date written without quotes is a string to Tenet, as it reads it.
    return storeScalar(sc, t, where, decl, at, std::max<std::size_t>(1, text.size()), store_, rep_, out);
  }

 private:
  static bool isInteger(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i >= s.size() || s.size() - i > 18) return false;
    for (; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  }
  static bool isNumber(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() && s.find_first_of("0123456789") != std::string::npos &&
           s.find_first_of("xXnN") == std::string::npos;
  }
  bool mismatch(const YAML::Node& n, std::size_t at, const Type* t, const Path& where,
                const RecordField* decl) {
    const char* has = n.IsMap() ? "a mapping" : n.IsSequence() ? "a list" : n.IsNull() ? "nothing (null)" : "a single value";
    if (auto* d = rep_.at(at, 1, DiagCode::FactsWrongType, where.str(), expectedText(t), has))
      if (decl) d->note("declared in the schema here", decl->range);
    return false;
  }

  FactStore& store_;
  Reporter& rep_;
};

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

SourceRange sourceRange(const Facts& facts) {
  for (const auto& p : facts.decl->properties)
    if (p.key.name == "source") return p.value->range;
  return facts.decl->name.range;
}

LoadedFacts loadParsed(const Facts& facts, const std::string& path, std::string_view text, bool isJson,
                       SourceManager& sm, DiagnosticEngine& diags, const simdjson::padded_string_view* json) {
  LoadedFacts lf;
  lf.facts = &facts;
  lf.path = path;
  auto store = std::make_unique<FactStore>();
  // Room for as many values as the text could hold, reserved but not touched:
  // the store never reallocates while it holds a large export.
  store->reserve(text.size() / 8, text.size());
  Reporter rep(sm, diags, path, text);
  Path where{nullptr, facts.decl->name.name, 0};
  FactValue root;
  if (isJson) {
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc;
    auto err = parser.iterate(*json).get(doc);
    bool iterated = !err;  // a document that failed to start has no location to ask for
    simdjson::ondemand::value v;
    if (!err) err = doc.get_value().get(v);
    if (err) {
      const char* p = nullptr;
      std::size_t at = 0;
      if (iterated && doc.current_location().get(p) == simdjson::SUCCESS && p && p >= text.data())
        at = static_cast<std::size_t>(p - text.data());
      rep.at(at, 1, DiagCode::FactsNotJson, jsonErrorText(err));
    } else {
      JsonLoader loader(text.data(), *store, rep);
      loader.load(v, facts.type, where, nullptr, root);
    }
  } else if (auto bad = findInvalidUtf8(text)) {
    // yaml-cpp does not check the encoding; simdjson does for JSON.
    rep.at(*bad, 1, DiagCode::FactsNotYaml, "it is not UTF-8 text");
  } else {
    try {
      YAML::Node doc = YAML::Load(std::string(text));
      YamlLoader loader(*store, rep);
      loader.load(doc, facts.type, where, nullptr, root);
    } catch (const YAML::Exception& e) {
      std::size_t at = e.mark.pos < 0 ? 0 : static_cast<std::size_t>(e.mark.pos);
      rep.at(at, 1, DiagCode::FactsNotYaml, e.msg);
    }
  }
  if (rep.failed()) {
    lf.invalid = true;
    return lf;
  }
  store->setRoot(root);
  lf.store = std::move(store);
  return lf;
}

}  // namespace

LoadedFacts loadFactsText(const Facts& facts, const std::string& path, std::string text, SourceManager& sm,
                          DiagnosticEngine& diags) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  bool isJson = endsWith(path, ".json");
  if (!isJson && !endsWith(path, ".yaml") && !endsWith(path, ".yml")) {
    diags.report(DiagCode::FactsUnsupportedFormat, sourceRange(facts), path);
    LoadedFacts lf;
    lf.facts = &facts;
    lf.path = path;
    lf.invalid = true;
    return lf;
  }
  simdjson::padded_string padded(text);
  simdjson::padded_string_view view(padded.data(), padded.size(), padded.size() + simdjson::SIMDJSON_PADDING);
  return loadParsed(facts, path, std::string_view(padded.data(), padded.size()), isJson, sm, diags, &view);
}

std::map<std::string, LoadedFacts> loadAllFacts(const Model& model, SourceManager& sm, DiagnosticEngine& diags,
                                                const FactsOptions& options) {
  std::map<std::string, LoadedFacts> out;
  for (const auto& [name, facts] : model.facts) {
    LoadedFacts lf;
    lf.facts = facts.get();
    if (facts->source.empty()) {
      lf.invalid = true;
      out.emplace(name, std::move(lf));
      continue;
    }
    fs::path file = options.factsDir ? fs::path(*options.factsDir) / fs::path(facts->source).filename()
                                     : fs::path(options.projectRoot) / facts->source;
    std::string display = file.lexically_normal().generic_string();
    lf.path = display;
    std::error_code ec;
    auto st = fs::status(file, ec);
    if (ec || !fs::exists(st)) {
      lf.missing = true;
      diags.report(DiagCode::FactsFileMissing, sourceRange(*facts), display, name);
      out.emplace(name, std::move(lf));
      continue;
    }
    if (!fs::is_regular_file(st)) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnreadable, sourceRange(*facts), display, "it is not a regular file");
      out.emplace(name, std::move(lf));
      continue;
    }
    auto size = fs::file_size(file, ec);
    if (!ec && size > options.maxFileBytes) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnreadable, sourceRange(*facts), display,
                   fmt::format("it is {} bytes long, and Tenet reads facts files of up to {} MiB", size,
                               options.maxFileBytes >> 20));
      out.emplace(name, std::move(lf));
      continue;
    }
    bool isJson = endsWith(display, ".json");
    if (!isJson && !endsWith(display, ".yaml") && !endsWith(display, ".yml")) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnsupportedFormat, sourceRange(*facts), display);
      out.emplace(name, std::move(lf));
      continue;
    }
    // The file is read once, into a buffer with the padding simdjson needs.
    simdjson::padded_string padded;
    if (simdjson::padded_string::load(file.string()).get(padded) != simdjson::SUCCESS) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnreadable, sourceRange(*facts), display, "it could not be read");
      out.emplace(name, std::move(lf));
      continue;
    }
    std::size_t skip = padded.size() >= 3 && std::string_view(padded.data(), 3) == "\xEF\xBB\xBF" ? 3 : 0;
    std::string_view text(padded.data() + skip, padded.size() - skip);
    simdjson::padded_string_view view(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING);
    out.emplace(name, loadParsed(*facts, display, text, isJson, sm, diags, &view));
  }
  return out;
}

}  // namespace tenet
