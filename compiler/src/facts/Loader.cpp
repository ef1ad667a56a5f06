// Loads facts files (JSON streamed through RapidJSON's event reader, YAML
// through yaml-cpp), keeping only what the schema declares and checking each
// value against its declared type.
#include "tenet/facts/Loader.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <filesystem>
#include <fstream>

#include "tenet/base/Files.h"
#include "tenet/sema/Types.h"

namespace fs = std::filesystem;

namespace tenet {

namespace {

/// Past this many problems in one facts file, the rest are not reported.
constexpr std::size_t kMaxProblemsPerFile = 20;

/// Where a JSON value that ends at `end` (one past its last byte) begins:
/// the opening quote of a string, the first character of a number or word.
/// Used only when a problem is reported, so the fast path keeps no offsets.
std::size_t jsonValueStart(std::string_view text, std::size_t end) {
  end = std::min(end, text.size());
  if (end == 0) return 0;
  std::size_t i = end - 1;
  if (text[i] == '"') {
    // Back to the opening quote: the first '"' not escaped by an odd run of backslashes.
    while (i > 0) {
      --i;
      if (text[i] != '"') continue;
      std::size_t slashes = 0;
      while (i > slashes && text[i - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 0) return i;
    }
    return 0;
  }
  auto word = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' ||
           c == '-';
  };
  while (i > 0 && word(text[i - 1]) && word(text[i])) --i;
  return i;
}

/// Reports problems in one facts file. The file enters the SourceManager
/// only with its first problem, so a clean export is never copied. A file
/// that was streamed rather than held is read again at that moment.
class Reporter {
 public:
  /// Where a problem is: a byte offset and length after any byte order mark.
  struct Span {
    std::size_t offset;
    std::size_t length;
  };

  /// `text` is the file's text when it is in memory; without it, `path` is
  /// read from disk when the first problem is reported.
  Reporter(SourceManager& sm, DiagnosticEngine& diags, std::string path, std::optional<std::string_view> text)
      : sm_(sm), diags_(diags), path_(std::move(path)), text_(text.value_or(std::string_view())), held_(text) {}

  template <typename... Args>
  Diagnostic* at(Span span, DiagCode code, Args&&... args) {
    failed_ = true;
    if (++count_ > kMaxProblemsPerFile) return nullptr;
    std::string_view t = text();
    auto begin = static_cast<std::uint32_t>(std::min(span.offset, t.size()));
    auto end = static_cast<std::uint32_t>(std::min(span.offset + span.length, t.size()));
    auto& d = diags_.report(code, SourceRange{file_, begin, end}, std::forward<Args>(args)...);
    if (count_ == kMaxProblemsPerFile)
      d.note("more problems in this file are not shown; fix these first");
    return &d;
  }
  /// The span of the JSON value that ends at `end`; reads the text if needed.
  Span valueEnding(std::size_t end) {
    std::string_view t = text();
    std::size_t begin = jsonValueStart(t, end);
    return Span{begin, std::max<std::size_t>(1, std::min(end, t.size()) - begin)};
  }
  bool failed() const { return failed_; }

 private:
  std::string_view text() {
    if (file_ != kNoFile) return sm_.file(file_).text;
    std::string copy;
    if (held_) {
      copy = std::string(text_);
    } else {
      std::ifstream in(path_, std::ios::binary);
      copy.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    file_ = sm_.add(path_, std::move(copy));
    return sm_.file(file_).text;
  }

  SourceManager& sm_;
  DiagnosticEngine& diags_;
  std::string path_;
  std::string_view text_;
  bool held_;
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
  if (auto* d = rep.at(Reporter::Span{at, 1}, DiagCode::FactsMissingField, where.str(), f.name, std::string(where.root())))
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
/// `where` and `locate` are asked only when the value is wrong.
template <typename Where, typename Locate>
bool storeScalar(const Scalar& sc, const Type* t, const Where& where, const RecordField* decl, Locate locate,
                 FactStore& store, Reporter& rep, FactValue& out) {
  auto wrong = [&]() {
    if (auto* d = rep.at(locate(), DiagCode::FactsWrongType, where.str(), expectedText(t), describeScalar(sc)))
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
        if (auto* d = rep.at(locate(), DiagCode::FactsUnknownValue, where.str(), list, std::string(sc.s)))
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
        if (auto* d = rep.at(locate(), DiagCode::FactsInvalidDate, where.str(), std::string(sc.s), why))
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

/// A file read in large blocks, for the JSON reader: the per-character path
/// is two comparisons, and memory stays one block however large the file.
class BlockFileStream {
 public:
  using Ch = char;
  explicit BlockFileStream(std::FILE* f) : f_(f), buffer_(kBlock + 1) {
    cur_ = end_ = buffer_.data();
    refill();
  }
  Ch Peek() const { return *cur_; }
  Ch Take() {
    Ch c = *cur_;
    if (cur_ < end_ && ++cur_ == end_) refill();
    return c;
  }
  std::size_t Tell() const { return consumed_ + static_cast<std::size_t>(cur_ - buffer_.data()); }
  // The reader's interface for writing streams, never used for reading.
  void Put(Ch) { RAPIDJSON_ASSERT(false); }
  void Flush() { RAPIDJSON_ASSERT(false); }
  Ch* PutBegin() {
    RAPIDJSON_ASSERT(false);
    return nullptr;
  }
  std::size_t PutEnd(Ch*) {
    RAPIDJSON_ASSERT(false);
    return 0;
  }
  const Ch* Peek4() const { return cur_ + 4 <= end_ ? cur_ : nullptr; }

 private:
  static constexpr std::size_t kBlock = std::size_t(1) << 18;

  [[gnu::noinline]] void refill() {
    consumed_ += static_cast<std::size_t>(end_ - buffer_.data());
    std::size_t n = std::fread(buffer_.data(), 1, kBlock, f_);
    cur_ = buffer_.data();
    end_ = cur_ + n;
    *end_ = '\0';  // what Peek() sees at the end of the file
  }

  std::FILE* f_;
  std::vector<char> buffer_;
  Ch* cur_;
  Ch* end_;
  std::size_t consumed_ = 0;
};

/// Whether `s` is valid UTF-8, quickly for the ASCII text most exports are.
bool validUtf8(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ull) break;
  }
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return !findInvalidUtf8(s.substr(i));
  return true;
}

/// Reads a JSON export as a stream of events (RapidJSON's SAX reader), so
/// that neither the file nor a tree of it is ever held whole: only the
/// values the schema declares enter the store. Nesting is tracked on a heap
/// stack of frames, one per open object or list.
template <typename Stream>
class JsonHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonHandler<Stream>> {
 public:
  /// Past this depth a file is refused rather than read, as YAML is.
  static constexpr std::size_t kMaxDepth = 256;

  JsonHandler(const Stream& stream, const Facts& facts, FactStore& store, Reporter& rep)
      : stream_(stream), facts_(facts), store_(store), rep_(rep) {}

  bool Null() { return scalar(Scalar{}); }
  bool Bool(bool b) {
    Scalar sc;
    sc.kind = Scalar::Kind::Bool;
    sc.b = b;
    return scalar(sc);
  }
  bool RawNumber(const char* s, rapidjson::SizeType length, bool) {
    Scalar sc;
    std::string_view text(s, length);
    if (text.find_first_of(".eE") == std::string_view::npos) {
      auto r = std::from_chars(text.data(), text.data() + text.size(), sc.i);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size()) {
        sc.kind = Scalar::Kind::Int;
        return scalar(sc);
      }
    }
    sc.kind = Scalar::Kind::Number;
    auto r = std::from_chars(text.data(), text.data() + text.size(), sc.d);
    if (r.ec != std::errc()) {
      auto [type, decl] = expected();
      if (type) {
        mismatch(type, decl, stream_.Tell(), "a number too large to read");
        store(FactValue{}, false);
      }
      return true;
    }
    return scalar(sc);
  }
  bool String(const char* s, rapidjson::SizeType length, bool) {
    if (!validUtf8(std::string_view(s, length))) return notUtf8();
    Scalar sc;
    sc.kind = Scalar::Kind::String;
    sc.s = std::string_view(s, length);
    return scalar(sc);
  }
  bool Key(const char* s, rapidjson::SizeType length, bool) {
    if (!validUtf8(std::string_view(s, length))) return notUtf8();
    if (skip_ > 0 || frames_.empty()) return true;
    Frame& f = frames_.back();
    std::string_view key(s, length);
    f.field = kNoField;
    const auto& fields = f.type->fields;
    // Exports usually list fields in one order: try the one after the last first.
    for (std::size_t n = 0, i = f.next; n < fields.size(); ++n, i = (i + 1 == fields.size() ? 0 : i + 1)) {
      if (fields[i].name != key) continue;
      if (!f.seen[i]) {  // the first of repeated keys counts, as for YAML
        f.field = i;
        f.next = i + 1 == fields.size() ? 0 : i + 1;
      }
      break;
    }
    return true;
  }
  bool StartObject() { return open(TypeKind::Record); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(TypeKind::List); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  bool done() const { return done_; }
  const FactValue& root() const { return root_; }
  /// Set when the handler stopped the reader itself (too deep).
  bool stopped() const { return stopped_; }

 private:
  static constexpr std::size_t kNoField = std::numeric_limits<std::size_t>::max();

  struct Frame {
    const Type* type;            ///< the Record or List type being read
    const RecordField* decl;     ///< the schema field it is the value of, for notes
    std::size_t start;           ///< offset of its '{' or '['
    std::vector<FactValue> values;
    std::vector<bool> seen;      ///< records: which fields the file had
    std::size_t field = kNoField;  ///< records: the field the next value is for
    std::size_t next = 0;        ///< records: the field most likely to come next
    std::size_t index = 0;       ///< lists: the index of the next element
    bool ok = true;
  };

  /// The type the next value must have, and the schema field that says so;
  /// null when the value is not in the schema and is passed over.
  std::pair<const Type*, const RecordField*> expected() const {
    if (frames_.empty()) return {facts_.type, nullptr};
    const Frame& f = frames_.back();
    if (f.type->kind == TypeKind::Record)
      return f.field == kNoField ? std::pair<const Type*, const RecordField*>{nullptr, nullptr}
                                 : std::pair<const Type*, const RecordField*>{f.type->fields[f.field].type,
                                                                              &f.type->fields[f.field]};
    return {f.type->element, f.decl};  // a schema list always has an element type; `list` alone was reported
  }

  /// `okta.users[3].email`: the path of the value about to be stored.
  std::string where() const {
    std::string s(facts_.decl->name.name);
    for (const Frame& f : frames_) {
      if (f.type->kind == TypeKind::Record) {
        if (f.field != kNoField) s += "." + f.type->fields[f.field].name;
      } else {
        s += "[" + std::to_string(f.index) + "]";
      }
    }
    return s;
  }
  std::string_view rootName() const { return facts_.decl->name.name; }

  void store(const FactValue& v, bool ok) {
    if (frames_.empty()) {
      root_ = v;
      done_ = ok;
      return;
    }
    Frame& f = frames_.back();
    if (f.type->kind == TypeKind::Record) {
      f.seen[f.field] = true;  // present, even if wrong: it is not also missing
      if (ok) f.values[f.field] = v;
      else f.ok = false;
      f.field = kNoField;
    } else {
      if (ok) f.values.push_back(v);
      else f.ok = false;
      ++f.index;
    }
  }

  bool scalar(const Scalar& sc) {
    if (skip_ > 0) return true;
    auto [type, decl] = expected();
    if (!type) {
      if (!frames_.empty() && frames_.back().type->kind == TypeKind::List) ++frames_.back().index;
      return true;
    }
    std::size_t end = stream_.Tell();
    FactValue out;
    bool ok = storeScalarAt(sc, type, decl, end, out);
    store(out, ok);
    return true;
  }

  bool storeScalarAt(const Scalar& sc, const Type* t, const RecordField* decl, std::size_t end, FactValue& out) {
    if (sc.kind == Scalar::Kind::Null && (t->optional || t->kind == TypeKind::Error)) {
      out = FactValue{};
      return true;
    }
    if (t->kind == TypeKind::Record || t->kind == TypeKind::List) {
      mismatch(t, decl, end, scalarName(sc));
      return false;
    }
    // The location is worked out only if the value is wrong.
    return storeScalar(sc, t, WhereLazy{this}, decl, [&] { return rep_.valueEnding(end); }, store_, rep_, out);
  }

  static const char* scalarName(const Scalar& sc) {
    switch (sc.kind) {
      case Scalar::Kind::Null: return "null";
      case Scalar::Kind::Bool: return "true or false";
      case Scalar::Kind::Int:
      case Scalar::Kind::Number: return "a number";
      case Scalar::Kind::String: return "a string";
    }
    return "a value";
  }

  void mismatch(const Type* t, const RecordField* decl, std::size_t end, const char* has) {
    if (auto* d = rep_.at(rep_.valueEnding(end), DiagCode::FactsWrongType, where(), expectedText(t), has))
      if (decl) d->note("declared in the schema here", decl->range);
  }

  bool open(TypeKind kind) {
    if (frames_.size() + skip_ >= kMaxDepth) return tooDeep();
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    auto [type, decl] = expected();
    std::size_t start = stream_.Tell() - 1;
    if (!type) {
      if (!frames_.empty() && frames_.back().type->kind == TypeKind::List) ++frames_.back().index;
      skip_ = 1;
      return true;
    }
    if (type->kind != kind) {
      mismatch(type, decl, start + 1, kind == TypeKind::Record ? "an object" : "a list");
      store(FactValue{}, false);
      skip_ = 1;
      return true;
    }
    Frame f{type, decl, start, {}, {}};
    if (kind == TypeKind::Record) {
      f.values.resize(type->fields.size());
      f.seen.resize(type->fields.size());
    }
    frames_.push_back(std::move(f));
    return true;
  }

  bool close() {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.type->kind == TypeKind::Record) {
      for (std::size_t i = 0; i < f.type->fields.size(); ++i) {
        const RecordField& field = f.type->fields[i];
        if (f.seen[i] || field.type->optional) continue;
        f.ok = false;
        // The path of the record itself: its parent frame's current slot.
        frames_.push_back(std::move(f));
        frames_.back().field = kNoField;
        std::string path = where();
        f = std::move(frames_.back());
        frames_.pop_back();
        if (auto* d = rep_.at(Reporter::Span{f.start, 1}, DiagCode::FactsMissingField, path, field.name,
                              std::string(rootName())))
          d->note("declared in the schema here", field.range)
              .withHelp("if exports may leave it out, declare it optional: " + field.name + ": " + spell(field.type) +
                        "?");
      }
    }
    FactValue v;
    if (f.ok) v = store_.addSpan(f.type->kind == TypeKind::Record ? FactKind::Record : FactKind::List, f.values);
    store(v, f.ok);
    return true;
  }

  /// Text that is not UTF-8 is refused, as for Tenet's own files.
  bool notUtf8() {
    rep_.at(rep_.valueEnding(stream_.Tell()), DiagCode::FactsNotJson, "it is not UTF-8 text");
    stopped_ = true;
    return false;
  }

  bool tooDeep() {
    rep_.at(Reporter::Span{stream_.Tell() - 1, 1}, DiagCode::FactsNotJson,
            fmt::format("it is nested more than {} levels deep", kMaxDepth));
    stopped_ = true;
    return false;
  }

  struct WhereLazy {
    const JsonHandler* h;
    std::string str() const { return h->where(); }
  };

  const Stream& stream_;
  const Facts& facts_;
  FactStore& store_;
  Reporter& rep_;
  std::vector<Frame> frames_;
  std::size_t skip_ = 0;  ///< depth inside a value that is passed over
  FactValue root_;
  bool done_ = false;
  bool stopped_ = false;
};

/// What RapidJSON's parse error means, in words.
std::string jsonErrorText(rapidjson::ParseErrorCode e) {
  switch (e) {
    case rapidjson::kParseErrorDocumentEmpty: return "the file is empty";
    case rapidjson::kParseErrorDocumentRootNotSingular: return "something follows the end of the data";
    case rapidjson::kParseErrorValueInvalid: return "a value is expected here";
    case rapidjson::kParseErrorObjectMissName: return "a field name in double quotes is expected here";
    case rapidjson::kParseErrorObjectMissColon: return "a ':' is expected after the field name";
    case rapidjson::kParseErrorObjectMissCommaOrCurlyBracket: return "a ',' or '}' is expected here";
    case rapidjson::kParseErrorArrayMissCommaOrSquareBracket: return "a ',' or ']' is expected here";
    case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex: return "a \\u escape needs four hexadecimal digits";
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid: return "a \\u escape is half of a character";
    case rapidjson::kParseErrorStringEscapeInvalid: return "a string has an escape JSON does not know";
    case rapidjson::kParseErrorStringMissQuotationMark: return "a string is not closed";
    case rapidjson::kParseErrorStringInvalidEncoding: return "it is not UTF-8 text";
    case rapidjson::kParseErrorNumberTooBig: return "a number is too large to read";
    case rapidjson::kParseErrorNumberMissFraction: return "a number has no digits after its '.'";
    case rapidjson::kParseErrorNumberMissExponent: return "a number has no digits after its 'e'";
    default: return "its structure is broken near here (a missing comma, bracket or quote?)";
  }
}

// ---- YAML ------------------------------------------------------------------

/// Thrown when a YAML file's aliases expand past YamlLoader's budget.
struct YamlTooLarge {
  std::size_t at;
};

class YamlLoader {
 public:
  /// `maxValues` bounds the values read: YAML aliases (`*name`) repeat a
  /// whole subtree each time they are used, so a small file can stand for
  /// billions of values.
  YamlLoader(FactStore& store, Reporter& rep, std::size_t maxValues)
      : store_(store), rep_(rep), maxValues_(maxValues) {}

  bool load(const YAML::Node& n, const Type* t, const Path& where, const RecordField* decl, FactValue& out,
            unsigned depth = 0) {
    std::size_t at = n.Mark().pos < 0 ? 0 : static_cast<std::size_t>(n.Mark().pos);
    if (++values_ > maxValues_) throw YamlTooLarge{at};
    if (depth > 256) {
      rep_.at(Reporter::Span{at, 1}, DiagCode::FactsNotYaml, "it is nested more than 256 levels deep");
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
    Reporter::Span span{at, std::max<std::size_t>(1, text.size())};
    return storeScalar(sc, t, where, decl, [span] { return span; }, store_, rep_, out);
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
    if (auto* d = rep_.at(Reporter::Span{at, 1}, DiagCode::FactsWrongType, where.str(), expectedText(t), has))
      if (decl) d->note("declared in the schema here", decl->range);
    return false;
  }

  FactStore& store_;
  Reporter& rep_;
  std::size_t maxValues_;
  std::size_t values_ = 0;
};

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

SourceRange sourceRange(const Facts& facts) {
  for (const auto& p : facts.decl->properties)
    if (p.key.name == "source") return p.value->range;
  return facts.decl->name.range;
}

/// The flags Tenet reads JSON with: strict JSON, and numbers handed over as
/// written so that they are converted exactly. Strings are checked for UTF-8
/// by the handler, which is faster for ASCII than checking each character
/// as it is read. The reader recurses once per level of nesting, and the
/// handler stops it at JsonHandler::kMaxDepth, so no file can exhaust the
/// stack.
constexpr unsigned kJsonFlags = rapidjson::kParseNumbersAsStringsFlag;

template <typename Stream>
FactValue readJson(Stream& stream, const Facts& facts, FactStore& store, Reporter& rep) {
  JsonHandler<Stream> handler(stream, facts, store, rep);
  rapidjson::Reader reader;
  rapidjson::ParseResult r = reader.Parse<kJsonFlags>(stream, handler);
  if (r.IsError() && !handler.stopped())
    rep.at(Reporter::Span{r.Offset(), 1}, DiagCode::FactsNotJson, jsonErrorText(r.Code()));
  return handler.root();
}

FactValue readYaml(std::string_view text, const Facts& facts, FactStore& store, Reporter& rep) {
  FactValue root;
  if (auto bad = findInvalidUtf8(text)) {
    // yaml-cpp does not check the encoding; the JSON reader does.
    rep.at(Reporter::Span{*bad, 1}, DiagCode::FactsNotYaml, "it is not UTF-8 text");
    return root;
  }
  // Without aliases a value takes at least two bytes of text; eight values
  // per byte leaves room for the anchors real exports use.
  const std::size_t maxValues = 8 * std::max<std::size_t>(text.size(), 1 << 20);
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    YamlLoader loader(store, rep, maxValues);
    loader.load(doc, facts.type, Path{nullptr, facts.decl->name.name, 0}, nullptr, root);
  } catch (const YamlTooLarge& e) {
    rep.at(Reporter::Span{e.at, 1}, DiagCode::FactsTooManyValues, maxValues);
  } catch (const YAML::Exception& e) {
    std::size_t at = e.mark.pos < 0 ? 0 : static_cast<std::size_t>(e.mark.pos);
    rep.at(Reporter::Span{at, 1}, DiagCode::FactsNotYaml, e.msg);
  }
  return root;
}

/// A store with room reserved for a file of `bytes`: as many values as the
/// text could hold, reserved but not touched, so that the store never
/// reallocates while it holds a large export.
std::unique_ptr<FactStore> storeFor(std::size_t bytes) {
  auto store = std::make_unique<FactStore>();
  store->reserve(bytes / 8, bytes);
  return store;
}

LoadedFacts finish(const Facts& facts, const std::string& path, const Reporter& rep,
                   std::unique_ptr<FactStore> store, FactValue root) {
  LoadedFacts lf;
  lf.facts = &facts;
  lf.path = path;
  if (rep.failed()) {
    lf.invalid = true;
    return lf;
  }
  store->setRoot(root);
  lf.store = std::move(store);
  return lf;
}

bool isJsonPath(const std::string& path) { return endsWith(path, ".json"); }
bool isYamlPath(const std::string& path) { return endsWith(path, ".yaml") || endsWith(path, ".yml"); }

}  // namespace

LoadedFacts loadFactsText(const Facts& facts, const std::string& path, std::string text, SourceManager& sm,
                          DiagnosticEngine& diags) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  if (!isJsonPath(path) && !isYamlPath(path)) {
    diags.report(DiagCode::FactsUnsupportedFormat, sourceRange(facts), path);
    LoadedFacts lf;
    lf.facts = &facts;
    lf.path = path;
    lf.invalid = true;
    return lf;
  }
  auto store = storeFor(text.size());
  Reporter rep(sm, diags, path, std::string_view(text));
  FactValue root;
  if (isJsonPath(path)) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    root = readJson(stream, facts, *store, rep);
  } else {
    root = readYaml(text, facts, *store, rep);
  }
  return finish(facts, path, rep, std::move(store), root);
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
    // A facts file that is a link leading out of the project (or of
    // --facts-dir) is not read: the export stays under the project's control.
    const std::string& folder = options.factsDir ? *options.factsDir : options.projectRoot;
    if (auto outside = linkLeavingFolder(file.string(), folder)) {
      lf.invalid = true;
      diags.report(DiagCode::LinkOutsideProject, sourceRange(*facts), display, *outside, folder)
          .withHelp("copy the export into the project, or give its folder with --facts-dir");
      out.emplace(name, std::move(lf));
      continue;
    }
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
    if (!isJsonPath(display) && !isYamlPath(display)) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnsupportedFormat, sourceRange(*facts), display);
      out.emplace(name, std::move(lf));
      continue;
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(file.c_str(), "rb"), &std::fclose);
    if (!in) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnreadable, sourceRange(*facts), display, std::strerror(errno));
      out.emplace(name, std::move(lf));
      continue;
    }
    // A byte order mark is passed over; offsets in problems count from after it.
    char bom[3] = {};
    if (std::fread(bom, 1, 3, in.get()) != 3 || std::string_view(bom, 3) != "\xEF\xBB\xBF") std::rewind(in.get());
    auto store = storeFor(ec ? 0 : static_cast<std::size_t>(size));
    Reporter rep(sm, diags, display, std::nullopt);
    FactValue root;
    if (isJsonPath(display)) {
      // JSON is streamed: only the values the schema declares are kept.
      BlockFileStream stream(in.get());
      root = readJson(stream, *facts, *store, rep);
    } else {
      std::string text;
      char chunk[1 << 16];
      for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, in.get())) > 0;) text.append(chunk, n);
      root = readYaml(text, *facts, *store, rep);
    }
    if (std::ferror(in.get())) {
      lf.invalid = true;
      diags.report(DiagCode::FactsUnreadable, sourceRange(*facts), display, "reading it failed part way");
      out.emplace(name, std::move(lf));
      continue;
    }
    out.emplace(name, finish(*facts, display, rep, std::move(store), root));
  }
  return out;
}

}  // namespace tenet
