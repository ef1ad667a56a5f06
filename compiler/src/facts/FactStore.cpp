// The compact store of loaded facts, and calendar arithmetic on days.
#include "tenet/facts/FactStore.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace tenet {

FactValue FactStore::addString(std::string_view s) {
  FactValue v;
  v.kind = FactKind::String;
  v.u.span.first = static_cast<std::uint32_t>(arena_.size());
  v.u.span.count = static_cast<std::uint32_t>(s.size());
  arena_.append(s);
  return v;
}

FactValue FactStore::addSpan(FactKind kind, const std::vector<FactValue>& values) {
  FactValue v;
  v.kind = kind;
  v.u.span.first = static_cast<std::uint32_t>(items_.size());
  v.u.span.count = static_cast<std::uint32_t>(values.size());
  items_.insert(items_.end(), values.begin(), values.end());
  return v;
}

// Howard Hinnant's days_from_civil and civil_from_days.
std::int64_t daysFromCivil(const Date& d) {
  std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t mp = (d.month + 9) % 12;
  std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date civilFromDays(std::int64_t z) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

Date addMonths(const Date& d, std::int64_t months) {
  std::int64_t total = static_cast<std::int64_t>(d.year) * 12 + (d.month - 1) + months;
  if (total < 0) return Date{1, 1, 1};
  Date r{static_cast<int>(total / 12), static_cast<int>(total % 12) + 1, d.day};
  Date next = r.month == 12 ? Date{r.year + 1, 1, 1} : Date{r.year, r.month + 1, 1};
  int last = static_cast<int>(daysFromCivil(next) - daysFromCivil(Date{r.year, r.month, 1}));
  r.day = std::min(r.day, last);
  return r;
}

std::string formatDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
  return buf;
}

bool parseFactDate(std::string_view s, Date& out, std::string& why) {
  auto digits = [&](std::size_t at, std::size_t n, int& v) {
    if (at + n > s.size()) return false;
    auto r = std::from_chars(s.data() + at, s.data() + at + n, v);
    return r.ec == std::errc() && r.ptr == s.data() + at + n;
  };
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4, out.year) || !digits(5, 2, out.month) ||
      !digits(8, 2, out.day)) {
    why = "write dates as YYYY-MM-DD, such as 2026-01-15";
    return false;
  }
  if (s.size() > 10 && s[10] != 'T' && s[10] != ' ') {
    why = "write dates as YYYY-MM-DD, or as an ISO 8601 timestamp such as 2026-01-15T10:00:00Z";
    return false;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (out.month < 1 || out.month > 12) {
    why = "there is no month " + std::to_string(out.month);
    return false;
  }
  bool leap = (out.year % 4 == 0 && out.year % 100 != 0) || out.year % 400 == 0;
  int max = kDays[out.month - 1] + (out.month == 2 && leap ? 1 : 0);
  if (out.day < 1 || out.day > max) {
    why = "that month has " + std::to_string(max) + " days";
    return false;
  }
  return true;
}

}  // namespace tenet
