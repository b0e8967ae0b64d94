// Line numbers of byte offsets (sf/lems/line_index.hpp), as the XML readers report them.
#include <catch2/catch.hpp>

#include <sf/lems/line_index.hpp>

using sf::lems::line_index;

TEST_CASE("line_index: a byte offset is named by its 1-based line", "[lems][line_index]") {
    const line_index lines("<a>\n<b/>\n\n<c/>");
    CHECK(lines.line_at(0) == 1);
    CHECK(lines.line_at(3) == 1); // the newline ends its own line
    CHECK(lines.line_at(4) == 2);
    CHECK(lines.line_at(9) == 3);
    CHECK(lines.line_at(10) == 4);
    CHECK(lines.line_at(100) == 4);
    SECTION("a negative offset is the first byte") { CHECK(lines.line_at(-1) == 1); }
    SECTION("an empty text has one line") { CHECK(line_index("").line_at(0) == 1); }
}
