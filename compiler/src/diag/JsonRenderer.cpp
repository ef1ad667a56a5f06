// Renders diagnostics as JSON for scripts and other tools.
#include <nlohmann/json.hpp>

#include "tenet/diag/Render.h"

namespace tenet {

namespace {

nlohmann::ordered_json location(const SourceManager& sm, SourceRange r) {
  if (!r.valid()) return nullptr;
  LineCol b = sm.lineCol(r.file, r.begin), e = sm.lineCol(r.file, r.end);
  return {{"file", sm.file(r.file).path},
          {"start", {{"line", b.line}, {"column", b.col}}},
          {"end", {{"line", e.line}, {"column", e.col}}}};
}

}  // namespace

void renderJson(std::ostream& out, const SourceManager& sm, const DiagnosticEngine& diags) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& d : diags.all()) {
    nlohmann::ordered_json j;
    j["code"] = std::string(d.name());
    j["severity"] = severityName(d.severity);
    j["message"] = d.message;
    j["location"] = location(sm, d.range);
    nlohmann::ordered_json extra = nlohmann::ordered_json::array();
    for (auto r : d.extraRanges) extra.push_back(location(sm, r));
    j["related"] = extra;
    nlohmann::ordered_json notes = nlohmann::ordered_json::array();
    for (const auto& n : d.notes) notes.push_back({{"message", n.message}, {"location", location(sm, n.range)}});
    j["notes"] = notes;
    j["help"] = d.help.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.help);
    nlohmann::ordered_json fixes = nlohmann::ordered_json::array();
    for (const auto& f : d.fixits) fixes.push_back({{"location", location(sm, f.range)}, {"replacement", f.replacement}, {"safe", f.safe}});
    j["fixes"] = fixes;
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json doc;
  doc["diagnostics"] = list;
  doc["summary"] = {{"errors", diags.errorCount()}, {"warnings", diags.warningCount()}, {"omitted", diags.dropped()}};
  // Invalid UTF-8 never reaches here: files are validated before parsing.
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace tenet
