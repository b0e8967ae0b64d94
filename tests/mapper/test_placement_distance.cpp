// Hop distances between chips: the topology's formula, and shortest paths over the links that
// work when chips or links have failed.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_geometry.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/placement_distance.hpp>

#include "grid_board.hpp"

namespace {

using sf::mapper::board;
using sf::mapper::chip_coordinates;
using sf::mapper::grid_hops;
using sf::mapper::grid_shape;
using sf::mapper::hop_distances;
using sf::mapper::hops;
using sf::mapper::join;
using sf::mapper::topology;
using sf::mapper::test::grid_board;

// Every pair of chips: the table, the formula (on a complete grid) and one search agree.
void check_all_pairs(const board& b, bool formula_too) {
    const hop_distances d(b);
    for (const auto& from : b.chips) {
        for (const auto& to : b.chips) {
            INFO("(" << from.x << "," << from.y << ") to (" << to.x << "," << to.y << ")");
            const int searched = hops(b, from.coordinates(), to.coordinates());
            REQUIRE(d(from.coordinates(), to.coordinates()) == searched);
            if (formula_too) {
                REQUIRE(grid_hops(b.grid, from.coordinates(), to.coordinates()) == searched);
            }
        }
    }
}

} // namespace

TEST_CASE("placement distance: hand-computed hops on each topology", "[mapper][placement]") {
    SECTION("mesh: Manhattan") {
        const grid_shape mesh{6, 5, topology::mesh, false};
        CHECK(grid_hops(mesh, {0, 0}, {3, 2}) == 5);
        CHECK(grid_hops(mesh, {5, 4}, {0, 0}) == 9);
        CHECK(grid_hops(mesh, {2, 3}, {2, 3}) == 0);
    }
    SECTION("torus: Manhattan the shorter way round") {
        const grid_shape torus{5, 4, topology::torus, true};
        CHECK(grid_hops(torus, {0, 0}, {4, 3}) == 2);
        CHECK(grid_hops(torus, {0, 0}, {2, 2}) == 4);
        CHECK(grid_hops(torus, {1, 0}, {3, 0}) == 2);
        CHECK(grid_hops(torus, {0, 1}, {3, 1}) == 2);
    }
    SECTION("hexagonal: a diagonal step counts once when x and y go the same way") {
        const grid_shape hex{8, 8, topology::hexagonal, false};
        CHECK(grid_hops(hex, {0, 0}, {3, 2}) == 3);
        CHECK(grid_hops(hex, {3, 2}, {0, 0}) == 3);
        CHECK(grid_hops(hex, {1, 3}, {3, 1}) == 4);
        CHECK(grid_hops(hex, {0, 5}, {0, 0}) == 5);
        CHECK(grid_hops(hex, {7, 7}, {0, 0}) == 7);
        CHECK(grid_hops(hex, {0, 7}, {7, 0}) == 14);
    }
    SECTION("hexagonal torus: SpiNNaker's 12 x 12 three-board machine") {
        const grid_shape hex{12, 12, topology::hexagonal, true};
        CHECK(grid_hops(hex, {0, 0}, {11, 0}) == 1);  // W across the edge
        CHECK(grid_hops(hex, {0, 0}, {11, 11}) == 1); // SW across the corner
        CHECK(grid_hops(hex, {0, 0}, {1, 11}) == 2);  // S then E
        CHECK(grid_hops(hex, {0, 0}, {6, 6}) == 6);
        CHECK(grid_hops(hex, {0, 0}, {7, 0}) == 5);
        CHECK(grid_hops(hex, {0, 0}, {4, 8}) == 8);
        CHECK(grid_hops(hex, {2, 10}, {10, 2}) == 8);
    }
}

TEST_CASE("placement distance: the formula is the shortest path on complete grids",
          "[mapper][placement]") {
    SECTION("mesh") {
        check_all_pairs(grid_board(R"(cores="2" width="5" height="4" topology="mesh")"), true);
    }
    SECTION("torus") {
        check_all_pairs(grid_board(R"(cores="2" width="5" height="4" topology="torus")"), true);
        check_all_pairs(grid_board(R"(cores="2" width="2" height="3" topology="torus")"), true);
    }
    SECTION("hexagonal") {
        check_all_pairs(grid_board(R"(cores="2" width="6" height="5" topology="hexagonal")"), true);
        check_all_pairs(
            grid_board(R"(cores="2" width="5" height="7" topology="hexagonal" wrap="true")"), true);
    }
    SECTION("three SpiNN-5 boards: the hexagonal outlines close into a 12 x 12 torus") {
        check_all_pairs(join(sf::mapper::find_board("spinn5"), 3), true);
    }
    SECTION("one SpiNN-5 board: its hexagon is convex on the triangular mesh") {
        check_all_pairs(sf::mapper::find_board("spinn5"), true);
    }
}

TEST_CASE("placement distance: failed chips and dead links make paths longer",
          "[mapper][placement]") {
    SECTION("a failed chip is walked around") {
        const board b = grid_board(R"(cores="2" width="3" height="3" topology="mesh")",
                                   R"(<unavailable_chip x="1" y="1"/>
)");
        const hop_distances d(b);
        CHECK(d.exact());
        CHECK(d.chip_count() == 8);
        CHECK(d({0, 1}, {2, 1}) == 4);
        CHECK(d({1, 0}, {1, 2}) == 4);
        CHECK(d({0, 0}, {2, 2}) == 4);
        CHECK(d({1, 1}, {0, 0}) == -1); // not an available chip
        CHECK(d.index({1, 1}) == -1);
        CHECK(hops(b, {0, 1}, {2, 1}) == 4);
        check_all_pairs(b, false);
    }
    SECTION("a dead link is walked around") {
        const board b = grid_board(R"(cores="2" width="3" height="3" topology="hexagonal")",
                                   R"(<unavailable_link x="1" y="1" direction="NE"/>
)");
        const hop_distances d(b);
        CHECK(d({1, 1}, {2, 2}) == 2);
        CHECK(d({2, 2}, {1, 1}) == 2);
        CHECK(d({0, 0}, {2, 2}) == 3);
        CHECK(grid_hops(b.grid, {0, 0}, {2, 2}) == 2);
        check_all_pairs(b, false);
    }
    SECTION("failed chips on joined SpiNN-5 boards") {
        board b = join(sf::mapper::find_board("spinn5"), 3);
        for (const chip_coordinates c : {chip_coordinates{1, 1}, chip_coordinates{2, 1},
                                         chip_coordinates{9, 9}, chip_coordinates{5, 10}}) {
            auto it = std::find_if(b.chips.begin(), b.chips.end(),
                                   [c](const auto& one) { return one.coordinates() == c; });
            REQUIRE(it != b.chips.end());
            it->available = false;
        }
        sf::mapper::connect_chips(b, {});
        check_all_pairs(b, false);
    }
    SECTION("chips that no path joins") {
        const board b = grid_board(R"(cores="2" width="3" height="1" topology="mesh")",
                                   R"(<unavailable_chip x="1" y="0"/>
)");
        const hop_distances d(b);
        CHECK(d({0, 0}, {2, 0}) == -1);
        CHECK(hops(b, {0, 0}, {2, 0}) == -1);
        CHECK(d.component(d.index({0, 0})) != d.component(d.index({2, 0})));
        CHECK(d.cost_between(d.index({0, 0}), d.index({2, 0})) == d.unreachable_cost());
        CHECK(d.unreachable_cost() >= 4 * (3 + 1));
        CHECK(d.cost_between(d.index({0, 0}), d.index({0, 0})) == 0);
    }
}

TEST_CASE("placement distance: boards past the table size use the formula", "[mapper][placement]") {
    SECTION("a complete grid: exact") {
        const board b =
            grid_board(R"(cores="2" width="70" height="60" topology="hexagonal" wrap="true")");
        const hop_distances d(b);
        REQUIRE(d.chip_count() > hop_distances::max_table_chips);
        CHECK(d.exact());
        CHECK(d({0, 0}, {69, 59}) == 1);
        CHECK(d({0, 0}, {35, 30}) == 35);
        CHECK(d({3, 50}, {60, 4}) == hops(b, {3, 50}, {60, 4}));
        CHECK(d({10, 10}, {40, 45}) == hops(b, {10, 10}, {40, 45}));
    }
    SECTION("failed chips: a lower bound, but parts that no path joins are still told apart") {
        std::string body;
        for (int x = 0; x < 70; ++x) {
            body += R"(<unavailable_chip x=")" + std::to_string(x) + R"(" y="30"/>)" + "\n";
        }
        const board b = grid_board(R"(cores="2" width="70" height="61" topology="mesh")", body);
        const hop_distances d(b);
        REQUIRE(d.chip_count() > hop_distances::max_table_chips);
        CHECK_FALSE(d.exact());
        CHECK(d({0, 0}, {0, 60}) == -1);
        CHECK(d({0, 0}, {69, 29}) == 98);
        CHECK(d({0, 31}, {5, 60}) == 34);
    }
}
