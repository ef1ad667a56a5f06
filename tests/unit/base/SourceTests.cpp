// Line tables, columns in code points and UTF-16, UTF-8 validation, and
// rewriting files in place.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tenet/base/Files.h"
#include "tenet/base/Source.h"

using namespace tenet;

TEST_CASE("line and column of byte offsets", "[base]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "ab\ncd\n\nef");
  CHECK(sm.lineCol(f, 0).line == 1);
  CHECK(sm.lineCol(f, 1).col == 2);
  CHECK(sm.lineCol(f, 3).line == 2);
  CHECK(sm.lineCol(f, 3).col == 1);
  CHECK(sm.lineCol(f, 7).line == 4);
  CHECK(sm.lineText(f, 2) == "cd");
  CHECK(sm.lineText(f, 3).empty());
  CHECK(sm.lineText(f, 4) == "ef");
}

TEST_CASE("CRLF and lone CR end lines", "[base]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "ab\r\ncd\ref");
  CHECK(sm.lineCol(f, 4).line == 2);
  CHECK(sm.lineCol(f, 7).line == 3);
  CHECK(sm.lineText(f, 1) == "ab");
  CHECK(sm.lineText(f, 2) == "cd");
}

TEST_CASE("the byte order mark is removed on load", "[base]") {
  SourceManager sm;
  FileId f = sm.add("a.tenet", "\xEF\xBB\xBFrole x");
  CHECK(sm.file(f).hadBom);
  CHECK(sm.file(f).text == "role x");
  CHECK(sm.lineCol(f, 5).col == 6);
}

TEST_CASE("columns count code points; UTF-16 positions count surrogate pairs", "[base]") {
  SourceManager sm;
  // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units.
  FileId f = sm.add("a.tenet", "\xC3\xA9\xF0\x9F\x98\x80x");
  CHECK(sm.lineCol(f, 6).col == 3);
  CHECK(sm.utf16Position(f, 2).col == 1);
  CHECK(sm.utf16Position(f, 6).col == 3);
  CHECK(sm.offsetOfUtf16(f, 0, 3) == 6);
  CHECK(sm.offsetOfUtf16(f, 0, 1) == 2);
  CHECK(sm.offsetOfUtf16(f, 5, 0) == sm.file(f).text.size());
}

TEST_CASE("invalid UTF-8 is found at its first byte", "[base]") {
  CHECK_FALSE(findInvalidUtf8("plain ascii").has_value());
  CHECK_FALSE(findInvalidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80").has_value());
  CHECK(findInvalidUtf8("ab\xFF").value() == 2);
  CHECK(findInvalidUtf8("ab\xC3").value() == 2);            // truncated sequence
  CHECK(findInvalidUtf8("\xC0\xAF").value() == 0);          // overlong '/'
  CHECK(findInvalidUtf8("x\xED\xA0\x80").value() == 1);     // UTF-16 surrogate
  CHECK(findInvalidUtf8("\xF4\x90\x80\x80").value() == 0);  // beyond U+10FFFF
}

// Rewriting files in place, and where symbolic links lead (Files.h).
namespace {

namespace fs = std::filesystem;

struct FilesTempDir {
  fs::path path;
  FilesTempDir() {
    std::string templ = (fs::temp_directory_path() / "tenet-files-test-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = fs::canonical(templ);
  }
  ~FilesTempDir() {
    std::error_code ec;
    fs::permissions(path / "ro.tenet", fs::perms::owner_all, ec);
    fs::remove_all(path, ec);
  }
};

void writeText(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string readText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("A file is replaced whole and keeps its mode", "[base]") {
  FilesTempDir tmp;
  fs::path file = tmp.path / "a.tenet";
  writeText(file, "old");
  ::chmod(file.c_str(), 0751);
  std::string why;
  REQUIRE(replaceFileAtomically(file.string(), "new text", why));
  CHECK(readText(file) == "new text");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0751);
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()) == 1);  // no temporary left
}

TEST_CASE("A file Tenet owns is written whole, new or not", "[base]") {
  FilesTempDir tmp;
  fs::path file = tmp.path / "cache.tenet";
  std::string why;
  REQUIRE(writeFileAtomically(file.string(), "first", why));
  CHECK(readText(file) == "first");
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);
  ::chmod(file.c_str(), 0600);
  REQUIRE(writeFileAtomically(file.string(), "second", why));
  CHECK(readText(file) == "second");
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()) == 1);
  CHECK_FALSE(writeFileAtomically((tmp.path / "no-such-folder" / "x").string(), "x", why));
  CHECK_FALSE(why.empty());
}

TEST_CASE("A read-only file is not replaced", "[base]") {
  FilesTempDir tmp;
  fs::path file = tmp.path / "ro.tenet";
  writeText(file, "old");
  ::chmod(file.c_str(), 0444);
  std::string why;
  CHECK_FALSE(replaceFileAtomically(file.string(), "new", why));
  CHECK(why.find("read-only") != std::string::npos);
  CHECK(readText(file) == "old");
  CHECK(std::distance(fs::directory_iterator(tmp.path), fs::directory_iterator()) == 1);
}

TEST_CASE("A link through which a file is replaced stays a link", "[base]") {
  FilesTempDir tmp;
  writeText(tmp.path / "store" / "t.tenet", "old");
  fs::create_symlink("store/t.tenet", tmp.path / "link.tenet");
  std::string why;
  REQUIRE(replaceFileAtomically((tmp.path / "link.tenet").string(), "new", why));
  CHECK(fs::is_symlink(tmp.path / "link.tenet"));
  CHECK(readText(tmp.path / "store" / "t.tenet") == "new");
}

TEST_CASE("Links that lead out of a folder are recognised", "[base]") {
  FilesTempDir tmp;
  fs::path proj = tmp.path / "proj";
  writeText(proj / "a.tenet", "a");
  writeText(proj / "sub" / "b.tenet", "b");
  writeText(tmp.path / "outside" / "s.tenet", "s");
  fs::create_symlink("sub/b.tenet", proj / "in.tenet");
  fs::create_symlink("../outside/s.tenet", proj / "out.tenet");
  fs::create_symlink(tmp.path / "outside" / "s.tenet", proj / "abs.tenet");
  fs::create_symlink("in.tenet", proj / "chain-in.tenet");
  fs::create_symlink("out.tenet", proj / "chain-out.tenet");
  fs::create_symlink("../proj/a.tenet", proj / "back-in.tenet");  // leaves and comes back
  fs::create_symlink("../outside/missing.tenet", proj / "dangling.tenet");
  std::string root = proj.string();
  CHECK_FALSE(linkLeavingFolder((proj / "a.tenet").string(), root));  // not a link
  CHECK_FALSE(linkLeavingFolder((proj / "in.tenet").string(), root));
  CHECK_FALSE(linkLeavingFolder((proj / "chain-in.tenet").string(), root));
  CHECK_FALSE(linkLeavingFolder((proj / "back-in.tenet").string(), root));
  auto out = linkLeavingFolder((proj / "out.tenet").string(), root);
  REQUIRE(out);
  CHECK(*out == (tmp.path / "outside" / "s.tenet").string());
  CHECK(linkLeavingFolder((proj / "abs.tenet").string(), root));
  CHECK(linkLeavingFolder((proj / "chain-out.tenet").string(), root));
  CHECK(linkLeavingFolder((proj / "dangling.tenet").string(), root));
  // A folder whose name starts like the project's is not inside it.
  writeText(tmp.path / "proj2" / "x.tenet", "x");
  fs::create_symlink("../proj2/x.tenet", proj / "sibling.tenet");
  CHECK(linkLeavingFolder((proj / "sibling.tenet").string(), root));
  // From the folder the link is in, the same link is judged the same way.
  CHECK(linkLeavingFolder((proj / "out.tenet").string(), (proj / "sub" / "..").string()));
}

TEST_CASE("The root of a path given on the command line", "[base]") {
  FilesTempDir tmp;
  writeText(tmp.path / "p" / "a.tenet", "a");
  CHECK(rootOfPath((tmp.path / "p").string()) == (tmp.path / "p").string());
  CHECK(rootOfPath((tmp.path / "p" / "a.tenet").string()) == (tmp.path / "p").string());
  CHECK(rootOfPath("a.tenet") == ".");
}
