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
  if (d.severity == Severity::Error) ++errors_;
  if (d.severity == Severity::Warning) ++warnings_;
  if (diags_.size() >= limit_) {
    ++dropped_;
    overflow_ = Diagnostic{};
    return overflow_;
  }
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
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
      auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca == cb ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
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
  for (const auto& c : candidates) {
    if (c == wanted) continue;
    std::size_t d = editDistance(wanted, c);
    if (d < bestDist ||
        (d == bestDist && std::make_tuple(tieBreak(wanted, c), std::string_view(c)) <
                              std::make_tuple(tieBreak(wanted, best), std::string_view(best)))) {
      bestDist = d;
      best = c;
    }
  }
  // Close enough to be a slip of the keyboard: about a third of the name.
  std::size_t allowed = std::max<std::size_t>(1, (wanted.size() + 2) / 3);
  return bestDist <= allowed ? best : std::string();
}

}  // namespace tenet
