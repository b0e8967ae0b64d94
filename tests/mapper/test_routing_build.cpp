// Multicast trees: what tables they give on small boards, default routes, failed chips and links,
// and random sources on tiny, spinn5 and three joined spinn5 boards, checked by replay before and
// after compression.
#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_check.hpp>
#include <sf/mapper/routing_compress.hpp>
#include <sf/mapper/routing_load.hpp>

namespace Catch {
template <>
struct StringMaker<sf::mapper::route_entry> {
    static std::string convert(const sf::mapper::route_entry& e) {
        return sf::mapper::key_name(e.key) + "/" + sf::mapper::key_name(e.mask) + " -> " +
               sf::mapper::route_string(e.route);
    }
};
} // namespace Catch

namespace {

using sf::mapper::board;
using sf::mapper::build_routes;
using sf::mapper::compile_error;
using sf::mapper::core_bit;
using sf::mapper::core_location;
using sf::mapper::direction;
using sf::mapper::key_space;
using sf::mapper::link_bit;
using sf::mapper::multicast_source;
using sf::mapper::route_entry;
using sf::mapper::routing_table;

const std::string core_attributes =
    R"(neurons="16" state_words_per_neuron="8" state_memory_words="128" synaptic_memory_bytes="0" )"
    R"(program_words="8" constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1" )"
    R"(input_channels="1")";

// A board of width x height chips of `topology` with `body` inside <chips>.
board small_board(int width, int height, const std::string& topology,
                  const std::string& body = "") {
    return sf::mapper::load_board_text(
        R"(<board name="small" time_step="1 ms"><chips width=")" + std::to_string(width) +
            R"(" height=")" + std::to_string(height) + R"(" topology=")" + topology +
            R"(" cores="4" application_cores="3" router_entries="64" link_bandwidth="1000">)" +
            body + "</chips><core " + core_attributes + "/></board>",
        "small.xml");
}

const routing_table& table_at(const std::vector<routing_table>& tables, int x, int y) {
    const auto it = std::find_if(tables.begin(), tables.end(), [x, y](const routing_table& t) {
        return t.chip.x == x && t.chip.y == y;
    });
    REQUIRE(it != tables.end());
    return *it;
}

std::size_t entry_count(const std::vector<routing_table>& tables) {
    std::size_t n = 0;
    for (const routing_table& t : tables) {
        n += t.entries.size();
    }
    return n;
}

double total_load(const board& b, const std::vector<routing_table>& tables,
                  const std::vector<multicast_source>& sources) {
    double total = 0;
    for (const auto& l : sf::mapper::link_loads(b, tables, sources)) {
        total += l.packets_per_step;
    }
    return total;
}

multicast_source source(key_space keys, core_location from, std::vector<core_location> to) {
    return {keys, from, std::move(to)};
}

// `count` sources on random application cores of available chips, each with 1 to `most_targets`
// targets: half anywhere on the board, half on chips near the source.
std::vector<multicast_source> random_sources(const board& b, std::mt19937& random, int count,
                                             int most_targets) {
    std::vector<core_location> cores;
    for (const auto& c : b.chips) {
        for (int k = 0; c.available && k < std::min(c.application_cores, 26); ++k) {
            cores.push_back({c.coordinates(), k});
        }
    }
    std::vector<int> neurons(static_cast<std::size_t>(count));
    for (int& n : neurons) {
        n = 1 + static_cast<int>(random() % static_cast<unsigned>(b.core.neurons));
    }
    const auto keys = sf::mapper::allocate_keys(neurons);
    std::vector<multicast_source> result;
    for (int i = 0; i < count; ++i) {
        multicast_source s;
        s.keys = keys[static_cast<std::size_t>(i)];
        s.source = cores[random() % cores.size()];
        const int targets = 1 + static_cast<int>(random() % static_cast<unsigned>(most_targets));
        for (int t = 0; t < targets; ++t) {
            core_location target = cores[random() % cores.size()];
            if (t % 2 == 1) {
                // Near: a core of a chip within two steps of the source in x and y.
                for (int tries = 0; tries < 20; ++tries) {
                    const core_location& near = cores[random() % cores.size()];
                    if (std::abs(near.chip.x - s.source.chip.x) <= 2 &&
                        std::abs(near.chip.y - s.source.chip.y) <= 2) {
                        target = near;
                        break;
                    }
                }
            }
            s.targets.push_back(target);
        }
        result.push_back(std::move(s));
    }
    return result;
}

void check_random_routes(const board& b, unsigned seed, int count, int most_targets) {
    INFO("board " << b.name << ", seed " << seed << ", " << count << " sources");
    std::mt19937 random(seed);
    const auto sources = random_sources(b, random, count, most_targets);
    const auto tables = build_routes(b, sources);
    REQUIRE(tables.size() == static_cast<std::size_t>(b.chip_count()));
    for (const routing_table& t : tables) {
        REQUIRE(std::is_sorted(
            t.entries.begin(), t.entries.end(),
            [](const route_entry& x, const route_entry& y) { return x.key < y.key; }));
    }
    const auto before = sf::mapper::check_routes(b, tables, sources);
    INFO(before.what);
    REQUIRE(before.ok());
    // The same sources give the same tables.
    const auto again = build_routes(b, sources);
    for (std::size_t i = 0; i < tables.size(); ++i) {
        REQUIRE(again[i].entries == tables[i].entries);
    }
    // Every table minimised as far as it goes.
    const auto defaults = sf::mapper::default_routed_keys(b, tables, sources);
    std::vector<routing_table> small;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        small.push_back(sf::mapper::minimise(tables[i], defaults[i]));
        REQUIRE(small.back().entries.size() <= tables[i].entries.size());
    }
    const auto after = sf::mapper::check_routes(b, small, sources);
    INFO(after.what);
    REQUIRE(after.ok());
    REQUIRE(entry_count(small) <= entry_count(tables));
    // The board's own limits: nothing to do when every table fits.
    const auto fitted = sf::mapper::compress_routes(b, tables, sources);
    REQUIRE(sf::mapper::check_routes(b, fitted, sources).ok());
    // Compression changes no path: the links carry the same packets.
    REQUIRE(total_load(b, small, sources) == Approx(total_load(b, tables, sources)));
}

} // namespace

TEST_CASE("routing: a tree on tiny delivers to cores of its own chip and of others",
          "[mapper][routing]") {
    const board b = sf::mapper::find_board("tiny");
    const std::vector<multicast_source> sources = {
        source({0x100, 0xffffff00u}, {{0, 0}, 0},
               {{{1, 1}, 2}, {{0, 0}, 1}, {{0, 0}, 0}, {{1, 1}, 2}}),
        source({0x200, 0xfffffff0u}, {{1, 0}, 1}, {{{1, 0}, 2}}),
        source({0x300, 0xfffffff0u}, {{1, 0}, 0}, {})};
    const auto tables = build_routes(b, sources);
    REQUIRE(tables.size() == 4);
    CHECK(tables[0].chip == sf::mapper::chip_coordinates{0, 0});
    // (1,1) is two steps away: the path leaves (0,0) by the first direction in link order, E,
    // and turns N at (1,0).
    CHECK(table_at(tables, 0, 0).entries ==
          std::vector<route_entry>{
              {0x100, 0xffffff00u, link_bit(direction::east) | core_bit(0) | core_bit(1)}});
    CHECK(table_at(tables, 0, 1).entries.empty());
    CHECK(table_at(tables, 1, 1).entries ==
          std::vector<route_entry>{{0x100, 0xffffff00u, core_bit(2)}});
    // A source whose targets are on its own chip; a source with none needs no entry.
    CHECK(table_at(tables, 1, 0).entries ==
          std::vector<route_entry>{{0x100, 0xffffff00u, link_bit(direction::north)},
                                   {0x200, 0xfffffff0u, core_bit(2)}});
    const auto check = sf::mapper::check_routes(b, tables, sources);
    INFO(check.what);
    CHECK(check.ok());
    CHECK(sf::mapper::route_string(link_bit(direction::north) | core_bit(0) | core_bit(17)) ==
          "N core 0 core 17");
    CHECK(sf::mapper::route_string(0) == "nothing");
}

TEST_CASE("routing: chips a tree passes straight through get no entry", "[mapper][routing]") {
    SECTION("a line of five chips") {
        const board b = small_board(5, 1, "mesh");
        const std::vector<multicast_source> sources = {
            source({0x000, 0xffffff00u}, {{0, 0}, 0}, {{{4, 0}, 1}}),
            source({0x100, 0xffffff00u}, {{2, 0}, 0}, {{{0, 0}, 0}, {{4, 0}, 2}})};
        const auto tables = build_routes(b, sources);
        CHECK(table_at(tables, 0, 0).entries ==
              std::vector<route_entry>{{0x000, 0xffffff00u, link_bit(direction::east)},
                                       {0x100, 0xffffff00u, core_bit(0)}});
        CHECK(table_at(tables, 1, 0).entries.empty());
        CHECK(table_at(tables, 2, 0).entries ==
              std::vector<route_entry>{
                  {0x100, 0xffffff00u, link_bit(direction::east) | link_bit(direction::west)}});
        CHECK(table_at(tables, 3, 0).entries.empty());
        CHECK(entry_count(tables) == 5);
        CHECK(sf::mapper::check_routes(b, tables, sources).ok());
        // Every key that passes (1,0) and (3,0) does so by default route.
        const auto defaults = sf::mapper::default_routed_keys(b, tables, sources);
        CHECK(defaults[1] == std::vector<key_space>{{0x000, 0xffffff00u}, {0x100, 0xffffff00u}});
        CHECK(defaults[3] == std::vector<key_space>{{0x000, 0xffffff00u}, {0x100, 0xffffff00u}});
        CHECK(defaults[2] == std::vector<key_space>{{0x000, 0xffffff00u}});
    }
    SECTION("a SpiNN-5 board's diagonal and its rows") {
        const board b = sf::mapper::find_board("spinn5");
        const std::vector<multicast_source> sources = {
            source({0x000, 0xffffff00u}, {{0, 0}, 3}, {{{7, 7}, 15}}),
            source({0x100, 0xffffff00u}, {{0, 3}, 0}, {{{7, 3}, 0}}),
            source({0x200, 0xffffff00u}, {{4, 7}, 0}, {{{4, 0}, 0}})};
        const auto tables = build_routes(b, sources);
        // Seven, seven and seven hops, two entries each: at the source and at the target.
        CHECK(entry_count(tables) == 6);
        CHECK(total_load(b, tables, sources) == 21.0);
        CHECK(table_at(tables, 0, 0).entries ==
              std::vector<route_entry>{{0x000, 0xffffff00u, link_bit(direction::north_east)}});
        CHECK(sf::mapper::check_routes(b, tables, sources).ok());
    }
    SECTION("a path that must turn prefers to go straight first from the target back") {
        const board b = small_board(4, 4, "mesh");
        const std::vector<multicast_source> sources = {
            source({0x000, 0xffffff00u}, {{0, 0}, 0}, {{{3, 3}, 0}})};
        const auto tables = build_routes(b, sources);
        // One turn: three entries (source, corner, target) whatever the shortest path.
        CHECK(entry_count(tables) == 3);
        CHECK(total_load(b, tables, sources) == 6.0);
        CHECK(sf::mapper::check_routes(b, tables, sources).ok());
    }
}

TEST_CASE("routing: random sources on tiny, spinn5 and spinn5 x 3 pass the checker before and "
          "after compression",
          "[mapper][routing]") {
    SECTION("tiny") { check_random_routes(sf::mapper::find_board("tiny"), 11, 40, 6); }
    SECTION("tiny x 4, a 4 x 4 mesh") {
        check_random_routes(sf::mapper::join(sf::mapper::find_board("tiny"), 4), 12, 100, 8);
    }
    SECTION("spinn5") { check_random_routes(sf::mapper::find_board("spinn5"), 13, 400, 8); }
    SECTION("spinn5 x 3, a torus") {
        check_random_routes(sf::mapper::join(sf::mapper::find_board("spinn5"), 3), 14, 400, 12);
    }
    SECTION("spinn5 x 2, not wrapped") {
        check_random_routes(sf::mapper::join(sf::mapper::find_board("spinn5"), 2), 15, 200, 6);
    }
}

TEST_CASE("routing: failed chips and dead links are routed around", "[mapper][routing]") {
    SECTION("a dead link on the straight path") {
        const board b =
            small_board(3, 3, "mesh", R"(<unavailable_link x="0" y="1" direction="E"/>)");
        const std::vector<multicast_source> sources = {
            source({0x000, 0xffffff00u}, {{0, 1}, 0}, {{{2, 1}, 0}})};
        const auto tables = build_routes(b, sources);
        CHECK(sf::mapper::check_routes(b, tables, sources).ok());
        CHECK(total_load(b, tables, sources) == 4.0); // two steps became four
        const auto loads = sf::mapper::link_loads(b, tables, sources);
        CHECK(loads[static_cast<std::size_t>(b.find_link({0, 1}, direction::east) - b.links.data())]
                  .packets_per_step == 0.0);
    }
    SECTION("a failed chip in the middle") {
        const board b = small_board(3, 3, "mesh", R"(<unavailable_chip x="1" y="1"/>)");
        const std::vector<multicast_source> sources = {
            source({0x000, 0xffffff00u}, {{0, 1}, 2}, {{{2, 1}, 1}, {{1, 2}, 0}}),
            source({0x100, 0xffffff00u}, {{1, 0}, 1}, {{{1, 2}, 1}})};
        const auto tables = build_routes(b, sources);
        CHECK(tables.size() == 8); // no table for the failed chip
        const auto check = sf::mapper::check_routes(b, tables, sources);
        INFO(check.what);
        CHECK(check.ok());
        CHECK(total_load(b, tables, sources) == 4.0 + 4.0);
    }
    SECTION("a hexagonal board with a failed chip and a dead link") {
        const board b = small_board(
            4, 4, "hexagonal",
            R"(<unavailable_chip x="1" y="1"/><unavailable_link x="0" y="0" direction="E"/>)");
        std::mt19937 random(16);
        const auto sources = random_sources(b, random, 60, 5);
        const auto tables = build_routes(b, sources);
        const auto check = sf::mapper::check_routes(b, tables, sources);
        INFO("seed 16: " << check.what);
        CHECK(check.ok());
    }
}

TEST_CASE("routing: an unreachable target is named with its source", "[mapper][routing]") {
    const board b = small_board(3, 1, "mesh", R"(<unavailable_link x="1" y="0" direction="E"/>)");
    try {
        build_routes(b, {source({0x000, 0xffffff00u}, {{0, 0}, 1}, {{{1, 0}, 0}, {{2, 0}, 2}})});
        FAIL("routed over a dead link");
    } catch (const compile_error& e) {
        CHECK(e.message() == "routing: source core 1 of chip (0,0) cannot reach its target chip "
                             "(2,0): no path over available links");
    }
    const board failed = small_board(3, 1, "mesh", R"(<unavailable_chip x="2" y="0"/>)");
    try {
        build_routes(failed, {source({0x000, 0xffffff00u}, {{0, 0}, 1}, {{{2, 0}, 2}})});
        FAIL("routed to a failed chip");
    } catch (const compile_error& e) {
        CHECK(e.message() == "routing: source core 1 of chip (0,0) cannot reach its target chip "
                             "(2,0): the chip is unavailable");
    }
}

TEST_CASE("routing: sources and targets the board cannot have are refused", "[mapper][routing]") {
    const board b = sf::mapper::find_board("tiny");
    const auto refused = [&b](const std::vector<multicast_source>& sources,
                              const std::string& message) {
        try {
            build_routes(b, sources);
            FAIL("routed: " << message);
        } catch (const compile_error& e) {
            CHECK_THAT(e.message(), Catch::Contains(message));
        }
    };
    refused({source({0, 0xffffff00u}, {{0, 0}, 3}, {})},
            "source core 3 of chip (0,0) is not an application core; chip (0,0) has 3 (0 to 2)");
    refused({source({0, 0xffffff00u}, {{0, 0}, 0}, {{{2, 0}, 0}})},
            "target core 0 of chip (2,0) is not on board tiny's chips");
    refused({source({1, 0xffffff00u}, {{0, 0}, 0}, {})},
            "the key space 0x00000001/0xffffff00 of core 0 of chip (0,0) has key bits outside its "
            "mask");
    refused(
        {source({0x000, 0xffffff00u}, {{0, 0}, 0}, {}),
         source({0x080, 0xffffff80u}, {{1, 0}, 0}, {})},
        "the key spaces of sources 0 (core 0 of chip (0,0)) and 1 (core 0 of chip (1,0)) overlap");
    const board wide = sf::mapper::load_board_text(
        R"(<board name="wide" time_step="1 ms"><chips width="1" height="1" topology="mesh" cores="40" router_entries="64" link_bandwidth="1000"/><core )" +
            core_attributes + "/></board>",
        "wide.xml");
    try {
        build_routes(wide, {source({0, 0xffffff00u}, {{0, 0}, 0}, {{{0, 0}, 26}})});
        FAIL("routed to core 26");
    } catch (const compile_error& e) {
        CHECK_THAT(e.message(), Catch::Contains("is past the cores a route can reach (0 to 25)"));
    }
}

TEST_CASE("routing: statistics of three joined spinn5 boards with 1000 sources",
          "[mapper][routing][.slow]") {
    const board b = sf::mapper::join(sf::mapper::find_board("spinn5"), 3);
    const unsigned seed = 2024;
    std::mt19937 random(seed);
    const auto sources = random_sources(b, random, 1000, 8);
    using clock = std::chrono::steady_clock;
    const auto seconds = [](clock::time_point since) {
        return std::chrono::duration<double>(clock::now() - since).count();
    };
    auto started = clock::now();
    const auto tables = build_routes(b, sources);
    const double build_time = seconds(started);
    started = clock::now();
    const auto defaults = sf::mapper::default_routed_keys(b, tables, sources);
    std::vector<routing_table> small;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        small.push_back(sf::mapper::minimise(tables[i], defaults[i]));
    }
    const double minimise_time = seconds(started);
    started = clock::now();
    const auto check = sf::mapper::check_routes(b, small, sources);
    const double check_time = seconds(started);
    WARN("seed " << seed << ": " << entry_count(tables) << " entries, " << entry_count(small)
                 << " minimised; build " << build_time << " s, minimise " << minimise_time
                 << " s, check " << check_time << " s, " << total_load(b, tables, sources)
                 << " link hops");
    CHECK(check.ok());
}
