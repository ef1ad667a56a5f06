/// @file Loader.h
/// @brief Reads the file behind each facts block and checks it against the
/// declared schema. Every problem is reported at the facts file's own line
/// and column, with a note at the schema declaration it violates.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tenet/diag/Diagnostic.h"
#include "tenet/facts/FactStore.h"
#include "tenet/sema/Model.h"

namespace tenet {

struct LoadedFacts {
  const Facts* facts = nullptr;
  std::string path;                    ///< the file read, as shown to users
  bool missing = false;                ///< the file does not exist: checks on it are unknown
  bool invalid = false;                ///< the file could not be used: checks on it are unknown
  std::unique_ptr<FactStore> store;    ///< set when the file was read and matched its schema
};

struct FactsOptions {
  std::string projectRoot = ".";           ///< `source` paths are relative to it
  std::optional<std::string> factsDir;     ///< --facts-dir: read `source` file names from here instead
  std::size_t maxFileBytes = std::size_t(2) << 30;
};

/// Loads every facts block of the model. Files are added to `sm` only when
/// a problem in them is reported, so a large clean export is never copied.
std::map<std::string, LoadedFacts> loadAllFacts(const Model& model, SourceManager& sm, DiagnosticEngine& diags,
                                                const FactsOptions& options);

/// Loads one facts file given as text (for tests and editors); `path` names
/// it in diagnostics and chooses JSON or YAML by its extension.
LoadedFacts loadFactsText(const Facts& facts, const std::string& path, std::string text, SourceManager& sm,
                          DiagnosticEngine& diags);

}  // namespace tenet
