/// @file Table.h
/// @brief A report as a table, rendered for a terminal, Markdown, CSV, JSON
/// or a self-contained HTML page. Reports build tables; this only renders.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tenet {

struct TableColumn {
  std::string key;     ///< the JSON field name
  std::string header;  ///< what people read
};

struct Table {
  std::string title;
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;  ///< sentences printed after the table (summary, legend)
};

enum class TableFormat { Text, Markdown, Csv, Json, Html };

std::optional<TableFormat> parseTableFormat(std::string_view name);

/// Renders one or more tables as one document. Output depends only on the
/// tables: the same tables give the same bytes.
void renderTables(std::ostream& out, const std::vector<Table>& tables, TableFormat format);

/// Renders one table as an HTML fragment: the table with its title as
/// caption, then its notes as paragraphs.
void renderTableHtml(std::ostream& out, const Table& table);

/// The text with every run of whitespace, line breaks included, as one
/// space: a table cell (in every format but JSON) or an expression on one line.
std::string oneLine(std::string_view s);

/// Escapes text for HTML element content and attribute values.
std::string htmlEscape(std::string_view s);

}  // namespace tenet
