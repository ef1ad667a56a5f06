// Renders report tables in the five output formats.
#include "tenet/emit/Table.h"

#include "tenet/base/Source.h"

#include <nlohmann/json.hpp>

namespace tenet {

std::optional<TableFormat> parseTableFormat(std::string_view name) {
  if (name == "text") return TableFormat::Text;
  if (name == "md" || name == "markdown") return TableFormat::Markdown;
  if (name == "csv") return TableFormat::Csv;
  if (name == "json") return TableFormat::Json;
  if (name == "html") return TableFormat::Html;
  return std::nullopt;
}

std::string htmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string oneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

namespace {

std::size_t width(std::string_view s) { return countCodePoints(s); }

// A terminal row stays readable: long cells are cut; the other formats
// carry the full text.
constexpr std::size_t kMaxTextCell = 60;

std::string clip(std::string s) {
  if (width(s) <= kMaxTextCell) return s;
  std::size_t keep = 0, n = 0;
  while (keep < s.size() && n < kMaxTextCell - 3) {
    ++keep;
    while (keep < s.size() && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) ++keep;
    ++n;
  }
  return s.substr(0, keep) + "...";
}

void text(std::ostream& out, const Table& t) {
  if (!t.title.empty()) out << t.title << "\n\n";
  std::vector<std::size_t> w(t.columns.size());
  for (std::size_t i = 0; i < t.columns.size(); ++i) w[i] = width(t.columns[i].header);
  for (const auto& row : t.rows)
    for (std::size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(clip(oneLine(row[i]))));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::string cell = i < cells.size() ? clip(oneLine(cells[i])) : "";
      s += cell;
      if (i + 1 < w.size()) s += std::string(w[i] - width(cell) + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << '\n';
  };
  std::vector<std::string> headers;
  for (const auto& c : t.columns) headers.push_back(c.header);
  line(headers);
  std::vector<std::string> rules;
  for (std::size_t x : w) rules.push_back(std::string(x, '-'));
  line(rules);
  for (const auto& row : t.rows) line(row);
  if (!t.notes.empty()) out << '\n';
  for (const auto& n : t.notes) out << n << '\n';
}

std::string mdCell(std::string_view s) {
  std::string out;
  for (char c : oneLine(s)) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

void markdown(std::ostream& out, const Table& t) {
  if (!t.title.empty()) out << "## " << mdCell(t.title) << "\n\n";
  out << '|';
  for (const auto& c : t.columns) out << ' ' << mdCell(c.header) << " |";
  out << "\n|";
  for (std::size_t i = 0; i < t.columns.size(); ++i) out << " --- |";
  out << '\n';
  for (const auto& row : t.rows) {
    out << '|';
    for (std::size_t i = 0; i < t.columns.size(); ++i) out << ' ' << (i < row.size() ? mdCell(row[i]) : "") << " |";
    out << '\n';
  }
  if (!t.notes.empty()) out << '\n';
  for (const auto& n : t.notes) out << n << "\n\n";
}

std::string csvCell(std::string_view s) {
  std::string v = oneLine(s);
  // A leading =, +, - or @ makes spreadsheets evaluate the cell.
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

void csv(std::ostream& out, const Table& t, bool withTitle) {
  if (withTitle) out << csvCell(t.title) << '\n';
  for (std::size_t i = 0; i < t.columns.size(); ++i) out << (i ? "," : "") << csvCell(t.columns[i].header);
  out << '\n';
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < t.columns.size(); ++i) out << (i ? "," : "") << (i < row.size() ? csvCell(row[i]) : "");
    out << '\n';
  }
}

nlohmann::ordered_json json(const Table& t) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json r;
    for (std::size_t i = 0; i < t.columns.size(); ++i) r[t.columns[i].key] = i < row.size() ? row[i] : "";
    rows.push_back(std::move(r));
  }
  nlohmann::ordered_json j;
  j["title"] = t.title;
  j["rows"] = rows;
  j["notes"] = t.notes;
  return j;
}

void html(std::ostream& out, const std::vector<Table>& tables) {
  std::string title = tables.empty() ? "Tenet report" : tables.front().title;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << htmlEscape(title) << "</title>\n<style>\n"
      << "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}"
      << "table{border-collapse:collapse;margin:1rem 0}"
      << "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}"
      << "th{background:#f2f2f2}caption{text-align:left;font-weight:bold;font-size:1.2rem;margin-bottom:.5rem}"
      << "@media print{body{margin:0}}\n</style>\n</head>\n<body>\n";
  for (const auto& t : tables) renderTableHtml(out, t);
  out << "</body>\n</html>\n";
}

}  // namespace

void renderTableHtml(std::ostream& out, const Table& t) {
  out << "<table>\n";
  if (!t.title.empty()) out << "<caption>" << htmlEscape(t.title) << "</caption>\n";
  out << "<thead><tr>";
  for (const auto& c : t.columns) out << "<th scope=\"col\">" << htmlEscape(c.header) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      out << "<td>" << htmlEscape(i < row.size() ? oneLine(row[i]) : "") << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
  for (const auto& n : t.notes) out << "<p>" << htmlEscape(n) << "</p>\n";
}

void renderTables(std::ostream& out, const std::vector<Table>& tables, TableFormat format) {
  switch (format) {
    case TableFormat::Text:
      for (std::size_t i = 0; i < tables.size(); ++i) {
        if (i) out << '\n';
        text(out, tables[i]);
      }
      break;
    case TableFormat::Markdown:
      for (std::size_t i = 0; i < tables.size(); ++i) {
        if (i) out << '\n';
        markdown(out, tables[i]);
      }
      break;
    case TableFormat::Csv:
      // Several tables in one CSV file are separated by a blank line and
      // headed by their title; a single table is plain CSV.
      for (std::size_t i = 0; i < tables.size(); ++i) {
        if (i) out << '\n';
        csv(out, tables[i], tables.size() > 1);
      }
      break;
    case TableFormat::Json: {
      nlohmann::ordered_json doc;
      if (tables.size() == 1) {
        doc = json(tables.front());
      } else {
        doc["tables"] = nlohmann::ordered_json::array();
        for (const auto& t : tables) doc["tables"].push_back(json(t));
      }
      out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      break;
    }
    case TableFormat::Html: html(out, tables); break;
  }
}

}  // namespace tenet
