/// @file Output.h
/// @brief Writes a generated site into place as a whole: into a temporary
/// folder beside the target first, then swapped in, so that a failed or
/// interrupted build leaves the previous site as it was.
#pragma once

#include <string>
#include <vector>

#include "tenet/site/Site.h"

namespace tenet {

/// The file that marks a folder as written by `tenet build`. A build only
/// ever replaces a folder that is missing, empty or marked so: it never
/// deletes a folder of other files given by mistake.
inline constexpr const char* kSiteMarker = ".tenet-site";

/// Writes `files` as the folder `dir`, replacing a previous site there.
/// Returns false with `error` set (for people) when it could not; the
/// previous site is then untouched and nothing is left behind. Temporary
/// folders left by a build that was killed are removed.
bool writeSite(const std::string& dir, const std::vector<SiteFile>& files, std::string& error);

/// Whether `path` is a relative path of safe names (letters, digits, `.`,
/// `_`, `-`, `~`; no empty, `.` or `..` part, no name starting with `.`
/// except the marker): one that stays inside the site's folder.
bool isSafeSitePath(const std::string& path);

/// Whether the folder `dir` is `path` or holds it, at any depth, links
/// resolved: `tenet build` refuses to write its site over its own sources.
bool folderHolds(const std::string& dir, const std::string& path);

}  // namespace tenet
