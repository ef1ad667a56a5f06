// Prose drift: a control's statement that names a cadence other than the one
// the control declares, or stands a vague word in for a cadence it never declares.
#include "tenet/analysis/ProseDrift.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tenet {

namespace {

enum class Meaning { Cadence, Vague, Weak, Unmeasurable };

/// A phrase as a list of lowercase words. In `every #n #unit`, `#n` is a
/// count (digits, or one to twelve) and `#unit` a unit of time.
struct Phrase {
  std::vector<std::string_view> words;
  Meaning meaning = Meaning::Cadence;
  Duration length;  ///< what a cadence phrase with no `#n` means
};

std::vector<std::string_view> splitWords(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    std::size_t sp = s.find(' ');
    out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

const std::vector<Phrase>& phrases() {
  static const std::vector<Phrase> kPhrases = [] {
    std::vector<Phrase> out;
    auto cadence = [&](std::initializer_list<std::string_view> texts, std::int64_t amount, DurationUnit unit) {
      for (auto t : texts) out.push_back(Phrase{splitWords(t), Meaning::Cadence, Duration{amount, unit}});
    };
    cadence({"quarterly", "every quarter", "each quarter", "once a quarter"}, 3, DurationUnit::Month);
    cadence({"monthly", "every month", "each month", "once a month"}, 1, DurationUnit::Month);
    cadence({"annually", "yearly", "every year", "each year", "once a year"}, 12, DurationUnit::Month);
    cadence({"semi-annually", "semiannually", "biannually", "twice a year"}, 6, DurationUnit::Month);
    cadence({"weekly", "every week", "each week", "once a week"}, 1, DurationUnit::Week);
    cadence({"daily", "every day", "each day", "once a day"}, 1, DurationUnit::Day);
    cadence({"every #n #unit"}, 0, DurationUnit::Day);  // "every six months" is one of these
    for (auto t : {"regularly", "periodically", "as needed", "as required", "from time to time", "routinely",
                   "on a regular basis", "at regular intervals", "when necessary"})
      out.push_back(Phrase{splitWords(t), Meaning::Vague, {}});
    // Wording the linter reads (weak-modal, vague-wording).
    for (auto t : {"should", "should not", "may", "may not", "ideally", "where possible",
                   "if possible", "as far as possible", "where practical", "where practicable", "if practicable",
                   "as far as practicable", "endeavour to", "endeavor to", "try to", "tries to", "aim to", "aims to",
                   "strive to", "strives to", "is encouraged to", "are encouraged to", "is recommended",
                   "are recommended", "it is recommended"})
      out.push_back(Phrase{splitWords(t), Meaning::Weak, {}});
    for (auto t : {"appropriate", "appropriately", "as appropriate", "where appropriate", "adequate", "adequately",
                   "sufficient", "sufficiently", "reasonable", "reasonably", "timely", "in a timely manner",
                   "promptly", "as soon as possible", "as soon as practicable", "best practice", "best practices",
                   "industry standard", "industry-standard", "commercially reasonable"})
      out.push_back(Phrase{splitWords(t), Meaning::Unmeasurable, {}});
    return out;
  }();
  return kPhrases;
}

bool isAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Words are ASCII letters, digits and underscores; a hyphen between two of
/// them joins a word, so that "bi-weekly" is not "weekly" and "semi-annually"
/// is one word, while "quarterly--and" still ends at the dashes.
bool isWordChar(std::string_view s, std::size_t i) {
  char c = s[i];
  if (isAlnum(c) || c == '_') return true;
  return c == '-' && i > 0 && i + 1 < s.size() && isAlnum(s[i - 1]) && isAlnum(s[i + 1]);
}

bool equalsLower(std::string_view word, std::string_view lowerText) {
  if (word.size() != lowerText.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if (lower(word[i]) != lowerText[i]) return false;
  return true;
}

/// `3`, `12` or `three`, `twelve`; 0 when the word is not a count.
std::int64_t count(std::string_view w) {
  static constexpr std::string_view kNames[] = {"one", "two", "three", "four", "five",   "six",
                                                "seven", "eight", "nine", "ten", "eleven", "twelve"};
  for (std::size_t i = 0; i < std::size(kNames); ++i)
    if (equalsLower(w, kNames[i])) return static_cast<std::int64_t>(i + 1);
  if (w.empty() || w.size() > 9) return 0;  // small enough never to overflow
  std::int64_t n = 0;
  for (char c : w) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool unit(std::string_view w, DurationUnit& out) {
  static constexpr std::pair<std::string_view, DurationUnit> kUnits[] = {
      {"day", DurationUnit::Day},     {"days", DurationUnit::Day},     {"week", DurationUnit::Week},
      {"weeks", DurationUnit::Week},  {"month", DurationUnit::Month},  {"months", DurationUnit::Month},
      {"year", DurationUnit::Year},   {"years", DurationUnit::Year}};
  for (const auto& [name, u] : kUnits)
    if (equalsLower(w, name)) {
      out = u;
      return true;
    }
  return false;
}

/// Days and weeks are fixed lengths; months and years are calendar units
/// (see the evaluator's `age`). Lengths compare within a kind only, so
/// `every 12 months` is `every 1 year`, but `every 90 days` is not
/// `every 3 months`.
bool sameLength(const Duration& a, const Duration& b) {
  auto calendar = [](DurationUnit u) { return u == DurationUnit::Month || u == DurationUnit::Year; };
  auto size = [](const Duration& d) {
    switch (d.unit) {
      case DurationUnit::Day: return d.amount;
      case DurationUnit::Week: return d.amount * 7;
      case DurationUnit::Month: return d.amount;
      case DurationUnit::Year: return d.amount * 12;
    }
    return d.amount;
  };
  return calendar(a.unit) == calendar(b.unit) && size(a) == size(b);
}

struct Word {
  std::size_t begin, end;
  bool joined;  ///< only whitespace separates it from the previous word
};

struct Found {
  const Phrase* phrase = nullptr;
  Duration length;
  std::size_t begin = 0, end = 0;  ///< in the scanned text
};

/// Matches `p` at words[i...]; sets `length` for cadence phrases.
bool matchAt(const Phrase& p, std::string_view text, const std::vector<Word>& words, std::size_t i,
             Duration& length) {
  if (i + p.words.size() > words.size()) return false;
  length = p.length;
  for (std::size_t k = 0; k < p.words.size(); ++k) {
    const Word& w = words[i + k];
    if (k > 0 && !w.joined) return false;
    std::string_view got = text.substr(w.begin, w.end - w.begin);
    std::string_view want = p.words[k];
    if (want == "#n") {
      length.amount = count(got);
      if (length.amount <= 0) return false;
    } else if (want == "#unit") {
      if (!unit(got, length.unit)) return false;
    } else if (!equalsLower(got, want)) {
      return false;
    }
  }
  return true;
}

/// Every phrase in `text`, left to right, the longest where several start
/// at the same word.
std::vector<Found> findPhrases(std::string_view text) {
  std::vector<Word> words;
  bool joined = true;
  for (std::size_t i = 0; i < text.size();) {
    if (isWordChar(text, i)) {
      std::size_t b = i;
      while (i < text.size() && isWordChar(text, i)) ++i;
      words.push_back(Word{b, i, joined});
      joined = true;
      continue;
    }
    if (!isSpace(text[i])) joined = false;
    ++i;
  }
  // The phrases by their first word, so that each word of the text is
  // compared only with the phrases that can start there.
  static const std::unordered_map<std::string_view, std::vector<const Phrase*>> kByFirst = [] {
    std::unordered_map<std::string_view, std::vector<const Phrase*>> m;
    for (const Phrase& p : phrases()) m[p.words.front()].push_back(&p);
    return m;
  }();
  std::vector<Found> out;
  std::string lowered;
  for (std::size_t i = 0; i < words.size();) {
    Found best;
    std::size_t bestLen = 0;
    lowered.assign(text.substr(words[i].begin, words[i].end - words[i].begin));
    for (char& c : lowered) c = lower(c);
    auto candidates = kByFirst.find(lowered);
    if (candidates == kByFirst.end()) {
      ++i;
      continue;
    }
    for (const Phrase* pp : candidates->second) {
      const Phrase& p = *pp;
      Duration length;
      if (p.words.size() <= bestLen || !matchAt(p, text, words, i, length)) continue;
      bestLen = p.words.size();
      best = Found{&p, length, words[i].begin, words[i + bestLen - 1].end};
    }
    if (!best.phrase) {
      ++i;
      continue;
    }
    out.push_back(best);
    i += bestLen;
  }
  return out;
}

/// The source of a literal run with what is not prose for the reader masked:
/// `\n` and `\t` escapes of a string become spaces, and text between literal
/// braces (`{{...}}` or `{{...}`) becomes a separator that no phrase crosses.
/// The length is kept so that offsets still map to the file.
std::string maskedSource(std::string_view src, bool isProse) {
  std::string s(src);
  constexpr char kSeparator = '\x01';
  if (!isProse)
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] != '\\') continue;
      if (s[i + 1] == 'n' || s[i + 1] == 't') s[i] = s[i + 1] = ' ';
      ++i;  // the escaped character is never the start of another escape
    }
  for (std::size_t i = s.find("{{"); i != std::string::npos; i = s.find("{{", i)) {
    std::size_t close = s.find('}', i + 2);
    std::size_t end = close == std::string::npos ? i + 2 : close + 1;
    if (end < s.size() && s[end] == '}') ++end;
    for (std::size_t k = i; k < end; ++k) s[k] = kSeparator;
    i = end;
  }
  return s;
}

/// The phrase as written, with each run of whitespace (a line break and the
/// next line's indentation) as one space.
std::string collapsed(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (isSpace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

/// The durations written in an expression, such as `14 days` in
/// `age(d.last_check_in) <= 14 days`.
void durationsIn(const Expr& e, std::vector<Duration>& out) {
  if (e.kind == ExprKind::Duration) out.push_back(e.durationValue);
  for (const auto& child : e.children)
    if (child) durationsIn(*child, out);
}

/// The lengths a statement may name besides the declared cadence: those the
/// control itself checks. "Laptops check in at least every 14 days", next to
/// `expect ... age(d.last_check_in) <= 14 days`, describes a second activity
/// the control measures, not a cadence that drifted.
std::vector<Duration> checkedLengths(const ControlDecl& c) {
  std::vector<Duration> out;
  for (const auto& e : c.expects)
    if (e.expr) durationsIn(*e.expr, out);
  for (const auto& e : c.evidence)
    if (e.freshWithin) out.push_back(*e.freshWithin);
  return out;
}

void checkStatement(const Text& statement, const Duration* declared, const std::vector<Duration>& checked,
                    const SourceManager& sm, DiagnosticEngine& diags) {
  for (const TextPart& part : statement.parts) {
    // What `{cadence}` produces agrees with the cadence by construction.
    if (part.isInterpolation || !part.range.valid()) continue;
    std::string text = maskedSource(sm.text(part.range), statement.isProse);
    for (const Found& f : findPhrases(text)) {
      SourceRange at{part.range.file, part.range.begin + static_cast<std::uint32_t>(f.begin),
                     part.range.begin + static_cast<std::uint32_t>(f.end)};
      std::string phrase = collapsed(std::string_view(text).substr(f.begin, f.end - f.begin));
      if (f.phrase->meaning == Meaning::Weak || f.phrase->meaning == Meaning::Unmeasurable) continue;
      if (f.phrase->meaning == Meaning::Vague) {
        // With a declared cadence the vague word is a matter of style, not drift.
        if (!declared) diags.report(DiagCode::VagueCadence, at, phrase);
      } else if (declared && !sameLength(f.length, *declared) &&
                 std::none_of(checked.begin(), checked.end(),
                              [&](const Duration& d) { return sameLength(f.length, d); })) {
        diags.report(DiagCode::ProseCadenceMismatch, at, phrase, cadenceText(f.length), cadenceText(*declared));
      }
    }
  }
}

/// Whether the sentence around [begin, end) of `text` holds a digit: a
/// number makes "promptly, within 24 hours" measurable.
bool sentenceHasNumber(std::string_view text, std::size_t begin, std::size_t end) {
  auto stop = [&](std::size_t i) {
    char c = text[i];
    if (c == '!' || c == '?' || c == ';') return true;
    // A full stop ends a sentence; one between digits ("1.5") does not.
    if (c == '.') return i + 1 >= text.size() || isSpace(text[i + 1]);
    return c == '\n' && i + 1 < text.size() && text.find_first_not_of(" \t\r", i + 1) != std::string_view::npos &&
           text[text.find_first_not_of(" \t\r", i + 1)] == '\n';  // a blank line
  };
  std::size_t a = begin, b = end;
  while (a > 0 && !stop(a - 1)) --a;
  while (b < text.size() && !stop(b)) ++b;
  for (std::size_t i = a; i < b; ++i)
    if (text[i] >= '0' && text[i] <= '9') return true;
  return false;
}

/// "May" with a capital inside a sentence is the month ("by 31 May"), not a
/// weak commitment.
bool isMonthMay(std::string_view text, std::size_t begin, std::size_t end) {
  if (text.substr(begin, end - begin) != "May") return false;
  std::size_t i = begin;
  while (i > 0 && isSpace(text[i - 1])) --i;
  if (i == 0) return false;  // the first word of the text: a sentence start
  char before = text[i - 1];
  return before != '.' && before != '!' && before != '?' && before != ':';
}

}  // namespace

std::vector<WordingFinding> findWording(const Text& text, const SourceManager& sm) {
  std::vector<WordingFinding> out;
  for (const TextPart& part : text.parts) {
    if (part.isInterpolation || !part.range.valid()) continue;
    std::string scanned = maskedSource(sm.text(part.range), text.isProse);
    for (const Found& f : findPhrases(scanned)) {
      WordingKind kind;
      if (f.phrase->meaning == Meaning::Weak) kind = WordingKind::WeakModal;
      else if (f.phrase->meaning == Meaning::Unmeasurable) kind = WordingKind::Unmeasurable;
      else continue;
      if (kind == WordingKind::Unmeasurable && sentenceHasNumber(scanned, f.begin, f.end)) continue;
      if (kind == WordingKind::WeakModal && isMonthMay(scanned, f.begin, f.end)) continue;
      SourceRange at{part.range.file, part.range.begin + static_cast<std::uint32_t>(f.begin),
                     part.range.begin + static_cast<std::uint32_t>(f.end)};
      out.push_back({kind, at, collapsed(std::string_view(scanned).substr(f.begin, f.end - f.begin))});
    }
  }
  return out;
}

void checkProseDrift(const Model& model, const SourceManager& sm, DiagnosticEngine& diags) {
  for (const auto& [_, policy] : model.policies) checkProseDrift(*policy, sm, diags);
}

void checkProseDrift(const Policy& policy, const SourceManager& sm, DiagnosticEngine& diags) {
  const PolicyDecl* pd = policy.decl;
  if (!pd || !pd->range.valid() || sm.file(pd->range.file).fromStdlib) return;
  for (const auto& control : policy.controls) {
    const ControlDecl* c = control->decl;
    if (!c || !c->statement) continue;
    const Property* cadence = nullptr;
    for (const auto& p : c->properties)
      if (p.key.name == "cadence") {
        cadence = &p;
        break;
      }
    // A cadence that is not one (or not positive) is already an error: with
    // nothing sound to compare against, and one declared, say nothing.
    if (cadence && (!cadence->value || cadence->value->kind != ExprKind::Cadence ||
                    cadence->value->durationValue.amount <= 0))
      continue;
    checkStatement(*c->statement, cadence ? &cadence->value->durationValue : nullptr, checkedLengths(*c), sm, diags);
  }
}

}  // namespace tenet
