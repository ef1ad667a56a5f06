/// @file Site.h
/// @brief The published site: an index, one document per policy, one page
/// per framework, crosswalks, the Statement of Applicability, coverage and
/// drift, as static HTML with one stylesheet and no JavaScript.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tenet/analysis/Crosswalk.h"
#include "tenet/base/Source.h"
#include "tenet/diag/Diagnostic.h"
#include "tenet/eval/Drift.h"
#include "tenet/sema/Model.h"
#include "tenet/site/History.h"

namespace tenet {

/// One file of the site, by its path inside the output folder.
struct SiteFile {
  std::string path;
  std::string content;
};

struct SiteInput {
  const Model* model = nullptr;
  const SourceManager* sources = nullptr;
  const CrosswalkGraph* graph = nullptr;
  const DriftReport* drift = nullptr;       ///< the controls evaluated as of the report's date
  const DiagnosticEngine* problems = nullptr;  ///< what evaluating found (expired exceptions, overdue reviews)
  const History* history = nullptr;         ///< null outside a git repository
  std::string toolVersion;
  /// The project's folder: file paths on the pages are written relative to
  /// it, so that the site does not depend on where it was built.
  std::string projectRoot;
};

/// Renders every page. The result depends only on the input: the same
/// project, facts, date and history give the same bytes. Files are listed
/// in a fixed order, each path made of safe characters only.
std::vector<SiteFile> renderSite(const SiteInput& input);

/// A file name for an identifier: letters, digits, `_` and `-` are kept,
/// every other byte is written as `~XX` (hexadecimal), and a name that would
/// be too long is cut and given a checksum. The result never contains `/`
/// or `..`, so it stays inside the site's folder.
std::string fileSlug(std::string_view name);

}  // namespace tenet
