// Ordered covering: merges that rely on the table's order, keys the default route must keep,
// large random tables, and what is refused.
#include <algorithm>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_check.hpp>
#include <sf/mapper/routing_compress.hpp>

namespace {

using sf::mapper::compile_error;
using sf::mapper::core_bit;
using sf::mapper::direction;
using sf::mapper::key_space;
using sf::mapper::link_bit;
using sf::mapper::minimise;
using sf::mapper::route_entry;
using sf::mapper::routing_table;

constexpr std::uint32_t block = 0xffffff00u; // 256 keys
const std::uint32_t east = link_bit(direction::east);
const std::uint32_t north = link_bit(direction::north);

// Whether every key of `keys` takes `route` in `table` (first match wins), or matches no entry
// when `route` is nothing.
bool all_take(const routing_table& table, key_space keys, std::optional<std::uint32_t> route) {
    std::vector<key_space> left{keys};
    for (const route_entry& e : table.entries) {
        std::vector<key_space> rest;
        for (const key_space& k : left) {
            if (sf::mapper::overlaps(k, e.keys())) {
                if (!route || e.route != *route) {
                    return false;
                }
                for (const key_space& piece : sf::mapper::subtract(k, e.keys())) {
                    rest.push_back(piece);
                }
            } else {
                rest.push_back(k);
            }
        }
        left = std::move(rest);
    }
    return left.empty() || !route;
}

// Every entry's keys keep their route and every default-routed key still matches nothing.
void check_same_behaviour(const routing_table& before, const routing_table& after,
                          const std::vector<key_space>& defaults) {
    for (const route_entry& e : before.entries) {
        INFO("entry " << sf::mapper::key_name(e.key) << "/" << sf::mapper::key_name(e.mask));
        REQUIRE(all_take(after, e.keys(), e.route));
    }
    for (const key_space& d : defaults) {
        INFO("default-routed " << sf::mapper::key_name(d.key) << "/"
                               << sf::mapper::key_name(d.mask));
        REQUIRE(all_take(after, d, std::nullopt));
    }
}

} // namespace

TEST_CASE("routing compression: a merged entry goes below the specific entries it covers",
          "[mapper][routing]") {
    const routing_table table{
        {1, 2},
        {{0x000, block, east}, {0x100, block, north}, {0x200, block, east}, {0x300, block, east}}};
    const routing_table small = minimise(table, {});
    // Three entries to E become one whose keys include 0x100; the N entry stays above it.
    REQUIRE(small.entries ==
            std::vector<route_entry>{{0x100, block, north}, {0x000, 0xfffffc00u, east}});
    CHECK(small.chip == sf::mapper::chip_coordinates{1, 2});
    check_same_behaviour(table, small, {});
    // The order is what makes it right: the other way round, 0x100's keys would go east.
    routing_table reversed = small;
    std::reverse(reversed.entries.begin(), reversed.entries.end());
    CHECK_FALSE(all_take(reversed, {0x100, block}, north));
    // Stopping early: a table that already has few enough entries is left as it is.
    CHECK(sf::mapper::compress(table, 4, {}).entries == table.entries);
    CHECK(sf::mapper::compress(table, 3, {}).entries.size() == 2);
}

TEST_CASE("routing compression: keys on the default route keep matching no entry",
          "[mapper][routing]") {
    const routing_table table{{0, 0}, {{0x000, block, east}, {0x300, block, east}}};
    CHECK(minimise(table, {}).entries == std::vector<route_entry>{{0x000, 0xfffffc00u, east}});
    // 0x100 and 0x200 pass this chip with no entry: a merged 0x000/0xfffffc00 would take them.
    for (const key_space passing : {key_space{0x100, block}, key_space{0x200, block}}) {
        const routing_table kept = minimise(table, {passing});
        CHECK(kept.entries == table.entries);
        check_same_behaviour(table, kept, {passing});
    }
    // Every source's keys, the table's own among them, say the same.
    CHECK(minimise(table, {{0x000, block}, {0x100, block}, {0x300, block}}).entries ==
          table.entries);
    // Keys elsewhere do not stop it.
    CHECK(minimise(table, {{0x400, block}}).entries.size() == 1);
    // Part of a merge can still go ahead: 0x000 and 0x100 merge; 0x300 stays apart from 0x200.
    const routing_table three{{0, 0},
                              {{0x000, block, east}, {0x100, block, east}, {0x300, block, east}}};
    const routing_table merged = minimise(three, {{0x200, block}});
    CHECK(merged.entries.size() == 2);
    check_same_behaviour(three, merged, {{0x200, block}});
}

TEST_CASE("routing compression: large random tables shrink below the limit and keep every route",
          "[mapper][routing]") {
    const unsigned seed = 4711;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::vector<int> neurons(3000);
    for (int& n : neurons) {
        n = 1 + static_cast<int>(random() % 256);
    }
    auto keys = sf::mapper::allocate_keys(neurons);
    std::sort(keys.begin(), keys.end(), [](key_space a, key_space b) { return a.key < b.key; });
    // In key order, runs of key spaces (16 long on average) share what happens to them: one run
    // in 16 passes the chip by default route, ten in 16 take the commonest route, the rest one
    // of five others. Neighbouring sources often go the same way; wholly random routes leave
    // little to merge.
    std::vector<std::uint32_t> routes;
    for (int r = 0; r < 6; ++r) {
        routes.push_back(static_cast<std::uint32_t>(random() & 0x3fu) |
                         core_bit(static_cast<int>(random() % 16)));
    }
    routing_table table{{3, 4}, {}};
    std::vector<key_space> defaults;
    unsigned pick = 0;
    for (const key_space& k : keys) {
        if (random() % 16 == 0) {
            pick = static_cast<unsigned>(random() % 16);
        }
        if (pick == 0) {
            defaults.push_back(k);
        } else {
            table.entries.push_back({k.key, k.mask, routes[pick <= 10 ? 0 : pick - 10]});
        }
    }
    std::shuffle(table.entries.begin(), table.entries.end(), random); // disjoint: any order
    const auto started = std::chrono::steady_clock::now();
    const routing_table small = sf::mapper::compress(table, 1023, defaults);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(table.entries.size() << " entries became " << small.entries.size() << " in " << seconds
                              << " s");
    CHECK(small.entries.size() <= 1023);
    check_same_behaviour(table, small, defaults);
    // Minimising all the way.
    const routing_table smallest = minimise(table, defaults);
    CHECK(smallest.entries.size() <= small.entries.size());
    check_same_behaviour(table, smallest, defaults);
}

TEST_CASE("routing compression: a spinn5 chip with more than 1023 entries is brought within "
          "the board's limit",
          "[mapper][routing]") {
    const unsigned seed = 99;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    const sf::mapper::board b = sf::mapper::find_board("spinn5");
    // 1500 key spaces from cores all over the board, each to one of four cores near (4,4): the
    // chips there need an entry for most of them.
    std::vector<int> neurons(1500);
    for (int& n : neurons) {
        n = 1 + static_cast<int>(random() % 256);
    }
    const auto keys = sf::mapper::allocate_keys(neurons);
    std::vector<sf::mapper::multicast_source> sources;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& from = b.chips[random() % b.chips.size()];
        sf::mapper::multicast_source s{
            keys[i], {from.coordinates(), static_cast<int>(random() % 16)}, {}};
        s.targets.push_back({{4, 4}, static_cast<int>(random() % 2)});
        if (random() % 3 == 0) {
            s.targets.push_back({{5, 4}, 0});
        }
        sources.push_back(std::move(s));
    }
    const auto tables = sf::mapper::build_routes(b, sources);
    std::size_t largest = 0;
    for (const routing_table& t : tables) {
        largest = std::max(largest, t.entries.size());
    }
    REQUIRE(largest > 1023);
    const auto fitted = sf::mapper::compress_routes(b, tables, sources);
    for (const routing_table& t : fitted) {
        CHECK(t.entries.size() <= 1023);
    }
    const auto check = sf::mapper::check_routes(b, fitted, sources);
    INFO(check.what);
    CHECK(check.ok());
}

TEST_CASE("routing compression: a table that cannot fit is refused, naming chip, need and limit",
          "[mapper][routing]") {
    routing_table table{{2, 5}, {}};
    for (std::uint32_t i = 0; i < 10; ++i) {
        table.entries.push_back({i << 8, block, core_bit(static_cast<int>(i))});
    }
    try {
        sf::mapper::compress(table, 5, {});
        FAIL("ten different routes fitted five entries");
    } catch (const compile_error& e) {
        CHECK(e.message() == "routing table of chip (2,5) needs 10 entries after compression (10 "
                             "before); the chip has room for 5");
    }
    // On a board: tiny's chips have room for 63 entries.
    const sf::mapper::board tiny = sf::mapper::find_board("tiny");
    std::vector<sf::mapper::multicast_source> sources;
    for (int i = 0; i < 70; ++i) {
        // Every route different: each source to its own set of cores of (1,1).
        const int to = 1 + i % 7;
        std::vector<sf::mapper::core_location> targets;
        for (int c = 0; c < 3; ++c) {
            if ((to & (1 << c)) != 0) {
                targets.push_back({{1, 1}, c});
            }
        }
        sources.push_back({{static_cast<std::uint32_t>(i) << 8, block}, {{1, 1}, i % 3}, targets});
    }
    const auto tables = sf::mapper::build_routes(tiny, sources);
    // Seven routes: the 70 entries of (1,1) merge into a few.
    const auto fitted = sf::mapper::compress_routes(tiny, tables, sources);
    CHECK(fitted[3].entries.size() <= 63);
    CHECK(sf::mapper::check_routes(tiny, fitted, sources).ok());
}

TEST_CASE("routing compression: an input whose order sorting would change is refused",
          "[mapper][routing]") {
    const routing_table wrong{{0, 1}, {{0x000, 0xfffffc00u, east}, {0x100, block, north}}};
    try {
        minimise(wrong, {});
        FAIL("sorted a general entry below a specific one it hides");
    } catch (const compile_error& e) {
        CHECK_THAT(e.message(), Catch::StartsWith("routing table of chip (0,1): entry "
                                                  "0x00000000/0xfffffc00 comes before the more "
                                                  "specific 0x00000100/0xffffff00"));
    }
    // Most specific first is fine, and so is an overlap with the same route.
    const routing_table right{{0, 1}, {{0x100, block, north}, {0x000, 0xfffffc00u, east}}};
    CHECK(minimise(right, {}).entries == right.entries);
    const routing_table same{{0, 1}, {{0x000, 0xfffffc00u, east}, {0x100, block, east}}};
    CHECK(minimise(same, {}).entries.size() == 1);
    // An entry that matches no key is dropped.
    const routing_table dead{{0, 1}, {{0x001, block, east}, {0x100, block, north}}};
    CHECK(minimise(dead, {}).entries == std::vector<route_entry>{{0x100, block, north}});
}

TEST_CASE("routing compression: without the default-routed keys a merge would take them, and "
          "the checker sees it",
          "[mapper][routing]") {
    // A line of five chips. Sources 0x000 and 0x300 on (2,0) go to its core 1; source 0x100 runs
    // from (0,0) to (4,0), through (2,0) by default route.
    const sf::mapper::board b = sf::mapper::load_board_text(
        R"(<board name="line" time_step="1 ms"><chips width="5" height="1" topology="mesh" cores="3" )"
        R"(router_entries="8" link_bandwidth="1000"/><core neurons="256" state_words_per_neuron="1" )"
        R"(state_memory_words="256" synaptic_memory_bytes="0" program_words="8" constant_words="0" )"
        R"(lookup_table_words="0" weight_bits="8" delay_slots="1" input_channels="1"/></board>)",
        "line.xml");
    const std::vector<sf::mapper::multicast_source> sources = {
        {{0x000, block}, {{2, 0}, 0}, {{{2, 0}, 1}}},
        {{0x300, block}, {{2, 0}, 2}, {{{2, 0}, 1}}},
        {{0x100, block}, {{0, 0}, 0}, {{{4, 0}, 0}}}};
    auto tables = sf::mapper::build_routes(b, sources);
    REQUIRE(tables[2].entries.size() == 2);
    const auto defaults = sf::mapper::default_routed_keys(b, tables, sources);
    REQUIRE(defaults[2] == std::vector<key_space>{{0x100, block}});
    auto careless = tables;
    careless[2] = minimise(tables[2], {});
    CHECK(careless[2].entries == std::vector<route_entry>{{0x000, 0xfffffc00u, core_bit(1)}});
    const auto found = sf::mapper::check_routes(b, careless, sources);
    CHECK(found.fault == sf::mapper::route_fault::stray);
    CHECK(found.key == 0x100);
    tables[2] = minimise(tables[2], defaults[2]);
    CHECK(tables[2].entries.size() == 2);
    CHECK(sf::mapper::check_routes(b, tables, sources).ok());
}
