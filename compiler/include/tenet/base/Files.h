/// @file Files.h
/// @brief Rewriting a source file in place without ever leaving it
/// truncated or half written: `tenet fmt` and `tenet lint --fix`.
#pragma once

#include <string>
#include <string_view>

namespace tenet {

/// Replaces the file at `path` with `text`: a temporary file beside it,
/// synced to disk and given the file's permissions, then renamed over it.
/// A symbolic link is kept and the file it points to is replaced. On
/// failure the file is untouched, no temporary file is left, and `why`
/// says what went wrong.
bool replaceFileAtomically(const std::string& path, std::string_view text, std::string& why);

}  // namespace tenet
