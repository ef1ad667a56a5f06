// Markdown prose to safe HTML with cmark-gfm.
#include "tenet/site/Markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <vector>

namespace tenet {

bool isSafeLink(std::string_view url) {
  // Browsers ignore whitespace and control characters inside a scheme
  // ("java\tscript:"), so they are ignored here too before looking at it.
  std::string scheme;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) continue;
    if (c == ':') {
      for (char& s : scheme) s = static_cast<char>(std::tolower(static_cast<unsigned char>(s)));
      return scheme == "http" || scheme == "https" || scheme == "mailto";
    }
    if (c == '/' || c == '?' || c == '#') return true;  // relative path, query or anchor: no scheme
    scheme += c;
  }
  return true;
}

std::string markdownEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::ispunct(u)) out += '\\';
    out += c;
  }
  return out;
}

namespace {

struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

/// Replaces `node` by its children (a dropped link keeps its text).
void unwrap(cmark_node* node) {
  while (cmark_node* child = cmark_node_first_child(node)) cmark_node_insert_before(node, child);
  cmark_node_free(node);
}

/// Replaces an image by its description, as plain text.
void imageToText(cmark_node* image) {
  std::string alt;
  cmark_iter* it = cmark_iter_new(image);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev == CMARK_EVENT_ENTER && (cmark_node_get_type(n) == CMARK_NODE_TEXT || cmark_node_get_type(n) == CMARK_NODE_CODE))
      alt += cmark_node_get_literal(n);
  }
  cmark_iter_free(it);
  cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
  std::string shown = alt.empty() ? "[image]" : "[image: " + alt + "]";
  cmark_node_set_literal(text, shown.c_str());
  cmark_node_insert_before(image, text);
  cmark_node_free(image);
}

}  // namespace

void ensureMarkdownReady() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

std::string markdownToHtml(std::string_view markdown, const MarkdownOptions& options) {
  ensureMarkdownReady();
  // CMARK_OPT_DEFAULT is safe mode: raw HTML is left out, not passed through.
  const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(opts));
  for (const char* name : {"table", "strikethrough", "autolink", "tagfilter", "tasklist"})
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc(cmark_parser_finish(parser.get()));

  // Collect first, change after: the tree must not change under the iterator.
  std::vector<cmark_node*> badLinks, images, headings;
  cmark_iter* it = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_LINK: {
        const char* url = cmark_node_get_url(n);
        if (!isSafeLink(url ? url : "")) badLinks.push_back(n);
        break;
      }
      case CMARK_NODE_IMAGE: images.push_back(n); break;
      case CMARK_NODE_HEADING: headings.push_back(n); break;
      default: break;
    }
  }
  cmark_iter_free(it);
  for (cmark_node* h : headings)
    cmark_node_set_heading_level(h, std::clamp(cmark_node_get_heading_level(h) + options.headingOffset, 1, 6));
  // Images inside a dropped link go first: unwrapping keeps them as children.
  for (cmark_node* img : images) imageToText(img);
  for (auto i = badLinks.rbegin(); i != badLinks.rend(); ++i) unwrap(*i);

  char* html = cmark_render_html(doc.get(), opts, cmark_parser_get_syntax_extensions(parser.get()));
  std::string out(html ? html : "");
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

}  // namespace tenet
