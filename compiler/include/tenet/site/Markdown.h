/// @file Markdown.h
/// @brief Prose to HTML with cmark-gfm (GitHub Flavored Markdown: tables,
/// lists, strikethrough, task lists, links), made safe for publishing.
#pragma once

#include <string>
#include <string_view>

namespace tenet {

struct MarkdownOptions {
  /// Added to every heading level (capped at 6), so that a `#` heading in a
  /// section's prose sits below the section's own heading.
  int headingOffset = 0;
};

/// Renders Markdown as an HTML fragment. Raw HTML in the text is not passed
/// through (it is left out); links keep only http, https and mailto
/// addresses, in-page anchors and relative paths, and any other link (such
/// as `javascript:`) is dropped, keeping its text; images are shown as their
/// description, so the page makes no outside request.
std::string markdownToHtml(std::string_view markdown, const MarkdownOptions& options = {});

/// Prepares the Markdown renderer (cmark-gfm's extensions, registered once
/// per process). Call it before rendering on several threads at once.
void ensureMarkdownReady();

/// Escapes text so that Markdown shows it literally: `*`, `_`, `<` and
/// every other ASCII punctuation character are preceded by a backslash.
std::string markdownEscape(std::string_view text);

/// Whether a link address may be published: http, https and mailto
/// addresses, in-page anchors (`#x`) and relative paths. Anything with
/// another scheme (`javascript:`, `data:`, `file:`, `vbscript:`) is refused,
/// however it is spelt (upper case, with spaces or control characters).
bool isSafeLink(std::string_view url);

}  // namespace tenet
