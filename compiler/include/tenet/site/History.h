/// @file History.h
/// @brief The revision history of policy files, read from the git repository
/// that holds them (with libgit2): every commit that changed each file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tenet {

struct Revision {
  std::string date;     ///< the author date, YYYY-MM-DD in UTC
  std::string author;   ///< the author's name (not the e-mail address)
  std::string summary;  ///< the first line of the commit message
  std::string commit;   ///< the abbreviated commit id (12 hex digits)
};

struct History {
  /// For each file asked about (by the path given), its revisions, newest
  /// first. A file never committed has none.
  std::map<std::string, std::vector<Revision>> revisions;
  /// The files whose working copy differs from the last commit.
  std::map<std::string, bool> uncommitted;
  /// The clone does not hold the whole history (`git clone --depth`), so
  /// older revisions are missing.
  bool shallow = false;
};

/// Reads the history of `files` from the git repository that contains the
/// first of them (searching upwards from its folder). Returns nullopt when
/// the files are not in a git repository, or it cannot be read (then `why`
/// says so, unless there is simply no repository).
std::optional<History> readHistory(const std::vector<std::string>& files, std::string& why);

}  // namespace tenet
