// The type arena and how types read in messages.
#include "tenet/sema/Types.h"

namespace tenet {

const RecordField* Type::field(std::string_view name) const {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

TypeArena::TypeArena() {
  types_.emplace_back();
  error_ = &types_.back();
}

const Type* TypeArena::scalar(TypeKind k, bool optional) {
  bool composite = k == TypeKind::List || k == TypeKind::Record || k == TypeKind::Enum;
  const Type*& known = scalars_[static_cast<int>(k)][optional ? 1 : 0];
  if (known) return known;
  for (const auto& t : types_)
    if (t.kind == k && t.optional == optional && !composite) return known = &t;
  Type t;
  t.kind = k;
  t.optional = optional;
  types_.push_back(std::move(t));
  if (composite) return &types_.back();  // never shared
  return known = &types_.back();
}

const Type* TypeArena::list(const Type* element, bool optional) {
  Type t;
  t.kind = TypeKind::List;
  t.element = element;
  t.optional = optional;
  types_.push_back(std::move(t));
  return &types_.back();
}

const Type* TypeArena::record(std::vector<RecordField> fields, bool optional) {
  Type t;
  t.kind = TypeKind::Record;
  t.fields = std::move(fields);
  t.optional = optional;
  types_.push_back(std::move(t));
  return &types_.back();
}

const Type* TypeArena::enumeration(std::vector<std::string> values, bool optional) {
  Type t;
  t.kind = TypeKind::Enum;
  t.enumValues = std::move(values);
  t.optional = optional;
  types_.push_back(std::move(t));
  return &types_.back();
}

const Type* TypeArena::withOptional(const Type* t, bool optional) {
  if (!t || t->optional == optional || t->kind == TypeKind::Error) return t;
  Type copy = *t;
  copy.optional = optional;
  types_.push_back(std::move(copy));
  return &types_.back();
}

namespace {
std::string bare(const Type* t, bool plural) {
  switch (t->kind) {
    case TypeKind::Error: return plural ? "values" : "value";
    case TypeKind::Bool: return plural ? "true/false values" : "true/false value";
    case TypeKind::Int: return plural ? "whole numbers" : "whole number";
    case TypeKind::Number: return plural ? "numbers" : "number";
    case TypeKind::String: return plural ? "strings" : "string";
    case TypeKind::Date: return plural ? "dates" : "date";
    case TypeKind::Duration: return plural ? "durations" : "duration";
    case TypeKind::None: return "none";
    case TypeKind::List:
      if (!t->element) return plural ? "empty lists" : "empty list";
      return (plural ? "lists of " : "list of ") + bare(t->element, true);
    case TypeKind::Record: return plural ? "records" : "record";
    case TypeKind::Enum: {
      std::string s = "one of ";
      for (std::size_t i = 0; i < t->enumValues.size(); ++i) s += (i ? ", \"" : "\"") + t->enumValues[i] + "\"";
      return s;
    }
  }
  return "value";
}
}  // namespace

std::string spell(const Type* t) {
  if (!t) return "?";
  std::string s;
  switch (t->kind) {
    case TypeKind::Error: s = "?"; break;
    case TypeKind::Bool: s = "bool"; break;
    case TypeKind::Int: s = "int"; break;
    case TypeKind::Number: s = "number"; break;
    case TypeKind::String: s = "string"; break;
    case TypeKind::Date: s = "date"; break;
    case TypeKind::Duration: s = "duration"; break;
    case TypeKind::None: s = "none"; break;
    case TypeKind::List: s = "list<" + spell(t->element) + ">"; break;
    case TypeKind::Record:
      s = "{ ";
      for (std::size_t i = 0; i < t->fields.size(); ++i)
        s += (i ? ", " : "") + t->fields[i].name + ": " + spell(t->fields[i].type);
      s += " }";
      break;
    case TypeKind::Enum:
      for (std::size_t i = 0; i < t->enumValues.size(); ++i) s += (i ? " | \"" : "\"") + t->enumValues[i] + "\"";
      break;
  }
  // An optional type's own `?` is added by whoever writes the field.
  return s;
}

std::string describe(const Type* t) {
  if (!t) return "nothing";
  if (t->kind == TypeKind::None) return "none";
  if (t->kind == TypeKind::Enum) return (t->optional ? "an optional " : "") + bare(t, false);
  std::string b = bare(t, false);
  if (t->optional) return "an optional " + b;
  bool vowel = !b.empty() && std::string_view("aeiou").find(b[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + b;
}

}  // namespace tenet
