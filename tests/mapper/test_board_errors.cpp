// Every way a board description can be wrong is refused with board_error at the file, line and
// element where it is wrong, saying what was expected.
#include <filesystem>
#include <fstream>
#include <string>
#include <typeinfo>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>

namespace {

namespace fs = std::filesystem;
using sf::mapper::board_error;
using sf::mapper::load_board_text;

const std::string board_ok = R"(name="t" time_step="1 ms")";
const std::string chips_ok =
    R"(width="4" height="3" topology="mesh" cores="4" router_entries="64" link_bandwidth="1000")";
const std::string hex_ok =
    R"(width="4" height="3" topology="hexagonal" cores="4" router_entries="64" link_bandwidth="1000")";
const std::string core_ok =
    R"(neurons="16" state_words_per_neuron="8" state_memory_words="128" )"
    R"(synaptic_memory_bytes="4096" program_words="64" constant_words="32" )"
    R"(lookup_table_words="64" weight_bits="8" delay_slots="8" input_channels="2")";

// A board file: <board> on line 1, <chips> on line 2, the body of <chips> from line 3, then
// </chips> and <core> on the two lines after the body.
std::string text(const std::string& body = "", const std::string& chips = chips_ok,
                 const std::string& core = core_ok, const std::string& board = board_ok) {
    return "<board " + board + ">\n<chips " + chips + ">\n" + body + "</chips>\n<core " + core +
           "/>\n</board>\n";
}

std::string replaced(std::string where, const std::string& from, const std::string& to) {
    const auto at = where.find(from);
    REQUIRE(at != std::string::npos);
    return where.replace(at, from.size(), to);
}

void check_refused(const std::string& board_text, int line, const std::string& element,
                   const std::string& message) {
    try {
        load_board_text(board_text, "b.xml");
        FAIL("loaded: " << board_text);
    } catch (const board_error& e) {
        INFO(e.what());
        CHECK(typeid(e) == typeid(board_error));
        CHECK(e.file() == "b.xml");
        CHECK(e.line() == line);
        CHECK(e.element() == element);
        CHECK_THAT(e.message(), Catch::Contains(message));
        const std::string where =
            "b.xml:" + std::to_string(line) + ": " + (element.empty() ? "" : element + ": ");
        CHECK_THAT(std::string(e.what()), Catch::StartsWith(where));
    }
}

} // namespace

TEST_CASE("board errors: the test's own board loads", "[mapper][board_errors]") {
    CHECK(load_board_text(text(), "b.xml").chips.size() == 12);
    CHECK(load_board_text(text("", hex_ok), "b.xml").links.size() == 2 * (9 + 6 + 8));
}

TEST_CASE("board errors: malformed XML is refused at the line where it breaks",
          "[mapper][board_errors]") {
    check_refused(
        "<board name=\"t\" time_step=\"1 ms\">\n<chips width=\"4\"\n  height=>\n</board>\n", 3, "",
        "malformed XML");
    check_refused("", 1, "", "malformed XML");
    check_refused("<board name=\"t\">\n<chips>\n</board>\n", 3, "", "malformed XML");
}

TEST_CASE("board errors: the document must be one <board> element", "[mapper][board_errors]") {
    check_refused("<!-- a machine -->\n<machine name=\"t\"/>\n", 2, "machine",
                  "expected a <board> element");
    check_refused(text() + "<board/>\n", 6, "board", "a board file holds one <board> element");
}

TEST_CASE("board errors: unknown elements are refused", "[mapper][board_errors]") {
    check_refused(replaced(text(), "<chips", "<memory/>\n<chips"), 2, "memory",
                  "unknown element inside <board>; expected <chips>, <core> or <timing>");
    check_refused(text("<rows y=\"0\"/>\n"), 3, "rows",
                  "unknown element inside <chips>; expected <row>");
    check_refused(text("<row y=\"0\" first_x=\"0\" last_x=\"1\"><chip/></row>\n"), 3, "chip",
                  "unknown element inside <row>; it has attributes only");
    check_refused(replaced(text(), "/>\n</board>", "><extra/></core>\n</board>"), 4, "extra",
                  "unknown element inside <core>");
}

TEST_CASE("board errors: unknown and repeated attributes are refused", "[mapper][board_errors]") {
    check_refused(text("", chips_ok + " colour=\"red\""), 2, "chips",
                  "unknown attribute 'colour'; expected width, height, topology, wrap");
    check_refused(text("", chips_ok, core_ok + " neuron=\"3\""), 4, "core",
                  "unknown attribute 'neuron'");
    check_refused(text("", chips_ok, core_ok, board_ok + " version=\"2\""), 1, "board",
                  "unknown attribute 'version'");
    check_refused(text("<unavailable_chip x=\"1\" y=\"1\" z=\"0\"/>\n"), 3, "unavailable_chip",
                  "unknown attribute 'z'; expected x, y");
    check_refused(text("", chips_ok + " width=\"5\""), 2, "chips",
                  "attribute 'width' is given twice");
}

TEST_CASE("board errors: text inside elements is refused", "[mapper][board_errors]") {
    check_refused(text("four chips\n"), 3, "chips", "unexpected text 'four chips'");
    check_refused(text("<![CDATA[x]]>\n"), 3, "chips", "unexpected text 'x'");
    SECTION("at the line of the text, also after Windows line ends") {
        check_refused("<board name=\"t\" time_step=\"1 ms\">\r\n<chips " + chips_ok +
                          ">\r\n\r\n  stray\r\n</chips>\r\n<core " + core_ok + "/>\r\n</board>\r\n",
                      4, "chips", "unexpected text 'stray'");
    }
}

TEST_CASE("board errors: missing required attributes and elements", "[mapper][board_errors]") {
    check_refused(text("", replaced(chips_ok, "width=\"4\" ", "")), 2, "chips",
                  "missing attribute 'width'");
    check_refused(text("", replaced(chips_ok, "topology=\"mesh\" ", "")), 2, "chips",
                  "missing attribute 'topology'");
    check_refused(text("", chips_ok, replaced(core_ok, "neurons=\"16\" ", "")), 4, "core",
                  "missing attribute 'neurons'");
    check_refused(text("", chips_ok, core_ok, "time_step=\"1 ms\""), 1, "board",
                  "missing attribute 'name'");
    check_refused(text("", chips_ok, core_ok, "name=\"t\""), 1, "board",
                  "missing attribute 'time_step'");
    check_refused(text("<unavailable_link x=\"1\" y=\"1\"/>\n"), 3, "unavailable_link",
                  "missing attribute 'direction'");
    check_refused("<board name=\"t\" time_step=\"1 ms\">\n<core " + core_ok + "/>\n</board>\n", 1,
                  "board", "missing element <chips>");
    check_refused("<board name=\"t\" time_step=\"1 ms\">\n<chips " + chips_ok + "/>\n</board>\n", 1,
                  "board", "missing element <core>");
}

TEST_CASE("board errors: an element given twice", "[mapper][board_errors]") {
    check_refused(replaced(text(), "</board>", "<core " + core_ok + "/>\n</board>"), 5, "core",
                  "<core> is given twice (first at line 4)");
}

TEST_CASE("board errors: values that are not numbers", "[mapper][board_errors]") {
    check_refused(text("", replaced(chips_ok, "width=\"4\"", "width=\"four\"")), 2, "chips",
                  "attribute 'width' must be a whole number (1 to 256), not 'four'");
    check_refused(text("", replaced(chips_ok, "width=\"4\"", "width=\"4.5\"")), 2, "chips",
                  "not '4.5'");
    check_refused(text("", replaced(chips_ok, "width=\"4\"", "width=\"\"")), 2, "chips", "not ''");
    check_refused(text("", replaced(chips_ok, "width=\"4\"", "width=\" 4\"")), 2, "chips",
                  "not ' 4'");
    check_refused(text("", chips_ok, replaced(core_ok, "neurons=\"16\"", "neurons=\"0x10\"")), 4,
                  "core", "attribute 'neurons' must be a whole number");
    check_refused(text("", chips_ok, core_ok, board_ok + " speedup=\"fast\""), 1, "board",
                  "attribute 'speedup' must be a number, not 'fast'");
    check_refused(text("", chips_ok, core_ok, board_ok + " speedup=\"10x\""), 1, "board",
                  "must be a number");
}

TEST_CASE("board errors: values out of range", "[mapper][board_errors]") {
    check_refused(text("", replaced(chips_ok, "width=\"4\"", "width=\"0\"")), 2, "chips",
                  "attribute 'width' must be 1 to 256, not 0");
    check_refused(text("", replaced(chips_ok, "height=\"3\"", "height=\"257\"")), 2, "chips",
                  "attribute 'height' must be 1 to 256, not 257");
    check_refused(text("", replaced(chips_ok, "cores=\"4\"", "cores=\"-1\"")), 2, "chips",
                  "attribute 'cores' must be 1 to 1024, not -1");
    check_refused(text("", replaced(chips_ok, "link_bandwidth=\"1000\"",
                                    "link_bandwidth=\"99999999999999999999999\"")),
                  2, "chips", "must be 1 to 1000000000000, not 99999999999999999999999");
    check_refused(text("", chips_ok, replaced(core_ok, "delay_slots=\"8\"", "delay_slots=\"0\"")),
                  4, "core", "attribute 'delay_slots' must be 1 to 256, not 0");
    check_refused(text("", chips_ok, replaced(core_ok, "weight_bits=\"8\"", "weight_bits=\"33\"")),
                  4, "core", "attribute 'weight_bits' must be 1 to 32, not 33");
    check_refused(text("", chips_ok, core_ok + " max_fan_in=\"-3\""), 4, "core",
                  "attribute 'max_fan_in' must be 0 to");
    check_refused(text("", chips_ok, core_ok, board_ok + " speedup=\"0\""), 1, "board",
                  "attribute 'speedup' must be more than 0 and at most 1000000, not 0");
    check_refused(text("", chips_ok, core_ok, board_ok + " speedup=\"-2\""), 1, "board",
                  "must be more than 0");
    check_refused(text("", chips_ok, core_ok, board_ok + " speedup=\"inf\""), 1, "board",
                  "must be a number");
}

TEST_CASE("board errors: limits beyond what the instruction set can address",
          "[mapper][board_errors]") {
    check_refused(
        text("", chips_ok,
             replaced(core_ok, "state_words_per_neuron=\"8\"", "state_words_per_neuron=\"1025\"")),
        4, "core", "attribute 'state_words_per_neuron' must be 0 to 1024, not 1025");
    check_refused(
        text("", chips_ok, replaced(core_ok, "constant_words=\"32\"", "constant_words=\"1025\"")),
        4, "core", "attribute 'constant_words' must be 0 to 1024");
    check_refused(
        text("", chips_ok, replaced(core_ok, "input_channels=\"2\"", "input_channels=\"17\"")), 4,
        "core", "attribute 'input_channels' must be 1 to 16, not 17");
    check_refused(text("", chips_ok, core_ok + " state_word_bits=\"16\""), 4, "core",
                  "attribute 'state_word_bits' must be 32, not 16");
}

TEST_CASE("board errors: words that are not one of the allowed ones", "[mapper][board_errors]") {
    check_refused(text("", replaced(chips_ok, "mesh", "ring")), 2, "chips",
                  "attribute 'topology' must be mesh, torus or hexagonal, not 'ring'");
    check_refused(text("", hex_ok + " wrap=\"yes\""), 2, "chips",
                  "attribute 'wrap' must be true or false, not 'yes'");
    check_refused(text("", chips_ok, core_ok + " weight_signed=\"1\""), 4, "core",
                  "attribute 'weight_signed' must be true or false, not '1'");
    check_refused(text("<unavailable_link x=\"1\" y=\"1\" direction=\"NW\"/>\n", hex_ok), 3,
                  "unavailable_link",
                  "attribute 'direction' must be one of E, NE, N, W, SW, S, not 'NW'");
    check_refused(text("", chips_ok, core_ok, R"(name="my board" time_step="1 ms")"), 1, "board",
                  "attribute 'name' must be letters, digits");
    check_refused(text("", chips_ok, core_ok, R"(name="" time_step="1 ms")"), 1, "board",
                  "attribute 'name' must be");
}

TEST_CASE("board errors: time steps without a unit or not in whole microseconds",
          "[mapper][board_errors]") {
    const auto with_step = [](const std::string& step) {
        return text("", chips_ok, core_ok, "name=\"t\" time_step=\"" + step + "\"");
    };
    check_refused(with_step("1"), 1, "board", "attribute 'time_step' needs a unit: s, ms or us");
    check_refused(with_step("1 min"), 1, "board", "needs a unit");
    check_refused(with_step("ms"), 1, "board", "must be a number with a unit");
    check_refused(with_step("0.5 us"), 1, "board",
                  "attribute 'time_step' must be 1 us to 1 s, not '0.5 us'");
    check_refused(with_step("2 s"), 1, "board", "must be 1 us to 1 s");
    check_refused(with_step("-1 ms"), 1, "board", "must be 1 us to 1 s");
    check_refused(with_step("1.5 us"), 1, "board",
                  "must be a whole number of microseconds, not '1.5 us'");
}

TEST_CASE("board errors: more application cores or entries than the chip has",
          "[mapper][board_errors]") {
    check_refused(text("", chips_ok + " application_cores=\"5\""), 2, "chips",
                  "attribute 'application_cores' must be at most the chip's 4 cores, not 5");
    check_refused(text("", chips_ok + " application_router_entries=\"65\""), 2, "chips",
                  "attribute 'application_router_entries' must be at most the chip's 64 router "
                  "entries, not 65");
    // A <chip> with fewer cores than <chips> gives application cores must say how many it has.
    check_refused(
        text("<chip x=\"1\" y=\"1\" cores=\"2\"/>\n", chips_ok + " application_cores=\"3\""), 3,
        "chip", "must be at most the chip's 2 cores, not 3");
}

TEST_CASE("board errors: a mesh that wraps or a torus that does not", "[mapper][board_errors]") {
    check_refused(text("", chips_ok + " wrap=\"true\""), 2, "chips",
                  "a mesh does not wrap around; use topology=\"torus\"");
    check_refused(text("", replaced(chips_ok, "mesh", "torus") + " wrap=\"false\""), 2, "chips",
                  "a torus wraps around; use topology=\"mesh\"");
}

TEST_CASE("board errors: rows outside the grid, backwards or repeated", "[mapper][board_errors]") {
    check_refused(text("<row y=\"3\" first_x=\"0\" last_x=\"1\"/>\n"), 3, "row",
                  "attribute 'y' must be 0 to 2, not 3");
    check_refused(text("<row y=\"0\" first_x=\"0\" last_x=\"4\"/>\n"), 3, "row",
                  "attribute 'last_x' must be 0 to 3");
    check_refused(text("<row y=\"0\" first_x=\"2\" last_x=\"1\"/>\n"), 3, "row",
                  "attribute 'first_x' (2) is after 'last_x' (1)");
    check_refused(text("<row y=\"0\" first_x=\"0\" last_x=\"1\"/>\n<row y=\"0\" first_x=\"1\" "
                       "last_x=\"2\"/>\n"),
                  4, "row", "row y=0 is given twice (first at line 3)");
}

TEST_CASE("board errors: duplicate chips and chips off the board", "[mapper][board_errors]") {
    check_refused(
        text("<chip x=\"1\" y=\"1\" cores=\"5\"/>\n<chip x=\"1\" y=\"1\" link_bandwidth=\"2\"/>\n"),
        4, "chip", "chip (1,1) is given twice (first at line 3)");
    check_refused(text("<chip x=\"4\" y=\"1\"/>\n"), 3, "chip", "(4,1) is outside the 4 x 3 grid");
    check_refused(text("<row y=\"0\" first_x=\"1\" last_x=\"3\"/>\n<chip x=\"0\" y=\"0\"/>\n"), 4,
                  "chip", "there is no chip at (0,0): the board's <row> elements leave it out");
}

TEST_CASE("board errors: unavailable chips that are not on the board", "[mapper][board_errors]") {
    check_refused(text("<unavailable_chip x=\"9\" y=\"2\"/>\n"), 3, "unavailable_chip",
                  "(9,2) is outside the 4 x 3 grid");
    check_refused(text("<unavailable_chip x=\"1\" y=\"300\"/>\n"), 3, "unavailable_chip",
                  "attribute 'y' must be 0 to 255, not 300");
    check_refused(
        text("<row y=\"1\" first_x=\"0\" last_x=\"1\"/>\n<unavailable_chip x=\"3\" y=\"1\"/>\n"), 4,
        "unavailable_chip", "there is no chip at (3,1)");
    check_refused(
        text("<unavailable_chip x=\"1\" y=\"1\"/>\n\n<unavailable_chip x=\"1\" y=\"1\"/>\n"), 5,
        "unavailable_chip", "chip (1,1) is already unavailable (line 3)");
}

TEST_CASE("board errors: unavailable links the topology does not have", "[mapper][board_errors]") {
    check_refused(text("<unavailable_link x=\"1\" y=\"1\" direction=\"NE\"/>\n"), 3,
                  "unavailable_link", "a mesh has no NE links; its links are E, N, W and S");
    check_refused(text("<unavailable_link x=\"3\" y=\"0\" direction=\"E\"/>\n"), 3,
                  "unavailable_link", "chip (3,0) has no neighbour to the E, so no link there");
    check_refused(
        text(
            "<row y=\"0\" first_x=\"0\" last_x=\"1\"/>\n<row y=\"1\" first_x=\"1\" last_x=\"3\"/>\n"
            "<unavailable_link x=\"0\" y=\"0\" direction=\"N\"/>\n",
            hex_ok),
        5, "unavailable_link", "chip (0,0) has no neighbour to the N");
    check_refused(text("<unavailable_link x=\"4\" y=\"0\" direction=\"W\"/>\n"), 3,
                  "unavailable_link", "(4,0) is outside the 4 x 3 grid");
    check_refused(text("<row y=\"0\" first_x=\"0\" last_x=\"1\"/>\n<unavailable_link x=\"2\" "
                       "y=\"0\" direction=\"W\"/>\n"),
                  4, "unavailable_link", "there is no chip at (2,0)");
}

TEST_CASE("board errors: a link marked unavailable twice, from either end",
          "[mapper][board_errors]") {
    check_refused(text("<unavailable_link x=\"1\" y=\"1\" direction=\"E\"/>\n<unavailable_link "
                       "x=\"1\" y=\"1\" direction=\"E\"/>\n"),
                  4, "unavailable_link",
                  "the link from (1,1) to the E is already unavailable (line 3)");
    check_refused(text("<unavailable_link x=\"1\" y=\"1\" direction=\"NE\"/>\n<unavailable_link "
                       "x=\"2\" y=\"2\" "
                       "direction=\"SW\"/>\n",
                       hex_ok),
                  4, "unavailable_link", "is already unavailable (line 3)");
}

TEST_CASE("board errors: files that cannot be read, and errors name the file",
          "[mapper][board_errors]") {
    const fs::path folder =
        fs::temp_directory_path() / ("sf_test_board_errors_" + std::to_string(::getpid()));
    fs::create_directories(folder);
    SECTION("a file that does not exist") {
        try {
            sf::mapper::load_board(folder / "absent.xml");
            FAIL("loaded a file that does not exist");
        } catch (const board_error& e) {
            CHECK(e.line() == 0);
            CHECK(e.file() == (folder / "absent.xml").string());
            CHECK(std::string(e.what()) ==
                  (folder / "absent.xml").string() + ": cannot read the board file: no such file");
        }
    }
    SECTION("a folder is not a board file") {
        REQUIRE_THROWS_AS(sf::mapper::load_board(folder), board_error);
    }
    SECTION("a problem in a file is reported at its path and line") {
        const fs::path file = folder / "broken.xml";
        std::ofstream(file) << text("<unavailable_chip x=\"7\" y=\"0\"/>\n");
        try {
            sf::mapper::load_board(file);
            FAIL("loaded a broken file");
        } catch (const board_error& e) {
            CHECK(std::string(e.what()) ==
                  file.string() + ":3: unavailable_chip: (7,0) is outside the 4 x 3 grid");
        }
    }
    fs::remove_all(folder);
}
