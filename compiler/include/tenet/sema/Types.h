/// @file Types.h
/// @brief The types of Tenet expressions and facts schemas.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "tenet/base/Source.h"

namespace tenet {

enum class TypeKind : std::uint8_t {
  Error,  ///< already reported; accepted everywhere to avoid cascades
  Bool, Int, Number, String, Date, Duration,
  None,   ///< the literal `none`
  List, Record, Enum,
};

struct Type;

struct RecordField {
  std::string name;
  const Type* type = nullptr;
  SourceRange range;  ///< where the field is declared
};

struct Type {
  TypeKind kind = TypeKind::Error;
  bool optional = false;
  const Type* element = nullptr;          ///< List (nullptr for the empty list `[]`)
  std::vector<RecordField> fields;        ///< Record, in declaration order
  std::vector<std::string> enumValues;    ///< Enum

  const RecordField* field(std::string_view name) const;
  bool isNumeric() const { return kind == TypeKind::Int || kind == TypeKind::Number; }
};

/// Owns every type of one compilation.
class TypeArena {
 public:
  TypeArena();
  const Type* error() const { return error_; }
  const Type* scalar(TypeKind k, bool optional = false);
  const Type* list(const Type* element, bool optional = false);
  const Type* record(std::vector<RecordField> fields, bool optional = false);
  const Type* enumeration(std::vector<std::string> values, bool optional = false);
  const Type* withOptional(const Type* t, bool optional);

 private:
  std::deque<Type> types_;
  const Type* error_;
  /// What scalar() returned, by kind and optionality: the first such type.
  const Type* scalars_[static_cast<int>(TypeKind::Enum) + 1][2] = {};
};

/// How a type reads in a message: "a date", "a list of records", "an optional whole number".
std::string describe(const Type* t);
/// How a type is written in a schema: `date`, `list<{ email: string }>`, `"low" | "high"`.
std::string spell(const Type* t);

}  // namespace tenet
