// Placement of slices on application cores: every slice gets its own core on a working chip,
// heavy traffic ends up on one chip or near chips, and the result is the same for the same seed.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/placement.hpp>

#include "grid_board.hpp"

namespace {

using sf::mapper::board;
using sf::mapper::compile_error;
using sf::mapper::core_location;
using sf::mapper::join;
using sf::mapper::place;
using sf::mapper::place_detailed;
using sf::mapper::placement_cost;
using sf::mapper::placement_options;
using sf::mapper::slice_traffic;
using sf::mapper::test::grid_board;

// Random traffic: `entries` pairs drawn uniformly (self-loops and repeats included), weights 1-10.
std::vector<slice_traffic> random_traffic(int slices, int entries, std::uint32_t seed) {
    std::mt19937 random(seed);
    std::vector<slice_traffic> traffic;
    for (int i = 0; i < entries; ++i) {
        const int a = static_cast<int>(random() % static_cast<std::uint32_t>(slices));
        const int b = static_cast<int>(random() % static_cast<std::uint32_t>(slices));
        traffic.push_back({a, b, 1.0 + static_cast<double>(random() % 10)});
    }
    return traffic;
}

// A chain of slices numbered in a shuffled order, so that slice numbers give placement no hint.
std::vector<slice_traffic> shuffled_chain(int slices, std::uint32_t seed) {
    std::vector<int> label(static_cast<std::size_t>(slices));
    for (int i = 0; i < slices; ++i) {
        label[static_cast<std::size_t>(i)] = i;
    }
    std::mt19937 random(seed);
    for (std::size_t i = label.size(); i > 1; --i) {
        std::swap(label[i - 1], label[random() % i]);
    }
    std::vector<slice_traffic> traffic;
    for (std::size_t i = 0; i + 1 < label.size(); ++i) {
        traffic.push_back({label[i], label[i + 1], 1.0});
    }
    return traffic;
}

// Slices on a columns x rows grid, each sending to its four neighbours.
std::vector<slice_traffic> slice_grid(int columns, int rows) {
    std::vector<slice_traffic> traffic;
    for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < columns; ++x) {
            const int s = y * columns + x;
            if (x + 1 < columns) {
                traffic.push_back({s, s + 1, 1.0});
            }
            if (y + 1 < rows) {
                traffic.push_back({s, s + columns, 1.0});
            }
        }
    }
    return traffic;
}

void check_valid(const board& b, const std::vector<core_location>& cores, std::size_t slices) {
    REQUIRE(cores.size() == slices);
    std::set<core_location> used;
    for (const core_location& c : cores) {
        INFO("core " << c.core << " of chip (" << c.chip.x << "," << c.chip.y << ")");
        const auto* on = b.find_chip(c.chip);
        REQUIRE(on != nullptr);
        CHECK(on->available);
        CHECK(c.core >= 0);
        CHECK(c.core < on->application_cores);
        CHECK(used.insert(c).second);
    }
}

} // namespace

TEST_CASE("placement: every slice gets its own application core on an available chip",
          "[mapper][placement]") {
    // 16 positions, two failed chips, one chip with a single application core: 13 x 3 + 1 = 40.
    const board b =
        grid_board(R"(width="4" height="4" topology="hexagonal" cores="4" application_cores="3")",
                   R"(<unavailable_chip x="1" y="1"/>
<unavailable_chip x="3" y="0"/>
<chip x="2" y="2" application_cores="1"/>
)");
    REQUIRE(b.application_core_count() == 40);
    SECTION("a full board") {
        const auto traffic = random_traffic(40, 300, 7);
        check_valid(b, place(b, 40, traffic), 40);
    }
    SECTION("a few slices, with and without traffic") {
        check_valid(b, place(b, 5, {}), 5);
        check_valid(b, place(b, 5, random_traffic(5, 10, 3)), 5);
        check_valid(b, place(b, 1, {{0, 0, 3.0}}), 1);
        CHECK(place(b, 0, {}).empty());
    }
    SECTION("without improvement") {
        placement_options options;
        options.improvement_seconds = 0.0;
        check_valid(b, place(b, 40, random_traffic(40, 300, 8), options), 40);
    }
    SECTION("on the built-in boards") {
        const board tiny = sf::mapper::find_board("tiny");
        check_valid(tiny, place(tiny, 12, random_traffic(12, 40, 1)), 12);
        const board spinn5 = sf::mapper::find_board("spinn5");
        check_valid(spinn5, place(spinn5, 700, random_traffic(700, 5000, 2)), 700);
    }
}

TEST_CASE("placement: too many slices name what they need and what the board has",
          "[mapper][placement]") {
    const board b =
        grid_board(R"(width="3" height="3" topology="mesh" cores="4" application_cores="3")",
                   R"(<unavailable_chip x="1" y="1"/>
)");
    REQUIRE(b.application_core_count() == 24);
    check_valid(b, place(b, 24, {}), 24);
    REQUIRE_THROWS_AS(place(b, 25, {}), compile_error);
    try {
        place(b, 25, {});
    } catch (const compile_error& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(e.group() == "placement");
        CHECK(what.find("25 slices need 25 application cores") != std::string::npos);
        CHECK(what.find("'grid' has 24 on its 8 available chips") != std::string::npos);
        CHECK(what.find("1 of its 9 chips are unavailable") != std::string::npos);
    }
}

TEST_CASE("placement: traffic and options that cannot be used are refused", "[mapper][placement]") {
    const board b = sf::mapper::find_board("tiny");
    CHECK_THROWS_AS(place(b, 4, {{0, 4, 1.0}}), compile_error);
    CHECK_THROWS_AS(place(b, 4, {{-1, 0, 1.0}}), compile_error);
    CHECK_THROWS_AS(place(b, 4, {{0, 1, -1.0}}), compile_error);
    CHECK_THROWS_AS(place(b, 4, {{0, 1, std::numeric_limits<double>::quiet_NaN()}}), compile_error);
    CHECK_THROWS_AS(place(b, 4, {{0, 1, std::numeric_limits<double>::infinity()}}), compile_error);
    CHECK_THROWS_WITH(place(b, 4, {{0, 1, 1.0}, {2, 7, 1.0}}),
                      Catch::Contains("traffic entry 1 names slice 7; the slices are 0 to 3"));
    placement_options options;
    options.groups = {0, 0, 1};
    CHECK_THROWS_WITH(place(b, 4, {}, options), Catch::Contains("one per slice (4)"));
    options.groups.clear();
    options.improvement_seconds = -1.0;
    CHECK_THROWS_AS(place(b, 4, {}, options), compile_error);
    SECTION("placement_cost checks what it is given") {
        const auto cores = place(b, 4, {{0, 1, 1.0}});
        CHECK_THROWS_AS(placement_cost(b, cores, {{0, 4, 1.0}}), compile_error);
        CHECK_THROWS_AS(placement_cost(b, {{{5, 5}, 0}}, {}), compile_error);
    }
}

TEST_CASE("placement: the cost counts weight times hops between chips", "[mapper][placement]") {
    const board b = grid_board(R"(width="4" height="1" topology="mesh" cores="2")");
    const std::vector<core_location> cores = {{{0, 0}, 0}, {{0, 0}, 1}, {{1, 0}, 0}, {{3, 0}, 0}};
    CHECK(placement_cost(b, cores, {{0, 1, 5.0}}) == 0.0);              // one chip: free
    CHECK(placement_cost(b, cores, {{0, 2, 2.0}}) == 2.0);              // one hop
    CHECK(placement_cost(b, cores, {{3, 0, 1.5}, {0, 3, 1.5}}) == 9.0); // three hops, twice
    CHECK(placement_cost(b, cores, {{2, 2, 7.0}}) == 0.0);              // to itself
    CHECK(placement_cost(b, cores, {{0, 2, 1.0}, {0, 2, 1.0}, {1, 3, 0.5}}) == 3.5);
}

TEST_CASE("placement: slices that talk share a chip", "[mapper][placement]") {
    const board b = sf::mapper::find_board("spinn5");
    // Four clusters of 16 all-to-all slices, numbered so that clusters interleave.
    std::vector<slice_traffic> traffic;
    for (int i = 0; i < 64; ++i) {
        for (int j = 0; j < 64; ++j) {
            if (i != j && i % 4 == j % 4) {
                traffic.push_back({i, j, 1.0});
            }
        }
    }
    const auto result = place_detailed(b, 64, traffic);
    CHECK(result.cost == 0.0);
    CHECK(result.constructive_cost == 0.0);
    for (int i = 4; i < 64; ++i) {
        CHECK(result.cores[static_cast<std::size_t>(i)].chip ==
              result.cores[static_cast<std::size_t>(i % 4)].chip);
    }
}

TEST_CASE("placement: the same seed gives the same placement", "[mapper][placement]") {
    const board b = sf::mapper::find_board("spinn5");
    const auto traffic = random_traffic(500, 4000, 11);
    placement_options options;
    options.seed = 42;
    options.improvement_seconds = std::numeric_limits<double>::infinity(); // until no move helps
    const auto first = place_detailed(b, 500, traffic, options);
    const auto second = place_detailed(b, 500, traffic, options);
    CHECK(first.converged);
    CHECK(first.cores == second.cores);
    CHECK(first.cost == second.cost);
    CHECK(first.moves == second.moves);
    options.improvement_seconds = 0.0;
    CHECK(place(b, 500, traffic, options) == place(b, 500, traffic, options));
}

TEST_CASE("placement: improvement never makes the constructive placement worse",
          "[mapper][placement]") {
    const board b = join(sf::mapper::find_board("spinn5"), 3);
    for (const int seed : {1, 2}) {
        for (const int slices : {50, 400, 2304}) {
            for (const double seconds : {0.002, 0.05}) {
                INFO("seed " << seed << ", " << slices << " slices, " << seconds << " s");
                const auto traffic =
                    random_traffic(slices, slices * 10, static_cast<std::uint32_t>(seed));
                placement_options options;
                options.seed = seed;
                options.improvement_seconds = 0.0;
                const auto constructive =
                    place(b, static_cast<std::size_t>(slices), traffic, options);
                options.improvement_seconds = seconds;
                const auto result =
                    place_detailed(b, static_cast<std::size_t>(slices), traffic, options);
                CHECK(result.constructive_cost == placement_cost(b, constructive, traffic));
                CHECK(result.constructive_cost ==
                      std::min(result.walk_cost, result.bisection_cost));
                CHECK(result.cost == placement_cost(b, result.cores, traffic));
                CHECK(result.cost <= result.constructive_cost);
                check_valid(b, result.cores, static_cast<std::size_t>(slices));
            }
        }
    }
}

TEST_CASE("placement: a chain comes close to one hop per chip boundary", "[mapper][placement]") {
    // 320 slices fill 20 chips of 16 cores: at best 19 boundaries of one hop each.
    const board b = sf::mapper::find_board("spinn5");
    for (const std::uint32_t seed : {1U, 2U}) {
        const auto traffic = shuffled_chain(320, seed);
        const auto result = place_detailed(b, 320, traffic);
        WARN("chain of 320 on spinn5: walk " << result.walk_cost << ", bisection "
                                             << result.bisection_cost << ", improved "
                                             << result.cost << ", optimum 19");
        CHECK(result.cost <= 19 * 1.2);
    }
}

TEST_CASE("placement: a grid of slices comes close to blocks of one chip each",
          "[mapper][placement]") {
    // 8 x 8 slices on 4 x 4 chips of 4 cores: at best 2 x 2 blocks, 48 edges crossing one hop.
    const board b = grid_board(R"(width="4" height="4" topology="mesh" cores="4")");
    const auto traffic = slice_grid(8, 8);
    const auto result = place_detailed(b, 64, traffic);
    WARN("8 x 8 grid on a 4 x 4 mesh: walk " << result.walk_cost << ", bisection "
                                             << result.bisection_cost << ", improved "
                                             << result.cost << ", optimum 48");
    CHECK(result.cost <= 48 * 1.3);
}

TEST_CASE("placement: groups are kept together on consecutive chips", "[mapper][placement]") {
    const board b = grid_board(R"(width="4" height="4" topology="mesh" cores="4")");
    placement_options options;
    for (int s = 0; s < 24; ++s) {
        options.groups.push_back(s % 3 == 0 ? 7 : (s % 3 == 1 ? -2 : 5)); // three groups of 8
    }
    const auto cores = place(b, 24, {}, options);
    for (int s = 0; s < 24; ++s) {
        for (int t = 0; t < 24; ++t) {
            if (cores[static_cast<std::size_t>(s)].chip ==
                cores[static_cast<std::size_t>(t)].chip) {
                CHECK(options.groups[static_cast<std::size_t>(s)] ==
                      options.groups[static_cast<std::size_t>(t)]);
            }
        }
    }
}

TEST_CASE("placement: slices that talk stay where a path joins them", "[mapper][placement]") {
    // A column of failed chips cuts the mesh in two parts of 2 chips x 2 cores; two chains of 4
    // slices each fit one part, costing one hop each.
    const board b = grid_board(R"(width="3" height="2" topology="mesh" cores="2")",
                               R"(<unavailable_chip x="1" y="0"/>
<unavailable_chip x="1" y="1"/>
)");
    std::vector<slice_traffic> traffic;
    for (int s = 0; s + 1 < 8; ++s) {
        if (s != 3) {
            traffic.push_back({(s * 5) % 8, ((s + 1) * 5) % 8, 1.0}); // numbered out of order
        }
    }
    const auto result = place_detailed(b, 8, traffic);
    check_valid(b, result.cores, 8);
    CHECK(result.cost == 2.0);
}

TEST_CASE("placement: 2000 slices on 24 SpiNN-5 boards", "[mapper][placement][.slow]") {
    const board b = sf::mapper::find_board("spinn5 x 24");
    const auto report = [](const std::string& what, const sf::mapper::placement_result& r) {
        std::cout << what << ": walk " << r.walk_cost << ", bisection " << r.bisection_cost
                  << ", constructive " << r.constructive_cost << " in " << r.constructive_seconds
                  << " s, improved " << r.cost << " in " << r.improvement_seconds << " s ("
                  << r.rounds << " rounds, " << r.moves << " moves, "
                  << (r.converged ? "converged" : "budget ran out") << ")\n";
    };
    SECTION("random traffic") {
        const auto traffic = random_traffic(2000, 100000, 1);
        const auto result = place_detailed(b, 2000, traffic);
        report("random, 2000 slices, 100000 entries", result);
        check_valid(b, result.cores, 2000);
        CHECK(result.constructive_seconds + result.improvement_seconds < 5.0);
    }
    SECTION("local traffic: a 40 x 50 sheet of slices, each to those within 3 steps") {
        std::vector<slice_traffic> traffic;
        for (int y = 0; y < 50; ++y) {
            for (int x = 0; x < 40; ++x) {
                for (int dy = -3; dy <= 3; ++dy) {
                    for (int dx = -3; dx <= 3; ++dx) {
                        const int tx = x + dx;
                        const int ty = y + dy;
                        if ((dx != 0 || dy != 0) && tx >= 0 && ty >= 0 && tx < 40 && ty < 50) {
                            traffic.push_back({y * 40 + x, ty * 40 + tx, 1.0});
                        }
                    }
                }
            }
        }
        const auto result = place_detailed(b, 2000, traffic);
        report("sheet, 2000 slices, " + std::to_string(traffic.size()) + " entries", result);
        // The obvious placement: 4 x 4 blocks of the sheet, one per chip, blocks side by side.
        std::vector<core_location> blocks;
        for (int y = 0; y < 50; ++y) {
            for (int x = 0; x < 40; ++x) {
                blocks.push_back({{x / 4, y / 4}, x % 4 + 4 * (y % 4)});
            }
        }
        check_valid(b, blocks, 2000);
        std::cout << "sheet: 4 x 4 blocks side by side cost " << placement_cost(b, blocks, traffic)
                  << "\n";
        check_valid(b, result.cores, 2000);
        CHECK(result.constructive_seconds + result.improvement_seconds < 5.0);
    }
}
