// The built-in stdlib catalogues and crosswalks, checked against the reference data they were written from.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../Support.h"
#include "tenet/analysis/Crosswalk.h"

using namespace tenet;
using namespace tenet::test;
namespace fs = std::filesystem;

namespace {

using IdSet = std::set<std::string>;

// ---------------------------------------------------------------------------
// A small CSV reader (RFC 4180): quoted fields may hold commas, line breaks
// and doubled quotes; lines may end in LF or CRLF.

struct CsvParse {
  std::vector<std::vector<std::string>> records;
  std::string error;  ///< empty when the text parsed
};

CsvParse parseCsv(std::string_view text) {
  CsvParse out;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool wasQuoted = false;   // the current field was quoted (only a separator may follow)
  bool any = false;         // the current record has begun
  auto endField = [&] {
    record.push_back(std::move(field));
    field.clear();
    wasQuoted = false;
  };
  auto endRecord = [&] {
    endField();
    out.records.push_back(std::move(record));
    record.clear();
    any = false;
  };
  std::size_t line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
          wasQuoted = true;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == ',') {
      endField();
      any = true;
    } else if (ch == '\n' || (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (ch == '\r') ++i;
      endRecord();
      ++line;
    } else if (ch == '"' && field.empty() && !wasQuoted) {
      quoted = true;
      any = true;
    } else if (wasQuoted) {
      out.error = "line " + std::to_string(line) + ": text after a closing quote";
      return out;
    } else {
      field += ch;
      any = true;
    }
  }
  if (quoted) {
    out.error = "line " + std::to_string(line) + ": unterminated quoted field";
    return out;
  }
  if (any || !field.empty() || wasQuoted) endRecord();
  return out;
}

/// A CSV file of the refdata, its rows keyed by the names in its header.
struct Csv {
  std::string name;
  std::vector<std::map<std::string, std::string>> rows;
};

fs::path refdataDir() { return fs::path(TENET_SOURCE_DIR "/../shared/refdata").lexically_normal(); }

/// Reads a refdata CSV file. A missing folder or file, a malformed file or a
/// missing column fails the test: these checks are never skipped.
Csv loadCsv(const std::string& name, const std::vector<std::string>& columns) {
  fs::path dir = refdataDir();
  if (!fs::is_directory(dir))
    FAIL("the refdata folder " << dir.string()
                               << " does not exist: the stdlib catalogue tests need the reference data they are"
                                  " checked against (TENET_SOURCE_DIR/../shared/refdata)");
  fs::path path = dir / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) FAIL("refdata file " << path.string() << " is missing or unreadable");
  std::stringstream ss;
  ss << in.rdbuf();
  CsvParse parsed = parseCsv(ss.str());
  if (!parsed.error.empty()) FAIL("refdata file " << path.string() << " is not valid CSV: " << parsed.error);
  if (parsed.records.empty()) FAIL("refdata file " << path.string() << " is empty");
  const auto& header = parsed.records.front();
  for (const auto& c : columns)
    if (std::find(header.begin(), header.end(), c) == header.end())
      FAIL("refdata file " << path.string() << " has no column '" << c << "'");
  Csv csv{name, {}};
  for (std::size_t i = 1; i < parsed.records.size(); ++i) {
    const auto& rec = parsed.records[i];
    if (rec.size() == 1 && rec[0].empty()) continue;  // blank line
    if (rec.size() != header.size())
      FAIL("refdata file " << path.string() << ", record " << i + 1 << ": " << rec.size() << " fields, header has "
                           << header.size());
    std::map<std::string, std::string> row;
    for (std::size_t j = 0; j < header.size(); ++j) row[header[j]] = rec[j];
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

// ---------------------------------------------------------------------------
// Comparing what the stdlib says with what the refdata says.

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string s;
  for (const auto& i : items) {
    if (!s.empty()) s += sep;
    s += i;
  }
  return s.empty() ? "(none)" : s;
}

std::string join(const IdSet& items) { return join(std::vector<std::string>(items.begin(), items.end())); }

/// Checks two sets are equal, listing what each lacks when they are not.
void checkSameSet(const std::string& what, const IdSet& refdata, const IdSet& stdlib) {
  IdSet missing, extra;
  std::set_difference(refdata.begin(), refdata.end(), stdlib.begin(), stdlib.end(),
                      std::inserter(missing, missing.end()));
  std::set_difference(stdlib.begin(), stdlib.end(), refdata.begin(), refdata.end(), std::inserter(extra, extra.end()));
  INFO(what << "\n  in the refdata but not the stdlib (" << missing.size() << "): " << join(missing)
            << "\n  in the stdlib but not the refdata (" << extra.size() << "): " << join(extra));
  CHECK(missing.empty());
  CHECK(extra.empty());
}

/// Checks that a list of problems found is empty, listing them when it is not.
void checkNone(const std::string& what, const std::vector<std::string>& problems) {
  INFO(what << " (" << problems.size() << "):\n  " << join(problems, "\n  "));
  CHECK(problems.empty());
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string groupId(const GroupDecl* g) { return g->id.value; }
std::string groupTitle(const GroupDecl* g) { return g->title ? g->title->value : std::string(); }

/// "id: stdlib says X, refdata says Y" when they differ.
void compareText(std::vector<std::string>& problems, const std::string& id, const std::string& what,
                 const std::string& stdlib, const std::string& refdata) {
  if (stdlib != refdata)
    problems.push_back(id + ": " + what + " is " + quoted(stdlib) + " in the stdlib, " + quoted(refdata) +
                       " in the refdata");
}

/// The stdlib compiled once with an empty project; its model is shared by all tests here.
const Model& stdlibModel() {
  static const Compilation c = compile({{"x.tenet", ""}});
  INFO("diagnostics: " << join(codes(c)));
  REQUIRE(c.model());
  REQUIRE(codes(c).empty());
  return *c.model();
}

const Framework& framework(const Model& m, const char* name) {
  const Framework* fw = m.framework(name);
  if (!fw) FAIL("the stdlib has no framework '" << name << "'");
  return *fw;
}

IdSet requirementIds(const Framework& fw, const char* prefix = "") {
  IdSet ids;
  for (const auto& r : fw.requirements)
    if (r->id.rfind(prefix, 0) == 0) ids.insert(r->id);
  return ids;
}

IdSet groupIds(const Framework& fw) {
  IdSet ids;
  for (const auto& [id, _] : fw.groups) ids.insert(id);
  return ids;
}

IdSet column(const Csv& csv, const std::string& col) {
  IdSet ids;
  for (const auto& row : csv.rows) ids.insert(row.at(col));
  return ids;
}

/// Checks the management-system clauses of an ISO/IEC 27001 edition: level-1
/// clauses are groups with the CSV title and not requirements; deeper clauses
/// are requirements with the CSV title, inside their level-1 clause. Returns
/// the ids of the level-1 clauses and of the deeper ones.
std::pair<IdSet, IdSet> checkClauses(const Framework& fw, const Csv& clauses) {
  std::map<std::string, std::string> parent;
  for (const auto& row : clauses.rows) parent[row.at("id")] = row.at("parent");
  auto root = [&](std::string id) {
    for (int guard = 0; guard < 10 && !parent[id].empty(); ++guard) id = parent[id];
    return id;
  };
  IdSet top, deeper;
  std::vector<std::string> problems;
  for (const auto& row : clauses.rows) {
    const std::string& id = row.at("id");
    int level = std::stoi(row.at("level"));
    if (level <= 1) {
      top.insert(id);
      auto g = fw.groups.find(id);
      if (g == fw.groups.end()) problems.push_back("clause " + id + " is not a group");
      else compareText(problems, "clause " + id, "the group title", groupTitle(g->second), row.at("title"));
      if (fw.find(id)) problems.push_back("clause " + id + " is a requirement; level-1 clauses are groups");
      continue;
    }
    deeper.insert(id);
    const Requirement* r = fw.find(id);
    if (!r) {
      problems.push_back("clause " + id + " is not a requirement");
      continue;
    }
    compareText(problems, "clause " + id, "the title", r->title, row.at("title"));
    std::string outer = r->groups.empty() ? "(no group)" : groupId(r->groups.front());
    compareText(problems, "clause " + id, "the outermost group", outer, root(id));
  }
  checkNone(fw.name + ": clause discrepancies", problems);
  IdSet stdlibClauses;
  for (const auto& r : fw.requirements)
    if (r->id.rfind("A.", 0) != 0) stdlibClauses.insert(r->id);
  checkSameSet(fw.name + ": clause requirements (level 2 and deeper)", deeper, stdlibClauses);
  return {top, deeper};
}

/// `A.` prefixed, as the stdlib writes Annex A controls.
std::string annexA(std::string id) { return id.rfind("A.", 0) == 0 ? id : "A." + id; }

std::string pairText(const std::string& a, const std::string& b) { return a + " -> " + b; }

}  // namespace

TEST_CASE("the refdata CSV reader handles quotes, commas and line ends", "[stdlib]") {
  auto p = parseCsv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",,\"\"\n");
  REQUIRE(p.error.empty());
  REQUIRE(p.records.size() == 3);
  CHECK(p.records[0] == std::vector<std::string>{"a", "b", "c"});
  CHECK(p.records[1] == std::vector<std::string>{"x, y", "say \"hi\"", ""});
  CHECK(p.records[2] == std::vector<std::string>{"two\nlines", "", ""});
  CHECK(parseCsv("a\nb").records.size() == 2);
  CHECK_FALSE(parseCsv("\"open,x\n").error.empty());
  CHECK_FALSE(parseCsv("\"a\"b,c\n").error.empty());
}

TEST_CASE("ISO/IEC 27001:2022 matches the refdata", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& fw = framework(m, "iso27001");
  Csv annex = loadCsv("iso27001-2022-annexa.csv", {"id", "control_no", "theme", "title", "new_in_2022"});
  Csv themes = loadCsv("iso27001-2022-themes.csv", {"clause", "theme", "name_27002", "control_count"});
  Csv clauses = loadCsv("iso27001-2022-clauses.csv", {"id", "parent", "level", "title"});
  REQUIRE(annex.rows.size() == 93);
  REQUIRE(themes.rows.size() == 4);

  IdSet csvIds = column(annex, "id");
  REQUIRE(csvIds.size() == 93);
  checkSameSet("iso27001: Annex A controls", csvIds, requirementIds(fw, "A."));

  std::map<std::string, const std::map<std::string, std::string>*> theme;
  for (const auto& row : themes.rows) theme[row.at("theme")] = &row;
  std::vector<std::string> problems;
  for (const auto& row : annex.rows) {
    const std::string& id = row.at("id");
    const Requirement* r = fw.find(id);
    if (!r) continue;  // reported by the set comparison
    compareText(problems, id, "the title", r->title, row.at("title"));
    auto t = theme.find(row.at("theme"));
    if (t == theme.end()) {
      problems.push_back(id + ": theme '" + row.at("theme") + "' is not in iso27001-2022-themes.csv");
      continue;
    }
    if (r->groups.empty()) {
      problems.push_back(id + ": in no group");
      continue;
    }
    compareText(problems, id, "the outermost group id", groupId(r->groups.front()), "A." + t->second->at("clause"));
    compareText(problems, id, "the outermost group title", groupTitle(r->groups.front()),
                t->second->at("name_27002"));
  }
  checkNone("iso27001: Annex A discrepancies", problems);

  // Counts per theme: from the themes file, the controls file and the stdlib.
  const std::map<std::string, std::size_t> expected{{"5", 37}, {"6", 8}, {"7", 14}, {"8", 34}};
  for (const auto& row : themes.rows) {
    const std::string& clause = row.at("clause");
    INFO("theme " << row.at("theme") << " (A." << clause << ")");
    REQUIRE(expected.count(clause) == 1);
    std::size_t want = expected.at(clause);
    CHECK(std::stoul(row.at("control_count")) == want);
    std::size_t inCsv = 0, inStdlib = 0;
    for (const auto& a : annex.rows) inCsv += a.at("theme") == row.at("theme");
    for (const auto& r : fw.requirements) inStdlib += !r->groups.empty() && groupId(r->groups.front()) == "A." + clause;
    CHECK(inCsv == want);
    CHECK(inStdlib == want);
  }

  auto [top, deeper] = checkClauses(fw, clauses);
  CHECK(top.size() == 7);
  CHECK(deeper.size() == 34);
  IdSet all = csvIds;
  all.insert(deeper.begin(), deeper.end());
  checkSameSet("iso27001: every requirement", all, requirementIds(fw));
  IdSet groups = top;
  for (const auto& row : themes.rows) groups.insert("A." + row.at("clause"));
  checkSameSet("iso27001: every group", groups, groupIds(fw));
}

TEST_CASE("ISO/IEC 27001:2013 matches the refdata", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& fw = framework(m, "iso27001_2013");
  Csv annex = loadCsv("iso27001-2013-annexa.csv", {"id", "domain_id", "domain", "objective_id", "objective", "title"});
  Csv clauses = loadCsv("iso27001-2013-clauses.csv", {"id", "parent", "level", "title"});
  REQUIRE(annex.rows.size() == 114);

  IdSet csvIds = column(annex, "id");
  REQUIRE(csvIds.size() == 114);
  checkSameSet("iso27001_2013: Annex A controls", csvIds, requirementIds(fw, "A."));

  std::vector<std::string> problems;
  IdSet domains, objectives, stdlibDomains, stdlibObjectives;
  for (const auto& row : annex.rows) {
    const std::string& id = row.at("id");
    domains.insert(row.at("domain_id"));
    objectives.insert(row.at("objective_id"));
    const Requirement* r = fw.find(id);
    if (!r) continue;  // reported by the set comparison
    compareText(problems, id, "the title", r->title, row.at("title"));
    if (r->groups.size() != 2) {
      problems.push_back(id + ": in " + std::to_string(r->groups.size()) + " groups, not a domain and an objective");
      continue;
    }
    stdlibDomains.insert(groupId(r->groups[0]));
    stdlibObjectives.insert(groupId(r->groups[1]));
    compareText(problems, id, "the domain group id", groupId(r->groups[0]), row.at("domain_id"));
    compareText(problems, id, "the domain group title", groupTitle(r->groups[0]), row.at("domain"));
    compareText(problems, id, "the objective group id", groupId(r->groups[1]), row.at("objective_id"));
    compareText(problems, id, "the objective group title", groupTitle(r->groups[1]), row.at("objective"));
  }
  checkNone("iso27001_2013: Annex A discrepancies", problems);
  CHECK(domains.size() == 14);
  CHECK(objectives.size() == 35);
  checkSameSet("iso27001_2013: Annex A domains", domains, stdlibDomains);
  checkSameSet("iso27001_2013: Annex A control objectives", objectives, stdlibObjectives);

  auto [top, deeper] = checkClauses(fw, clauses);
  CHECK(top.size() == 7);
  CHECK(deeper.size() == 28);
  IdSet all = csvIds;
  all.insert(deeper.begin(), deeper.end());
  checkSameSet("iso27001_2013: every requirement", all, requirementIds(fw));
  IdSet groups = top;
  groups.insert(domains.begin(), domains.end());
  groups.insert(objectives.begin(), objectives.end());
  checkSameSet("iso27001_2013: every group", groups, groupIds(fw));
}

TEST_CASE("SOC 2 matches the refdata", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& fw = framework(m, "soc2");
  Csv criteria = loadCsv("soc2-tsc-2017.csv", {"id", "category", "series", "short_title"});
  Csv series = loadCsv("soc2-tsc-2017-series.csv", {"series", "category", "series_name", "criteria_count"});
  REQUIRE(criteria.rows.size() == 61);
  REQUIRE(series.rows.size() == 20);

  IdSet csvIds = column(criteria, "id");
  REQUIRE(csvIds.size() == 61);
  checkSameSet("soc2: criteria", csvIds, requirementIds(fw));
  CHECK(requirementIds(fw, "CC").size() == 33);

  std::map<std::string, const std::map<std::string, std::string>*> seriesRow;
  for (const auto& row : series.rows) seriesRow[row.at("series")] = &row;
  std::vector<std::string> problems;
  std::map<std::string, std::size_t> perSeries;
  for (const auto& row : criteria.rows) {
    const std::string& id = row.at("id");
    const Requirement* r = fw.find(id);
    if (!r) continue;  // reported by the set comparison
    compareText(problems, id, "the title", r->title, row.at("short_title"));
    auto s = seriesRow.find(row.at("series"));
    if (s == seriesRow.end()) {
      problems.push_back(id + ": series '" + row.at("series") + "' is not in soc2-tsc-2017-series.csv");
      continue;
    }
    if (r->groups.size() != 2) {
      problems.push_back(id + ": in " + std::to_string(r->groups.size()) + " groups, not a category and a series");
      continue;
    }
    ++perSeries[groupId(r->groups[1])];
    // The category's group is named by the series without its number: CC, A, C, PI, P.
    std::string category = row.at("series");
    while (!category.empty() && std::isdigit(static_cast<unsigned char>(category.back()))) category.pop_back();
    compareText(problems, id, "the category group id", groupId(r->groups[0]), category);
    compareText(problems, id, "the category group title", groupTitle(r->groups[0]), row.at("category"));
    compareText(problems, id, "the series group id", groupId(r->groups[1]), row.at("series"));
    compareText(problems, id, "the series group title", groupTitle(r->groups[1]), s->second->at("series_name"));
  }
  for (const auto& row : series.rows)
    if (perSeries[row.at("series")] != std::stoul(row.at("criteria_count")))
      problems.push_back("series " + row.at("series") + " holds " + std::to_string(perSeries[row.at("series")]) +
                         " criteria in the stdlib, " + row.at("criteria_count") + " in the refdata");
  checkNone("soc2: discrepancies", problems);

  for (const char* bogus : {"CC6.9", "CC6.10", "CC8.2", "CC8.3", "CC9.9"}) {
    INFO(bogus << " is not a Trust Services Criterion");
    CHECK(fw.find(bogus) == nullptr);
  }
}

TEST_CASE("NIST CSF 2.0 matches the refdata", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& fw = framework(m, "nist_csf");
  Csv csf = loadCsv("nist-csf-2.0.csv", {"id", "level", "function", "category", "name", "statement"});
  REQUIRE(csf.rows.size() == 134);

  IdSet functions, categories, subcategories;
  std::map<std::string, std::string> names;  // function and category names
  for (const auto& row : csf.rows) {
    const std::string& level = row.at("level");
    if (level == "function") functions.insert(row.at("id"));
    else if (level == "category") categories.insert(row.at("id"));
    else if (level == "subcategory") subcategories.insert(row.at("id"));
    else FAIL("nist-csf-2.0.csv: row " << row.at("id") << " has unknown level '" << level << "'");
    names[row.at("id")] = row.at("name");
  }
  REQUIRE(functions.size() == 6);
  REQUIRE(categories.size() == 22);
  REQUIRE(subcategories.size() == 106);
  checkSameSet("nist_csf: subcategories", subcategories, requirementIds(fw));
  IdSet groups = functions;
  groups.insert(categories.begin(), categories.end());
  checkSameSet("nist_csf: functions and categories", groups, groupIds(fw));

  std::vector<std::string> problems;
  for (const auto& row : csf.rows) {
    if (row.at("level") != "subcategory") continue;
    const std::string& id = row.at("id");
    const Requirement* r = fw.find(id);
    if (!r) continue;  // reported by the set comparison
    compareText(problems, id, "the title", r->title, row.at("statement"));
    if (r->groups.size() != 2) {
      problems.push_back(id + ": in " + std::to_string(r->groups.size()) + " groups, not a function and a category");
      continue;
    }
    compareText(problems, id, "the function group id", groupId(r->groups[0]), row.at("function"));
    compareText(problems, id, "the function group title", groupTitle(r->groups[0]), names[row.at("function")]);
    compareText(problems, id, "the category group id", groupId(r->groups[1]), row.at("category"));
    compareText(problems, id, "the category group title", groupTitle(r->groups[1]), names[row.at("category")]);
  }
  checkNone("nist_csf: discrepancies", problems);

  std::vector<std::string> csf11;
  for (const auto& r : fw.requirements)
    for (const char* old : {"PR.AC", "PR.IP", "DE.DP"})
      if (r->id.rfind(old, 0) == 0) csf11.push_back(r->id);
  for (const auto& [id, _] : fw.groups)
    for (const char* old : {"PR.AC", "PR.IP", "DE.DP"})
      if (id.rfind(old, 0) == 0) csf11.push_back("group " + id);
  checkNone("nist_csf: CSF 1.1 identifiers", csf11);
}

TEST_CASE("every SOC 2 criterion written in the stdlib exists", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& soc2 = framework(m, "soc2");
  fs::path dir = fs::path(TENET_SOURCE_DIR) / "stdlib";
  REQUIRE(fs::is_directory(dir));
  const std::regex soc2Id(R"(\b(CC[1-9]\.[0-9]+|A1\.[0-9]+|C1\.[0-9]+|PI1\.[0-9]+|P[1-8]\.[0-9]+)\b)");
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".tenet") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 7);
  std::size_t seen = 0;
  std::vector<std::string> unknown;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::size_t line = 1, pos = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), soc2Id), end; it != end; ++it) {
      auto at = static_cast<std::size_t>(it->position(0));
      line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                                  text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
      pos = at;
      ++seen;
      if (!soc2.find(it->str(1)))
        unknown.push_back(fs::relative(path, TENET_SOURCE_DIR).string() + ":" + std::to_string(line) + ": " +
                          it->str(1));
    }
  }
  CHECK(seen > 61);  // the soc2 catalogue alone names all 61
  checkNone("SOC 2-looking ids in stdlib/ that are not criteria", unknown);
}

TEST_CASE("the ISO/IEC 27001:2013 to 2022 crosswalk follows the official correspondence", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& iso2013 = framework(m, "iso27001_2013");
  const Framework& iso2022 = framework(m, "iso27001");
  Csv table = loadCsv("iso27002-2013-to-2022.csv", {"id2013", "id2022", "kind"});
  Csv annex = loadCsv("iso27001-2022-annexa.csv", {"id", "new_in_2022"});
  REQUIRE(table.rows.size() == 126);

  CrosswalkGraph graph(m);
  REQUIRE_FALSE(graph.crosswalksBetween(iso2013, iso2022).empty());
  std::set<std::pair<std::string, std::string>> related;
  std::vector<std::string> derived;
  for (const Mapping& mp : graph.mappings(iso2013, iso2022)) {
    related.insert({mp.from->id, mp.to->id});
    if (mp.derived()) derived.push_back(pairText(mp.from->id, mp.to->id));
  }
  checkNone("iso27001_2013 -> iso27001: derived rather than written relations", derived);

  std::vector<std::string> missing, unknownIds;
  std::size_t pairs = 0;
  for (const auto& row : table.rows) {
    if (row.at("id2013").empty() || row.at("id2022").empty()) continue;
    std::string from = annexA(row.at("id2013")), to = annexA(row.at("id2022"));
    ++pairs;
    if (!iso2013.find(from)) unknownIds.push_back("2013 " + from);
    if (!iso2022.find(to)) unknownIds.push_back("2022 " + to);
    if (!related.count({from, to})) missing.push_back(pairText(from, to) + " (" + row.at("kind") + ")");
  }
  CHECK(pairs == 115);
  checkNone("iso27002-2013-to-2022.csv ids that are not in the catalogues", unknownIds);
  checkNone("official correspondences with no relation in the crosswalk", missing);

  std::vector<std::string> noGap;
  std::size_t fresh = 0;
  for (const auto& row : annex.rows) {
    if (row.at("new_in_2022") != "yes") continue;
    ++fresh;
    const Requirement* r = iso2022.find(row.at("id"));
    if (!r) noGap.push_back(row.at("id") + " (not in the catalogue)");
    else if (!graph.gap(r, iso2013)) noGap.push_back(row.at("id"));
  }
  CHECK(fresh == 11);
  checkNone("controls new in 2022 with no stated gap against 2013", noGap);
}

TEST_CASE("the NIST CSF 2.0 crosswalk holds NIST's informative references", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& csf = framework(m, "nist_csf");
  const Framework& iso = framework(m, "iso27001");
  Csv refs = loadCsv("map-nist-csf-2.0-iso27001-2022.csv", {"csf_id", "iso_id", "iso_kind"});
  REQUIRE(refs.rows.size() == 341);

  CrosswalkGraph graph(m);
  REQUIRE_FALSE(graph.crosswalksBetween(csf, iso).empty());
  std::map<std::pair<std::string, std::string>, const Mapping*> related;
  auto mappings = graph.mappings(csf, iso);
  for (const Mapping& mp : mappings) related[{mp.from->id, mp.to->id}] = &mp;

  std::vector<std::string> missing, badRows, notIntersects;
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& row : refs.rows) {
    std::string isoId = row.at("iso_id");
    const std::string& kind = row.at("iso_kind");
    if (kind == "annexA") isoId = annexA(isoId);
    else if (kind != "clause" || isoId.rfind("A.", 0) == 0)
      badRows.push_back(row.at("csf_id") + "," + row.at("iso_id") + "," + kind);
    if (!csf.find(row.at("csf_id"))) badRows.push_back(row.at("csf_id") + " is not a CSF 2.0 subcategory");
    if (!iso.find(isoId)) badRows.push_back(isoId + " is not in iso27001");
    expected.insert({row.at("csf_id"), isoId});
    if (!related.count({row.at("csf_id"), isoId})) missing.push_back(pairText(row.at("csf_id"), isoId));
  }
  checkNone("map-nist-csf-2.0-iso27001-2022.csv rows that do not fit the catalogues", badRows);
  checkNone("informative references with no relation in the crosswalk", missing);
  for (const Mapping& mp : mappings)
    if (mp.kind != RelationKind::Intersects || mp.derived())
      notIntersects.push_back(pairText(mp.from->id, mp.to->id) + " " + std::string(relationName(mp.kind)) +
                              (mp.derived() ? " (derived)" : ""));
  checkNone("NIST relations that are not written as intersects", notIntersects);
  std::vector<std::string> extra;
  for (const Mapping& mp : mappings)
    if (!expected.count({mp.from->id, mp.to->id})) extra.push_back(pairText(mp.from->id, mp.to->id));
  checkNone("NIST relations that are not informative references in the refdata", extra);
  CHECK(expected.size() == 341);
}

TEST_CASE("the ISO/IEC 27001:2022 to SOC 2 crosswalk accounts for every criterion", "[stdlib]") {
  const Model& m = stdlibModel();
  const Framework& iso = framework(m, "iso27001");
  const Framework& soc2 = framework(m, "soc2");
  Csv criteria = loadCsv("soc2-tsc-2017.csv", {"id"});
  REQUIRE(criteria.rows.size() == 61);

  CrosswalkGraph graph(m);
  REQUIRE_FALSE(graph.crosswalksBetween(iso, soc2).empty());
  IdSet related;
  std::vector<std::string> derived;
  for (const Mapping& mp : graph.mappings(iso, soc2)) {
    related.insert(mp.to->id);
    if (mp.derived()) derived.push_back(pairText(mp.from->id, mp.to->id));
  }
  checkNone("iso27001 -> soc2: derived rather than written relations", derived);

  std::vector<std::string> unaccounted;
  std::size_t withRelation = 0, withGap = 0;
  for (const auto& row : criteria.rows) {
    const Requirement* r = soc2.find(row.at("id"));
    if (!r) {
      unaccounted.push_back(row.at("id") + " (not in the catalogue)");
      continue;
    }
    bool rel = related.count(r->id) > 0;
    bool gap = graph.gap(r, iso) != nullptr;
    withRelation += rel;
    withGap += gap;
    if (!rel && !gap) unaccounted.push_back(r->id);
  }
  INFO(withRelation << " criteria have a relation, " << withGap << " a stated gap");
  checkNone("SOC 2 criteria neither related nor stated as a gap", unaccounted);
}
