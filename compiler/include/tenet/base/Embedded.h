/// @file Embedded.h
/// @brief Files compiled into the tenet binary: the stdlib's catalogues and
/// crosswalks, and the site's stylesheet.
#pragma once

#include <cstddef>
#include <vector>

namespace tenet {

struct EmbeddedFile {
  const char* name;  ///< path relative to the folder it was embedded from
  const char* data;
  std::size_t size;
};

/// The stdlib sources (stdlib/**/*.tenet).
const std::vector<EmbeddedFile>& embeddedStdlib();

/// The assets every generated site carries (compiler/src/site/assets).
const std::vector<EmbeddedFile>& embeddedSiteAssets();

}  // namespace tenet
