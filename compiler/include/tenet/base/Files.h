/// @file Files.h
/// @brief Rewriting a source file in place without ever leaving it
/// truncated or half written (`tenet fmt` and `tenet lint --fix`), and the
/// rule that keeps Tenet inside the folders it is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tenet {

/// Replaces the file at `path` with `text`: a temporary file beside it,
/// synced to disk and given the file's permissions, then renamed over it.
/// A symbolic link is kept and the file it points to is replaced. A file
/// nobody may write to (such as mode 0444) is refused, even where the folder
/// would allow the rename: a read-only file is never made writable or
/// replaced behind its owner's back. On failure the file is untouched, no
/// temporary file is left, and `why` says what went wrong.
bool replaceFileAtomically(const std::string& path, std::string_view text, std::string& why);

/// Writes `text` to `path` the same way, whether or not the file exists yet:
/// a new file gets mode 0644, an existing one keeps its mode. For files
/// Tenet owns, such as the language server's copy of the stdlib.
bool writeFileAtomically(const std::string& path, std::string_view text, std::string& why);

/// When `path` is a symbolic link whose target, with every link on the way
/// resolved, is not inside the folder `root`: where it leads. Otherwise
/// (not a link, or a link that stays inside `root`) nothing.
std::optional<std::string> linkLeavingFolder(const std::string& path, const std::string& root);

/// The folder a path given on the command line makes Tenet's root: the
/// folder itself, or for a file, the folder that holds it.
std::string rootOfPath(const std::string& path);

}  // namespace tenet
