// Line tables, columns in code points and UTF-16, and UTF-8 validation.
#include <catch2/catch.hpp>

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
