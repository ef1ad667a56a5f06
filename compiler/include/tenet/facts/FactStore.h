/// @file FactStore.h
/// @brief Facts loaded from a JSON or YAML export, already checked against
/// their schema and held compactly: sixteen bytes a value, strings in one
/// arena, the children of a list or record side by side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tenet/syntax/AST.h"

namespace tenet {

enum class FactKind : std::uint8_t { Absent, Bool, Int, Number, String, Date, Duration, List, Record };

/// One value. Lists and records refer to a span of FactStore::items; a
/// record's fields are in the order of its schema.
struct FactValue {
  FactKind kind = FactKind::Absent;
  union {
    bool b;
    std::int64_t i;  ///< Int; Date as days since 1970-01-01; Duration as days
    double d;
    struct {
      std::uint32_t first;
      std::uint32_t count;
    } span;          ///< String (bytes of the arena), List, Record (items)
  } u{};
};
static_assert(sizeof(FactValue) == 16, "facts of a million records must stay small");

class FactStore {
 public:
  const FactValue& root() const { return root_; }
  std::string_view string(const FactValue& v) const {
    return std::string_view(arena_).substr(v.u.span.first, v.u.span.count);
  }
  const FactValue* children(const FactValue& v) const { return items_.data() + v.u.span.first; }
  std::size_t size(const FactValue& v) const { return v.u.span.count; }

  // Building, used by the loaders.
  FactValue addString(std::string_view s);
  /// Appends `values` as one contiguous span and returns a value of `kind` over it.
  FactValue addSpan(FactKind kind, const std::vector<FactValue>& values);
  void setRoot(FactValue v) { root_ = v; }
  /// Reserves address space for values and string bytes. Pages that are
  /// never written are never resident, so a generous estimate costs nothing.
  void reserve(std::size_t values, std::size_t stringBytes) {
    items_.reserve(values);
    arena_.reserve(stringBytes);
  }

 private:
  std::string arena_;
  std::vector<FactValue> items_;
  FactValue root_;
};

/// Days since 1970-01-01 of a valid date, and back.
std::int64_t daysFromCivil(const Date& d);
Date civilFromDays(std::int64_t days);
/// The same day `months` months later (or earlier), or the last day of that
/// month when it is shorter: 2026-01-31 plus one month is 2026-02-28.
Date addMonths(const Date& d, std::int64_t months);
/// `2026-01-15`.
std::string formatDate(const Date& d);
/// Parses `2026-01-15`, or the date part of an ISO 8601 timestamp such as
/// `2026-01-15T10:20:00Z`. Returns false, with `why`, for anything else.
bool parseFactDate(std::string_view s, Date& out, std::string& why);

}  // namespace tenet
