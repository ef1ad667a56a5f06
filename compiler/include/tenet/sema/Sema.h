/// @file Sema.h
/// @brief Semantic analysis: resolves every name across files, checks
/// properties and types, and builds the Model. Keeps going after errors so
/// one run reports everything.
#pragma once

#include <memory>
#include <vector>

#include "tenet/diag/Diagnostic.h"
#include "tenet/sema/Model.h"

namespace tenet {

std::unique_ptr<Model> analyze(const SourceManager& sm, const std::vector<SourceUnit>& units,
                               DiagnosticEngine& diags);

}  // namespace tenet
