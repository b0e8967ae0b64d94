// The scanner that explains mismatched XML tags: what it skips, what it keeps open, and the
// messages made from it.
#include <catch2/catch.hpp>

#include <string>

#include <sf/lems/line_index.hpp>

#include "unbalanced_tags.hpp"
#include "xml_tag_scanner.hpp"

using sf::lems::explain_unbalanced_tags;
using sf::lems::line_index;
using sf::lems::scan_xml_tags;

TEST_CASE("tag scanner: comments, CDATA, instructions, declarations and quotes hide tags",
          "[lems][xml]") {
    const std::string text = "<?xml version=\"1.0\"?>\n"
                             "<!DOCTYPE a [ <!ELEMENT a ANY> ]>\n"
                             "<a>\n"
                             "  <!-- <b> -->\n"
                             "  <![CDATA[ </a> <c> ]]>\n"
                             "  <?pi <d> ?>\n"
                             "  <e x=\"/>\" y='</a>'/>\n"
                             "  <f z=\"1\">\n";
    const auto scan = scan_xml_tags(text, text.size());
    CHECK(scan.ended_cleanly);
    CHECK_FALSE(scan.mismatched);
    REQUIRE(scan.open.size() == 2);
    CHECK(scan.open[0].name == "a");
    CHECK(scan.open[1].name == "f");
    CHECK(text.substr(scan.open[1].offset, 2) == "<f");
}

TEST_CASE("tag scanner: the first end tag that does not close the innermost element",
          "[lems][xml]") {
    const std::string text = "<a><b></b><c></a><d>";
    const auto scan = scan_xml_tags(text, text.size());
    REQUIRE(scan.mismatched);
    CHECK(scan.mismatched->name == "a");
    CHECK(scan.mismatched->offset == text.find("</a>"));
    REQUIRE(scan.open.size() == 2);
    CHECK(scan.open.back().name == "c");
}

TEST_CASE("tag scanner: stops at the given offset", "[lems][xml]") {
    const std::string text = "<a>\n<b>\n</c>";
    const auto scan = scan_xml_tags(text, text.find("<b>") - 1);
    CHECK_FALSE(scan.mismatched);
    REQUIRE(scan.open.size() == 1);
    CHECK(scan.open[0].name == "a");
}

TEST_CASE("tag scanner: markup running off the end is no explanation", "[lems][xml]") {
    for (const std::string text : {"<a><!-- open", "<a><b x=\"open", "<a><![CDATA[", "<a><?pi",
                                   "<a><!DOCTYPE [", "<a><b", "<"}) {
        INFO(text);
        CHECK_FALSE(scan_xml_tags(text, text.size()).ended_cleanly);
        CHECK_FALSE(explain_unbalanced_tags(text, text.size(), line_index(text)));
    }
}

TEST_CASE("tag scanner: the messages name the element and both lines", "[lems][xml]") {
    SECTION("left open inside an element closed later") {
        const std::string text = "<a>\n<b>\n<c/>\n</a>\n";
        const auto explained =
            explain_unbalanced_tags(text, text.find("</a>") + 2, line_index(text));
        REQUIRE(explained);
        CHECK(explained->line == 2);
        CHECK(explained->message ==
              "<b> opened here is never closed (the parser found </a> at line 4)");
    }
    SECTION("open where the text ends") {
        const std::string text = "<a>\n<b/>\n";
        const auto explained = explain_unbalanced_tags(text, text.size(), line_index(text));
        REQUIRE(explained);
        CHECK(explained->line == 1);
        CHECK(explained->message == "<a> opened here is never closed (the file ends at line 2)");
    }
    SECTION("an end tag naming no open element") {
        const std::string text = "<a>\n</b>\n</a>\n";
        const auto explained = explain_unbalanced_tags(text, text.size(), line_index(text));
        REQUIRE(explained);
        CHECK(explained->line == 2);
        CHECK(explained->message == "</b> does not match <a>, opened at line 1");
    }
    SECTION("an end tag with nothing open") {
        const std::string text = "<a/>\n</a>\n";
        const auto explained = explain_unbalanced_tags(text, text.size(), line_index(text));
        REQUIRE(explained);
        CHECK(explained->line == 2);
        CHECK(explained->message == "</a> closes no open element");
    }
    SECTION("balanced tags: nothing to explain") {
        const std::string text = "<a><b/></a>";
        CHECK_FALSE(explain_unbalanced_tags(text, text.size(), line_index(text)));
    }
}
