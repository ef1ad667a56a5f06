// The diagnostic engine and the "did you mean" search.
#include "tenet/diag/Diagnostic.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <tuple>

namespace tenet {

Diagnostic& DiagnosticEngine::add(DiagCode code, Severity severity, SourceRange range, std::string message) {
  Diagnostic d;
  d.code = code;
  d.severity = severity;
  d.range = range;
  d.message = std::move(message);
  return add(std::move(d));
}

Diagnostic& DiagnosticEngine::add(Diagnostic d) {
  if (diags_.size() >= limit_) return countOverflow(d.severity);
  if (d.severity == Severity::Error) ++errors_;
  if (d.severity == Severity::Warning) ++warnings_;
  diags_.push_back(std::move(d));
  return diags_.back();
}

void DiagnosticEngine::setSeverity(std::size_t index, Severity s) {
  Diagnostic& d = diags_.at(index);
  if (d.severity == Severity::Error) --errors_;
  if (d.severity == Severity::Warning) --warnings_;
  d.severity = s;
  if (s == Severity::Error) ++errors_;
  if (s == Severity::Warning) ++warnings_;
}

void DiagnosticEngine::sort(const SourceManager& sm) {
  auto key = [&](const Diagnostic& d) {
    std::string_view path = d.range.valid() ? std::string_view(sm.file(d.range.file).path) : std::string_view();
    return std::make_tuple(path, d.range.begin, d.range.end, static_cast<int>(d.code), std::string_view(d.message));
  };
  std::stable_sort(diags_.begin(), diags_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// The edit distance between `a` and `b`, ignoring case, when it is at most
/// `limit`; otherwise some number above `limit`. Names whose lengths differ
/// by more than `limit` are not compared at all, and a comparison stops as
/// soon as every way on is longer than `limit`, so that looking a name up
/// among thousands costs little more than reading them.
std::size_t editDistance(std::string_view a, std::string_view b, std::size_t limit) {
  std::size_t la = a.size(), lb = b.size();
  if ((la > lb ? la - lb : lb - la) > limit) return limit + 1;
  thread_local std::vector<std::size_t> prev, cur;
  prev.resize(lb + 1);
  cur.resize(lb + 1);
  for (std::size_t j = 0; j <= lb; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= la; ++i) {
    cur[0] = i;
    std::size_t rowMin = cur[0];
    char ca = lower(a[i - 1]);
    for (std::size_t j = 1; j <= lb; ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == lower(b[j - 1]) ? 0 : 1)});
      rowMin = std::min(rowMin, cur[j]);
    }
    if (rowMin > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[lb];
}

}  // namespace

// Among equally distant names, prefer the one that agrees longer from the
// start and then differs least at the first difference, so that `CC6.9`
// suggests `CC6.8` (the last criterion of the series), not `CC6.1`.
std::pair<std::size_t, int> tieBreak(std::string_view wanted, std::string_view c) {
  std::size_t i = 0;
  while (i < wanted.size() && i < c.size() && wanted[i] == c[i]) ++i;
  int gap = 1000;
  if (i < wanted.size() && i < c.size()) gap = std::abs(static_cast<int>(wanted[i]) - static_cast<int>(c[i]));
  return {SIZE_MAX - i, gap};
}

std::string closestName(std::string_view wanted, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDist = SIZE_MAX;
  // Close enough to be a slip of the keyboard: about a third of the name.
  std::size_t allowed = std::max<std::size_t>(1, (wanted.size() + 2) / 3);
  for (const auto& c : candidates) {
    if (c == wanted) continue;
    // Only a name at least as close as the best so far, and close enough, can win.
    std::size_t d = editDistance(wanted, c, std::min(bestDist, allowed));
    if (d > allowed) continue;
    if (d < bestDist ||
        (d == bestDist && std::make_tuple(tieBreak(wanted, c), std::string_view(c)) <
                              std::make_tuple(tieBreak(wanted, best), std::string_view(best)))) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= allowed ? best : std::string();
}

}  // namespace tenet
