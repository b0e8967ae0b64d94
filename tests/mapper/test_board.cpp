// The project's board files load with the numbers docs/boards.md gives, and a board answers
// which chips neighbour which through the links that work.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_geometry.hpp>
#include <sf/mapper/board_loader.hpp>

namespace {

namespace fs = std::filesystem;
using sf::mapper::board;
using sf::mapper::chip_coordinates;
using sf::mapper::direction;
using sf::mapper::load_board;
using sf::mapper::load_board_text;
using sf::mapper::topology;

std::vector<chip_coordinates> coords(std::initializer_list<chip_coordinates> list) { return list; }

// A small board with the given <chips> attributes and body; the core limits do not matter here.
board small(const std::string& chips_attributes, const std::string& body = "") {
    return load_board_text(R"(<board name="small" time_step="1 ms">
<chips )" + chips_attributes + R"( cores="2" router_entries="8" link_bandwidth="100">
)" + body + R"(</chips>
<core neurons="4" state_words_per_neuron="1" state_memory_words="4" synaptic_memory_bytes="0" program_words="8"
      constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1" input_channels="1"/>
</board>
)",
                           "small.xml");
}

} // namespace

TEST_CASE("board: tiny loads as a 2 x 2 mesh with small limits", "[mapper][board]") {
    const board b = sf::mapper::find_board("tiny");
    CHECK(b.name == "tiny");
    CHECK(b.time_step == std::chrono::microseconds(1000));
    CHECK(b.speedup == 1.0);
    CHECK(b.grid.width == 2);
    CHECK(b.grid.height == 2);
    CHECK(b.grid.kind == topology::mesh);
    CHECK_FALSE(b.grid.wraps);
    CHECK(b.chip_count() == 4);
    CHECK(b.application_core_count() == 12);
    CHECK(b.neuron_capacity() == 12 * 16);
    for (const auto& c : b.chips) {
        CHECK(c.cores == 4);
        CHECK(c.application_cores == 3);
        CHECK(c.router_entries == 64);
        CHECK(c.application_router_entries == 63);
        CHECK(b.neighbours(c.coordinates()).size() == 2);
    }
    CHECK(b.links.size() == 8);
    CHECK(b.core.weights_signed);
    CHECK(b.core.weight_bits == 8);
    CHECK(b.core.max_fan_in == 32);
}

TEST_CASE("board: spinn5 loads as the 48-chip hexagonal SpiNN-5 board", "[mapper][board]") {
    const board b = sf::mapper::find_board("spinn5");
    CHECK(b.name == "spinn5");
    CHECK(b.time_step == std::chrono::microseconds(1000));
    CHECK(b.speedup == 1.0);
    CHECK(b.grid.width == 8);
    CHECK(b.grid.height == 8);
    CHECK(b.grid.kind == topology::hexagonal);
    CHECK_FALSE(b.grid.wraps);
    CHECK(b.chips.size() == 48);
    CHECK(b.chip_count() == 48);
    CHECK(b.application_core_count() == 48 * 16);
    CHECK(b.neuron_capacity() == 48 * 16 * 256);
    const auto& c = b.chips.front();
    CHECK(c.cores == 18);
    CHECK(c.application_cores == 16);
    CHECK(c.router_entries == 1024);
    CHECK(c.application_router_entries == 1023);
    CHECK(b.core.neurons == 256);
    CHECK(b.core.weight_bits == 16);
    CHECK_FALSE(b.core.weights_signed);
    CHECK(b.core.delay_slots == 16);
    CHECK(b.core.state_word_bits == 32);
    CHECK(b.core.state_memory_words * 4 == 32 * 1024);
    CHECK(b.core.synaptic_memory_bytes == 123469792 / 16);
    CHECK(b.core.max_fan_in == 0);
    SECTION("the outline is a hexagon: rows of 5, 6, 7, 8, 7, 6, 5 and 4 chips") {
        const int expected[] = {5, 6, 7, 8, 7, 6, 5, 4};
        for (int y = 0; y < 8; ++y) {
            CHECK(std::count_if(b.chips.begin(), b.chips.end(),
                                [y](const auto& one) { return one.y == y; }) == expected[y]);
        }
        CHECK(b.find_chip({0, 4}) == nullptr);
        CHECK(b.find_chip({7, 0}) == nullptr);
        CHECK(b.find_chip({4, 7}) != nullptr);
    }
    SECTION("neighbours on the hexagonal mesh come in the order E, NE, N, W, SW, S") {
        CHECK(b.neighbours({3, 3}) == coords({{4, 3}, {4, 4}, {3, 4}, {2, 3}, {2, 2}, {3, 2}}));
        CHECK(b.neighbours({0, 0}) == coords({{1, 0}, {1, 1}, {0, 1}}));
        CHECK(b.neighbours({7, 7}) == coords({{6, 7}, {6, 6}, {7, 6}}));
        // (5,0) is off the board's hexagon, but (5,1) above it is on.
        CHECK(b.neighbours({4, 0}) == coords({{5, 1}, {4, 1}, {3, 0}}));
        const auto* l = b.find_link({3, 3}, direction::north_east);
        REQUIRE(l != nullptr);
        CHECK(l->to == chip_coordinates{4, 4});
        CHECK(l->bandwidth == 6250000);
        CHECK(b.find_link({0, 0}, direction::west) == nullptr);
    }
}

TEST_CASE("board: bss2 loads as one accelerated chip of two 256-neuron halves", "[mapper][board]") {
    const board b = sf::mapper::find_board("bss2");
    CHECK(b.name == "bss2");
    CHECK(b.time_step == std::chrono::microseconds(100));
    CHECK(b.speedup == 1000.0);
    CHECK(b.chip_count() == 1);
    CHECK(b.application_core_count() == 2);
    CHECK(b.neuron_capacity() == 512);
    CHECK(b.links.empty());
    CHECK(b.chips.front().router_entries == 256);
    CHECK(b.core.neurons == 256);
    CHECK(b.core.weight_bits == 6);
    CHECK_FALSE(b.core.weights_signed);
    CHECK(b.core.max_fan_in == 256);
    CHECK(b.core.program_words == 512);
    CHECK(b.core.state_words_per_neuron == 16);
    CHECK(b.core.synaptic_memory_bytes == 256 * 256 * 12 / 8);
}

TEST_CASE("board: every board file's name is its file name", "[mapper][board]") {
    for (const auto& entry : fs::directory_iterator(sf::mapper::builtin_board_dirs().front())) {
        if (entry.path().extension() == ".xml") {
            INFO(entry.path());
            CHECK(load_board(entry.path()).name == entry.path().stem().string());
        }
    }
    const auto names = sf::mapper::known_boards();
    for (const char* name : {"bss2", "spinn5", "tiny"}) {
        CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
}

TEST_CASE("board: chips and links are kept in row order so lookups can search", "[mapper][board]") {
    const board b = sf::mapper::find_board("spinn5");
    CHECK(std::is_sorted(b.chips.begin(), b.chips.end(), [](const auto& x, const auto& y) {
        return x.coordinates() < y.coordinates();
    }));
    for (const auto& l : b.links) {
        REQUIRE(b.find_link(l.from, l.heading) == &l);
        CHECK(b.find_chip(l.to) != nullptr);
        const auto* back = b.find_link(l.to, sf::mapper::opposite(l.heading));
        REQUIRE(back != nullptr);
        CHECK(back->to == l.from);
    }
    CHECK(b.links.size() == 2 * (40 + 40 + 40)); // E-W, NE-SW and N-S wires of the hexagon
}

TEST_CASE("board: a failed chip takes its links and neighbours with it", "[mapper][board]") {
    const board b =
        small(R"(width="4" height="4" topology="hexagonal")", R"(<unavailable_chip x="1" y="1"/>
)");
    CHECK(b.chip_count() == 15);
    CHECK(b.application_core_count() == 30);
    CHECK_FALSE(b.find_chip({1, 1})->available);
    CHECK(b.neighbours({1, 1}).empty());
    CHECK(b.neighbours({2, 2}) == coords({{3, 2}, {3, 3}, {2, 3}, {1, 2}, {2, 1}}));
    CHECK(b.neighbours({0, 0}) == coords({{1, 0}, {0, 1}}));
    const auto* l = b.find_link({2, 2}, direction::south_west);
    REQUIRE(l != nullptr);
    CHECK_FALSE(l->available);
}

TEST_CASE("board: a dead link is unusable in both directions", "[mapper][board]") {
    const board b = small(R"(width="3" height="3" topology="hexagonal")",
                          R"(<unavailable_link x="1" y="1" direction="NE"/>
)");
    CHECK(b.chip_count() == 9);
    CHECK_FALSE(b.find_link({1, 1}, direction::north_east)->available);
    CHECK_FALSE(b.find_link({2, 2}, direction::south_west)->available);
    CHECK(b.find_link({1, 1}, direction::east)->available);
    CHECK(b.neighbours({1, 1}) == coords({{2, 1}, {1, 2}, {0, 1}, {0, 0}, {1, 0}}));
    CHECK(b.neighbours({2, 2}) == coords({{1, 2}, {2, 1}}));
}

TEST_CASE("board: wrap-around links on a torus and a hexagonal torus", "[mapper][board]") {
    SECTION("a hexagonal torus gives every chip six neighbours") {
        const board b = small(R"(width="3" height="3" topology="hexagonal" wrap="true")");
        for (const auto& c : b.chips) {
            CHECK(b.neighbours(c.coordinates()).size() == 6);
        }
        CHECK(b.neighbours({0, 0}) == coords({{1, 0}, {1, 1}, {0, 1}, {2, 0}, {2, 2}, {0, 2}}));
    }
    SECTION("on a torus two chips wide, E and W lead to the same neighbour, counted once") {
        const board b = small(R"(width="2" height="3" topology="torus")");
        CHECK(b.find_link({0, 0}, direction::east)->to == chip_coordinates{1, 0});
        CHECK(b.find_link({0, 0}, direction::west)->to == chip_coordinates{1, 0});
        CHECK(b.neighbours({0, 0}) == coords({{1, 0}, {0, 1}, {0, 2}}));
    }
    SECTION("a torus one chip wide has no link from a chip to itself") {
        const board b = small(R"(width="1" height="1" topology="torus")");
        CHECK(b.links.empty());
        CHECK(b.neighbours({0, 0}).empty());
    }
    SECTION("step() follows the grid and stops at edges that do not wrap") {
        const sf::mapper::grid_shape mesh{3, 3, topology::mesh, false};
        CHECK_FALSE(sf::mapper::step(mesh, {0, 0}, direction::west).has_value());
        CHECK(sf::mapper::step(mesh, {0, 0}, direction::north) == chip_coordinates{0, 1});
        const sf::mapper::grid_shape torus{3, 3, topology::torus, true};
        CHECK(sf::mapper::step(torus, {0, 0}, direction::south) == chip_coordinates{0, 2});
        CHECK_FALSE(sf::mapper::has_direction(topology::torus, direction::north_east));
        CHECK(sf::mapper::directions(topology::hexagonal).size() == 6);
    }
}

TEST_CASE("board: one chip may differ from the others", "[mapper][board]") {
    const board b = small(R"(width="2" height="1" topology="mesh")",
                          R"(<chip x="1" y="0" cores="3" application_cores="1" link_bandwidth="40"/>
)");
    const auto* c = b.find_chip({1, 0});
    CHECK(c->cores == 3);
    CHECK(c->application_cores == 1);
    CHECK(c->router_entries == 8);
    CHECK(b.find_chip({0, 0})->application_cores == 2);
    CHECK(b.application_core_count() == 3);
    // A link carries what the slower of its two chips can.
    CHECK(b.find_link({0, 0}, direction::east)->bandwidth == 40);
}

TEST_CASE("board: optional attributes take their documented defaults", "[mapper][board]") {
    const board b = small(R"(width="1" height="1" topology="mesh")");
    CHECK(b.speedup == 1.0);
    CHECK(b.chips.front().application_cores == 2);
    CHECK(b.chips.front().application_router_entries == 8);
    CHECK(b.core.state_word_bits == 32);
    CHECK_FALSE(b.core.weights_signed);
    CHECK(b.core.max_fan_in == 0);
    CHECK(small(R"(width="2" height="2" topology="torus")").grid.wraps);
    CHECK_FALSE(small(R"(width="2" height="2" topology="hexagonal")").grid.wraps);
}

TEST_CASE("board: time steps are read with their unit", "[mapper][board]") {
    const auto step_of = [](const std::string& text) {
        return load_board_text(R"(<board name="t" time_step=")" + text + R"(">
<chips width="1" height="1" topology="mesh" cores="1" router_entries="0" link_bandwidth="1"/>
<core neurons="1" state_words_per_neuron="0" state_memory_words="0" synaptic_memory_bytes="0" program_words="0"
      constant_words="0" lookup_table_words="0" weight_bits="1" delay_slots="1" input_channels="1"/>
</board>)",
                               "t.xml")
            .time_step.count();
    };
    CHECK(step_of("1 ms") == 1000);
    CHECK(step_of("0.1ms") == 100);
    CHECK(step_of("100 us") == 100);
    CHECK(step_of("0.001 s") == 1000);
    CHECK(step_of("1e-1 ms") == 100);
}
