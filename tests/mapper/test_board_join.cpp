// Boards joined into larger machines: where the chips go, which links cross board edges, and how
// names such as "spinn5 x 24" are read.
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>

namespace {

using sf::mapper::board;
using sf::mapper::board_error;
using sf::mapper::chip_coordinates;
using sf::mapper::direction;
using sf::mapper::join;
using sf::mapper::parse_joined_name;
using sf::mapper::topology;

void check_every_chip_has_six_neighbours(const board& b) {
    for (const auto& c : b.chips) {
        INFO("chip (" << c.x << "," << c.y << ")");
        CHECK(b.neighbours(c.coordinates()).size() == 6);
    }
}

} // namespace

TEST_CASE("board join: names with a join suffix", "[mapper][board_join]") {
    const auto check = [](const std::string& text, const std::string& base, int count) {
        INFO(text);
        const auto parsed = parse_joined_name(text);
        REQUIRE(parsed.has_value());
        CHECK(parsed->base == base);
        CHECK(parsed->count == count);
    };
    check("spinn5 x 24", "spinn5", 24);
    check("spinn5x24", "spinn5", 24);
    check("  tiny X 3 ", "tiny", 3);
    check("boards/my.xml x 2", "boards/my.xml", 2);
    check("spinn5 x 0", "spinn5", 0);
    check("spinn5 x 99999999999999", "spinn5", std::numeric_limits<int>::max());
    for (const std::string text : {"spinn5 x auto", "spinn5xauto", " spinn5 X auto "}) {
        INFO(text);
        const auto parsed = parse_joined_name(text);
        REQUIRE(parsed.has_value());
        CHECK(parsed->base == "spinn5");
        CHECK(parsed->as_needed);
    }
    CHECK_FALSE(parse_joined_name("spinn5 x 24")->as_needed);
    CHECK_FALSE(parse_joined_name("x auto").has_value());
    CHECK_FALSE(parse_joined_name("auto").has_value());
    CHECK_FALSE(parse_joined_name("spinn5 auto").has_value());
    CHECK_FALSE(parse_joined_name("spinn5").has_value());
    CHECK_FALSE(parse_joined_name("bss2").has_value());
    CHECK_FALSE(parse_joined_name("spinn5 x").has_value());
    CHECK_FALSE(parse_joined_name("x 4").has_value());
    CHECK_FALSE(parse_joined_name("spinn5 y 4").has_value());
    CHECK_FALSE(parse_joined_name("").has_value());
}

TEST_CASE("board join: one board joined once is itself", "[mapper][board_join]") {
    const board one = sf::mapper::find_board("spinn5");
    const board same = join(one, 1);
    CHECK(same.name == "spinn5");
    CHECK(same.chips.size() == 48);
    CHECK(same.links.size() == one.links.size());
}

TEST_CASE("board join: three SpiNN-5 boards close into a 12 x 12 hexagonal torus",
          "[mapper][board_join]") {
    const board b = join(sf::mapper::find_board("spinn5"), 3);
    CHECK(b.name == "spinn5 x 3");
    CHECK(b.grid.width == 12);
    CHECK(b.grid.height == 12);
    CHECK(b.grid.kind == topology::hexagonal);
    CHECK(b.grid.wraps);
    CHECK(b.chip_count() == 144);
    CHECK(b.application_core_count() == 3 * 48 * 16);
    CHECK(b.links.size() == 144 * 6);
    check_every_chip_has_six_neighbours(b);
    // The second board starts at (8,4): its chip (0,0) meets the first board's chip (7,3) to the
    // SW.
    CHECK(b.find_link({8, 4}, direction::south_west)->to == chip_coordinates{7, 3});
    CHECK(b.time_step == std::chrono::microseconds(1000));
    CHECK(b.core.neurons == 256);
}

TEST_CASE("board join: 24 SpiNN-5 boards make a 48 x 24 torus of eight triads",
          "[mapper][board_join]") {
    const board b = join(sf::mapper::find_board("spinn5"), 24);
    CHECK(b.name == "spinn5 x 24");
    CHECK(b.grid.width == 48);
    CHECK(b.grid.height == 24);
    CHECK(b.grid.wraps);
    CHECK(b.chip_count() == 24 * 48);
    CHECK(b.neuron_capacity() == 24 * 48 * 16 * 256);
    check_every_chip_has_six_neighbours(b);
    // Wrap-around: the last column's E link leads back to the first column.
    CHECK(b.find_link({47, 0}, direction::east)->to == chip_coordinates{0, 0});
}

TEST_CASE("board join: boards that do not fill whole triads do not wrap", "[mapper][board_join]") {
    const board b = join(sf::mapper::find_board("spinn5"), 2);
    CHECK(b.grid.width == 16);
    CHECK(b.grid.height == 16);
    CHECK_FALSE(b.grid.wraps);
    CHECK(b.chip_count() == 96);
    // Chip (7,4) of the first board and chip (0,0) of the second, placed at (8,4), are joined.
    const auto* across = b.find_link({7, 4}, direction::east);
    REQUIRE(across != nullptr);
    CHECK(across->to == chip_coordinates{8, 4});
    CHECK(across->available);
    CHECK(b.find_link({15, 11}, direction::east) == nullptr);
    const board five = join(sf::mapper::find_board("spinn5"), 5);
    CHECK(five.grid.width == 2 * 12 + 4);
    CHECK(five.grid.height == 12 + 4);
    CHECK(five.chip_count() == 5 * 48);
}

TEST_CASE("board join: other boards are tiled side by side with links across their edges",
          "[mapper][board_join]") {
    SECTION("four 2 x 2 meshes make a 4 x 4 mesh") {
        const board b = join(sf::mapper::find_board("tiny"), 4);
        CHECK(b.grid.width == 4);
        CHECK(b.grid.height == 4);
        CHECK(b.grid.kind == topology::mesh);
        CHECK_FALSE(b.grid.wraps);
        CHECK(b.chip_count() == 16);
        CHECK(b.links.size() == 2 * 2 * 3 * 4);
        CHECK(b.find_link({1, 0}, direction::east)->to == chip_coordinates{2, 0});
        CHECK(b.find_link({1, 1}, direction::north)->to == chip_coordinates{1, 2});
        CHECK(b.neighbours({1, 1}).size() == 4);
    }
    SECTION("the squarest grid of exactly that many boards") {
        CHECK(join(sf::mapper::find_board("tiny"), 6).grid.width == 6);
        CHECK(join(sf::mapper::find_board("tiny"), 6).grid.height == 4);
        CHECK(join(sf::mapper::find_board("tiny"), 7).grid.width == 14);
    }
    SECTION("single chips become a mesh of chips") {
        const board b = join(sf::mapper::find_board("bss2"), 4);
        CHECK(b.grid.width == 2);
        CHECK(b.grid.height == 2);
        CHECK(b.application_core_count() == 8);
        CHECK(b.neighbours({0, 0}).size() == 2);
        CHECK(b.speedup == 1000.0);
    }
}

TEST_CASE("board join: every copy keeps the board's failed chips and links",
          "[mapper][board_join]") {
    const board one = sf::mapper::load_board_text(R"(<board name="worn" time_step="1 ms">
<chips width="2" height="2" topology="mesh" cores="2" router_entries="8" link_bandwidth="100">
  <unavailable_chip x="1" y="1"/>
  <unavailable_link x="0" y="0" direction="E"/>
</chips>
<core neurons="4" state_words_per_neuron="1" state_memory_words="4" synaptic_memory_bytes="0" program_words="8"
      constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1" input_channels="1"/>
</board>)",
                                                  "worn.xml");
    const board b = join(one, 2);
    CHECK(b.chip_count() == 6);
    CHECK_FALSE(b.find_chip({1, 1})->available);
    CHECK_FALSE(b.find_chip({3, 1})->available);
    CHECK_FALSE(b.find_link({0, 0}, direction::east)->available);
    CHECK_FALSE(b.find_link({2, 0}, direction::east)->available);
    // The wire between the boards is new and works.
    CHECK(b.find_link({1, 0}, direction::east)->available);
    CHECK(b.neighbours({1, 0}) == std::vector<chip_coordinates>{{2, 0}});
}

TEST_CASE("board join: counts out of range and machines too large", "[mapper][board_join]") {
    const board one = sf::mapper::find_board("spinn5");
    try {
        join(one, 0);
        FAIL("joined no boards");
    } catch (const board_error& e) {
        CHECK(e.element() == "join");
        CHECK(e.line() == 0);
        CHECK_THAT(e.message(),
                   Catch::Contains("the number of spinn5 boards must be 1 to 4096, not 0"));
    }
    REQUIRE_THROWS_AS(join(one, sf::mapper::max_join_count + 1), board_error);
    try {
        join(one, 4000);
        FAIL("joined a machine larger than the grid allows");
    } catch (const board_error& e) {
        CHECK_THAT(e.message(), Catch::Contains("grid; a grid is at most 256 chips on a side"));
    }
    // SpiNNaker's largest machine fits.
    CHECK(join(one, 1200).chip_count() == 1200 * 48);
}
