// The checker: correct tables pass; planted mistakes (a dropped entry, a wrong route bit, a loop,
// a dead link, a merge that takes another source's keys) are found with the chip and key.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_check.hpp>

namespace {

using sf::mapper::board;
using sf::mapper::check_routes;
using sf::mapper::chip_coordinates;
using sf::mapper::core_bit;
using sf::mapper::direction;
using sf::mapper::link_bit;
using sf::mapper::multicast_source;
using sf::mapper::route_check;
using sf::mapper::route_entry;
using sf::mapper::route_fault;
using sf::mapper::routing_table;

constexpr std::uint32_t block = 0xffffff00u;
const std::uint32_t east = link_bit(direction::east);
const std::uint32_t west = link_bit(direction::west);
const std::uint32_t north = link_bit(direction::north);

// A mesh of width x height chips, three application cores each.
board mesh(int width, int height, const std::string& body = "") {
    return sf::mapper::load_board_text(
        R"(<board name="m" time_step="1 ms"><chips width=")" + std::to_string(width) +
            R"(" height=")" + std::to_string(height) +
            R"(" topology="mesh" cores="3" router_entries="64" link_bandwidth="1000">)" + body +
            R"(</chips><core neurons="256" state_words_per_neuron="8" state_memory_words="4096" )"
            R"(synaptic_memory_bytes="0" program_words="8" constant_words="0" lookup_table_words="0" )"
            R"(weight_bits="8" delay_slots="1" input_channels="1"/></board>)",
        "m.xml");
}

routing_table& table_at(std::vector<routing_table>& tables, int x, int y) {
    for (routing_table& t : tables) {
        if (t.chip == chip_coordinates{x, y}) {
            return t;
        }
    }
    FAIL("no table for (" << x << "," << y << ")");
    return tables.front();
}

void check_fault(const route_check& found, route_fault fault, chip_coordinates chip,
                 std::uint32_t key, const std::string& what) {
    INFO(found.what);
    CHECK(found.fault == fault);
    CHECK(found.chip == chip);
    CHECK(found.key == key);
    CHECK_THAT(found.what, Catch::Contains(what));
}

} // namespace

TEST_CASE("routing check: mistakes planted in a line of chips are found", "[mapper][routing]") {
    // A: (0,0) to core 1 of (4,0), passing (1,0) to (3,0) by default route.
    // B: (2,0) to core 0 of (0,0) and core 2 of (4,0).
    // C: (2,0) to its own core 1 only.
    const board b = mesh(5, 1);
    const std::vector<multicast_source> sources = {
        {{0x000, block}, {{0, 0}, 0}, {{{4, 0}, 1}}},
        {{0x100, block}, {{2, 0}, 0}, {{{0, 0}, 0}, {{4, 0}, 2}}},
        {{0x200, block}, {{2, 0}, 2}, {{{2, 0}, 1}}}};
    const std::vector<routing_table> good = sf::mapper::build_routes(b, sources);
    REQUIRE(check_routes(b, good, sources).ok());
    CHECK(check_routes(b, good, sources).what.empty());

    SECTION("the entry on the source's chip dropped") {
        auto tables = good;
        table_at(tables, 0, 0).entries.erase(table_at(tables, 0, 0).entries.begin());
        check_fault(check_routes(b, tables, sources), route_fault::dropped, {0, 0}, 0x000,
                    "chip (0,0): key 0x00000000 of core 0 of chip (0,0): matches no entry on its "
                    "source's chip and is dropped");
    }
    SECTION("the entry of a target chip dropped: the default route carries the key off the board") {
        auto tables = good;
        table_at(tables, 4, 0).entries.clear();
        check_fault(check_routes(b, tables, sources), route_fault::dropped, {4, 0}, 0x000,
                    "matches no entry; the default route sends it E, where the chip has no link");
    }
    SECTION("a wrong core bit") {
        auto tables = good;
        table_at(tables, 4, 0).entries[0].route = core_bit(0);
        check_fault(check_routes(b, tables, sources), route_fault::stray, {4, 0}, 0x000,
                    "reaches core 0, which is not one of its targets");
    }
    SECTION("a core bit missing") {
        auto tables = good;
        table_at(tables, 4, 0).entries[1].route = 0;
        check_fault(check_routes(b, tables, sources), route_fault::missed, {4, 0}, 0x100,
                    "never reaches target core 2");
    }
    SECTION("a core the chip does not have") {
        auto tables = good;
        table_at(tables, 4, 0).entries[0].route |= core_bit(3);
        check_fault(check_routes(b, tables, sources), route_fault::no_such_core, {4, 0}, 0x000,
                    "delivers to core 3, which the chip does not have (3 application cores)");
    }
    SECTION("a wrong link bit") {
        auto tables = good;
        table_at(tables, 0, 0).entries[0].route = north;
        check_fault(check_routes(b, tables, sources), route_fault::dropped, {0, 0}, 0x000,
                    "its route sends it N, where the chip has no link");
    }
    SECTION("a loop") {
        auto tables = good;
        table_at(tables, 1, 0).entries.push_back({0x000, block, east});
        table_at(tables, 3, 0).entries.push_back({0x000, block, west});
        // (1,0) E, (2,0) default E, (3,0) W, (2,0) default W, (1,0) E, and (2,0) again.
        check_fault(check_routes(b, tables, sources), route_fault::loop, {2, 0}, 0x000,
                    "reaches the router again from the link heading E");
    }
    SECTION("a merged entry that takes keys passing by default route") {
        auto tables = good;
        // (2,0)'s entries for B and C merged with a mask that also takes A's lower half.
        auto& at = table_at(tables, 2, 0).entries;
        at.insert(at.begin(), {0x000, 0xffffff80u, core_bit(1)});
        check_fault(check_routes(b, tables, sources), route_fault::stray, {2, 0}, 0x000,
                    "reaches core 1, which is not one of its targets");
    }
    SECTION("a mask that leaves part of a key space to the default route") {
        auto tables = good;
        table_at(tables, 4, 0).entries[0].mask = 0xffffff80u;
        check_fault(check_routes(b, tables, sources), route_fault::dropped, {4, 0}, 0x080,
                    "the default route sends it E");
    }
    SECTION("bad input") {
        auto twice = good;
        twice.push_back(good[2]);
        check_fault(check_routes(b, twice, sources), route_fault::bad_input, {2, 0}, 0,
                    "chip (2,0) has two routing tables");
        auto off = good;
        off.push_back({{7, 0}, {}});
        check_fault(check_routes(b, off, sources), route_fault::bad_input, {7, 0}, 0,
                    "a routing table is for chip (7,0), which board m does not have");
        auto overlapping = sources;
        overlapping[2].keys = {0x080, 0xffffff80u};
        check_fault(check_routes(b, good, overlapping), route_fault::bad_input, {0, 0}, 0x080,
                    "the keys of core 0 of chip (0,0) and core 2 of chip (2,0) overlap");
        auto nowhere = sources;
        nowhere[1].targets.push_back({{9, 9}, 0});
        check_fault(check_routes(b, good, nowhere), route_fault::bad_input, {9, 9}, 0x100,
                    "core 0 of chip (9,9) is not on board m's chips");
    }
}

TEST_CASE("routing check: a key sent two ways round a square reaches its target twice",
          "[mapper][routing]") {
    const board b = mesh(2, 2);
    const std::vector<multicast_source> sources = {{{0x000, block}, {{0, 0}, 0}, {{{1, 1}, 0}}}};
    const std::vector<routing_table> tables = {{{0, 0}, {{0x000, block, east | north}}},
                                               {{1, 0}, {{0x000, block, north}}},
                                               {{0, 1}, {{0x000, block, east}}},
                                               {{1, 1}, {{0x000, block, core_bit(0)}}}};
    check_fault(check_routes(b, tables, sources), route_fault::duplicate, {1, 1}, 0x000,
                "reaches target core 0 twice");
}

TEST_CASE("routing check: a route over a dead link or into a failed chip loses the key",
          "[mapper][routing]") {
    const board b = mesh(
        3, 1, R"(<unavailable_link x="0" y="0" direction="E"/><unavailable_chip x="2" y="0"/>)");
    const std::vector<multicast_source> sources = {{{0x000, block}, {{0, 0}, 0}, {{{1, 0}, 0}}},
                                                   {{0x100, block}, {{1, 0}, 0}, {{{1, 0}, 1}}}};
    std::vector<routing_table> tables = {
        {{0, 0}, {{0x000, block, east}}},
        {{1, 0}, {{0x000, block, core_bit(0)}, {0x100, block, core_bit(1)}}}};
    check_fault(check_routes(b, tables, sources), route_fault::dead_link, {0, 0}, 0x000,
                "its route sends it E on a dead link, and it is lost");
    tables[0].entries.clear();
    tables[1].entries[1].route |= east;
    check_fault(check_routes(b, tables, {sources[1]}), route_fault::dead_link, {1, 0}, 0x100,
                "E on a dead link into failed chip (2,0)");
}

TEST_CASE("routing check: a source with no targets must reach no core", "[mapper][routing]") {
    const board b = mesh(2, 1);
    const std::vector<multicast_source> sources = {{{0x000, block}, {{0, 0}, 0}, {}}};
    CHECK(check_routes(b, {}, sources).ok()); // dropped at its chip
    check_fault(check_routes(b, {{{0, 0}, {{0x000, block, core_bit(2)}}}}, sources),
                route_fault::stray, {0, 0}, 0x000, "reaches core 2");
    CHECK(std::string(sf::mapper::to_string(route_fault::duplicate)) == "duplicate");
}
