// The SystemVerilog router (rtl/router/sf_router.sv), verilated, against a reference written here
// from the timed board model's rules: first match, straight on or drop when nothing matches,
// all-or-nothing multicast, the emergency route after wait1 and the drop after wait1 + wait2.
#include <array>
#include <bitset>
#include <cstdint>
#include <iostream>
#include <optional>
#include <random>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/rtl_router.hpp>

namespace {

using sf::emulator::rtl_router;
using sf::emulator::rtl_router_counters;
using sf::emulator::rtl_router_cycle;

constexpr unsigned links = 6;
constexpr unsigned lost_lsb = links + rtl_router::cores; // route bits of cores the chip lacks
constexpr std::uint8_t all_links = 0x3f;
constexpr std::uint32_t all_cores = (1u << rtl_router::cores) - 1;
constexpr unsigned from_cores = rtl_router::from_cores;

struct entry {
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
    std::uint32_t route = 0;
};

// Where the reference sends a packet: nothing when it is dropped for want of a match.
struct expected_route {
    std::uint8_t links = 0;
    std::array<std::uint8_t, 6> kinds{};
    std::uint32_t cores = 0;
    std::uint32_t lost = 0;
    bool by_default = false;
    bool later_matches = false; // entries after the first match the key too
};

unsigned opposite(unsigned d) { return (d + links / 2) % links; }
unsigned next_link(unsigned d) { return (d + 1) % links; }

std::optional<expected_route> reference_route(const std::vector<entry>& table, std::uint32_t key,
                                              unsigned from, unsigned kind) {
    expected_route r;
    const bool from_link = from < links;
    if (from_link && kind == 1) {
        r.links = static_cast<std::uint8_t>(1u << next_link(from));
        r.kinds[next_link(from)] = 2;
        return r;
    }
    const unsigned arrived = from_link && kind == 2 ? next_link(from) : from;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const entry& e = table[i];
        if ((key & e.mask) == e.key) {
            r.links = static_cast<std::uint8_t>(e.route & all_links);
            r.cores = (e.route >> links) & all_cores;
            r.lost = static_cast<std::uint32_t>(std::bitset<32>(e.route >> lost_lsb).count());
            for (std::size_t j = i + 1; j < table.size(); ++j) {
                r.later_matches |= (key & table[j].mask) == table[j].key;
            }
            return r;
        }
    }
    if (!from_link) {
        return std::nullopt;
    }
    r.links = static_cast<std::uint8_t>(1u << opposite(arrived));
    r.by_default = true;
    return r;
}

void check_left(const rtl_router_cycle& out, const std::optional<expected_route>& expected,
                std::uint32_t key) {
    if (!expected) {
        CHECK(out.links == 0);
        CHECK(out.cores == 0);
        return;
    }
    CHECK(int{out.links} == int{expected->links});
    CHECK(out.cores == expected->cores);
    if (out.links != 0 || out.cores != 0) {
        CHECK(out.key == key);
    }
    for (unsigned d = 0; d < links; ++d) {
        if ((out.links >> d) & 1u) {
            CHECK(int{out.link_kinds[d]} == int{expected->kinds[d]});
        }
    }
}

std::uint32_t random_word(std::mt19937& rng) { return static_cast<std::uint32_t>(rng()); }

// Overlapping entries: keys from a few bases under masks of many widths, so that one key often
// matches several entries and only the first may win.
std::vector<entry> random_table(std::mt19937& rng) {
    std::vector<entry> table(std::uniform_int_distribution<unsigned>(0, rtl_router::entries)(rng));
    for (entry& e : table) {
        const unsigned wide = std::uniform_int_distribution<unsigned>(0, 12)(rng);
        e.mask = ~((1u << wide) - 1);
        if ((random_word(rng) & 3u) == 0) {
            e.mask &= random_word(rng) | 0xffff0000u;
        }
        e.key = (0xabcd0000u | (random_word(rng) & 0xffffu)) & e.mask;
        e.route = random_word(rng);
    }
    return table;
}

// Most keys are some entry's key with other values in the bits its mask ignores, so that they
// match it and perhaps entries before it; the rest match by chance or not at all.
std::uint32_t random_key(const std::vector<entry>& table, std::mt19937& rng) {
    const unsigned pick = random_word(rng) % 8;
    if (pick < 5 && !table.empty()) {
        const entry& e = table[random_word(rng) % table.size()];
        return e.key | (random_word(rng) & ~e.mask);
    }
    return pick < 7 ? 0xabcd0000u | (random_word(rng) & 0xffffu) : random_word(rng);
}

rtl_router_counters run_random(rtl_router& router, std::mt19937& rng) {
    const std::vector<entry> table = random_table(rng);
    for (unsigned i = 0; i < table.size(); ++i) {
        (void)router.write_entry(i, table[i].key, table[i].mask, table[i].route);
    }
    // An entry past the count matches every key: it must take no part.
    if (table.size() < rtl_router::entries) {
        (void)router.write_entry(rtl_router::entries - 1, 0, 0, 0x3f);
    }
    router.set_entries(static_cast<unsigned>(table.size()));
    router.reset();
    rtl_router_counters expected;
    std::optional<expected_route> in_stage;
    std::uint32_t in_stage_key = 0;
    int several_match = 0;
    for (int n = 0; n < 3000; ++n) {
        const std::uint32_t key = random_key(table, rng);
        unsigned from = std::uniform_int_distribution<unsigned>(0, links)(rng);
        from = from == links ? from_cores : from;
        const unsigned kind =
            from == from_cores ? 0 : std::uniform_int_distribution<unsigned>(0, 2)(rng);
        router.offer(key, from, kind);
        const rtl_router_cycle out = router.tick();
        REQUIRE(out.accepted);
        check_left(out, in_stage, in_stage_key);
        in_stage = reference_route(table, key, from, kind);
        in_stage_key = key;
        ++expected.packets;
        expected.routed += in_stage ? 1 : 0;
        expected.dropped_unmatched += in_stage ? 0 : 1;
        expected.default_routed += in_stage && in_stage->by_default ? 1 : 0;
        expected.lost += in_stage ? in_stage->lost : 0;
        several_match += in_stage && in_stage->later_matches ? 1 : 0;
    }
    // Order matters only where several entries match: enough such keys, or the table is too small
    // to say anything.
    if (table.size() > 1) {
        CHECK(several_match > 100);
    }
    check_left(router.tick(), in_stage, in_stage_key);
    return expected;
}

void check_counters(const rtl_router_counters& got, const rtl_router_counters& expected) {
    CHECK(got.packets == expected.packets);
    CHECK(got.routed == expected.routed);
    CHECK(got.default_routed == expected.default_routed);
    CHECK(got.dropped_unmatched == expected.dropped_unmatched);
    CHECK(got.emergency_routed == expected.emergency_routed);
    CHECK(got.dropped_wait2 == expected.dropped_wait2);
    CHECK(got.lost == expected.lost);
}

// A router whose every packet is routed by one entry: key 1 to `route`.
void route_key_one(rtl_router& router, std::uint32_t route) {
    (void)router.write_entry(0, 1, 0xffffffffu, route);
    router.set_entries(1);
}

std::uint32_t to_link(unsigned d) { return 1u << d; }
std::uint32_t to_core(unsigned c) { return 1u << (links + c); }

} // namespace

TEST_CASE("rtl router routes random packets as the reference does", "[rtl]") {
    rtl_router router;
    for (const std::uint32_t seed : {1u, 2u, 3u}) {
        std::cout << "rtl router random packets: seed " << seed << "\n";
        INFO("seed " << seed);
        std::mt19937 rng(seed);
        const rtl_router_counters expected = run_random(router, rng);
        check_counters(router.counters(), expected);
    }
}

TEST_CASE("rtl router forwards an emergency route's first leg without a lookup", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_core(0));
    for (unsigned from = 0; from < links; ++from) {
        router.offer(1, from, 1);
        REQUIRE(router.tick().accepted);
        const rtl_router_cycle out = router.tick();
        CHECK(int{out.links} == int(1u << next_link(from)));
        CHECK(out.cores == 0);
        CHECK(int{out.link_kinds[next_link(from)]} == 2);
    }
}

TEST_CASE("rtl router routes an emergency route's second leg as from the next link", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_core(3) | to_link(4));
    for (unsigned from = 0; from < links; ++from) {
        router.offer(2, from, 2); // no entry: straight on from the next link
        REQUIRE(router.tick().accepted);
        router.offer(1, from, 2); // the entry's route
        rtl_router_cycle out = router.tick();
        CHECK(int{out.links} == int(1u << opposite(next_link(from))));
        CHECK(int{out.link_kinds[opposite(next_link(from))]} == 0);
        out = router.tick();
        CHECK(int{out.links} == int(1u << 4));
        CHECK(int{out.link_kinds[4]} == 0);
        CHECK(out.cores == (1u << 3));
    }
    CHECK(router.counters().default_routed == links);
}

TEST_CASE("rtl router takes an emergency kind from its own cores as a normal packet", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_core(3) | to_link(4));
    for (const unsigned kind : {1u, 2u}) {
        INFO("kind " << kind);
        router.offer(1, from_cores, kind); // the table's route, not a leg of an emergency route
        REQUIRE(router.tick().accepted);
        const rtl_router_cycle out = router.tick();
        CHECK(int{out.links} == int(to_link(4)));
        CHECK(int{out.link_kinds[4]} == 0);
        CHECK(out.cores == (1u << 3));
    }
    router.offer(2, from_cores, 2); // no entry: dropped as any unmatched packet from the cores
    REQUIRE(router.tick().accepted);
    CHECK(router.counters().dropped_unmatched == 1);
    CHECK(router.counters().default_routed == 0);
}

TEST_CASE("rtl router lets a route with no destination go the next cycle by no port", "[rtl]") {
    rtl_router router;
    route_key_one(router, 1u << lost_lsb); // only a core this chip lacks
    router.set_link_ready(0);
    router.set_core_ready(0);
    router.offer(1, 2, 0);
    REQUIRE(router.tick().accepted);
    CHECK(router.input_ready()); // nothing to wait for, blocked outputs or not
    const rtl_router_cycle out = router.tick();
    CHECK(out.links == 0);
    CHECK(out.cores == 0);
    CHECK_FALSE(out.dumped);
    CHECK(router.counters().routed == 1);
    CHECK(router.counters().lost == 1);
    CHECK(router.counters().default_routed == 0);
}

TEST_CASE("rtl router holds a packet until every destination is ready", "[rtl]") {
    rtl_router router;
    route_key_one(router, all_links | (all_cores << links));
    router.set_waits(1000, 1000, true);
    for (unsigned port = 0; port < links + rtl_router::cores; ++port) {
        INFO("blocked port " << port);
        const bool is_link = port < links;
        router.set_link_ready(is_link ? static_cast<std::uint8_t>(all_links & ~(1u << port))
                                      : all_links);
        router.set_core_ready(is_link ? all_cores : all_cores & ~(1u << (port - links)));
        router.offer(1, from_cores, 0);
        REQUIRE(router.tick().accepted);
        for (int cycle = 0; cycle < 5; ++cycle) {
            CHECK_FALSE(router.input_ready());
            router.offer(1, from_cores, 0);
            const rtl_router_cycle out = router.tick();
            CHECK_FALSE(out.accepted);
            CHECK(out.links == 0);
            CHECK(out.cores == 0);
        }
        router.set_link_ready(all_links);
        router.set_core_ready(all_cores);
        CHECK(router.input_ready()); // the stage empties this cycle: the next packet may go in
        const rtl_router_cycle out = router.tick();
        CHECK(int{out.links} == int{all_links});
        CHECK(out.cores == all_cores);
        CHECK(out.key == 1);
    }
    CHECK(router.counters().routed == links + rtl_router::cores);
    CHECK(router.counters().emergency_routed == 0);
}

namespace {

constexpr std::uint16_t wait1 = 5;
constexpr std::uint16_t wait2 = 7;

// Offers key 1 from the cores and returns the cycles that follow until it leaves or is dumped
// (at most `limit`).
std::vector<rtl_router_cycle> blocked_packet(rtl_router& router, int limit) {
    router.offer(1, from_cores, 0);
    REQUIRE(router.tick().accepted);
    std::vector<rtl_router_cycle> cycles;
    for (int k = 1; k <= limit; ++k) {
        cycles.push_back(router.tick());
        if (cycles.back().links != 0 || cycles.back().cores != 0 || cycles.back().dumped) {
            break;
        }
    }
    return cycles;
}

} // namespace

TEST_CASE("rtl router takes the emergency route after exactly wait1 blocked cycles", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_link(0) | to_link(2));
    router.set_waits(wait1, wait2, true);
    router.set_link_ready(static_cast<std::uint8_t>(all_links & ~1u));
    const std::vector<rtl_router_cycle> cycles = blocked_packet(router, 100);
    // Blocked in cycles 1 .. wait1, out by links 1 (kind 1) and 2 in the next.
    REQUIRE(cycles.size() == wait1 + 1u);
    const rtl_router_cycle& out = cycles.back();
    CHECK(int{out.links} == 0x6);
    CHECK(int{out.link_kinds[1]} == 1);
    CHECK(int{out.link_kinds[2]} == 0);
    CHECK_FALSE(out.dumped);
    CHECK(router.counters().emergency_routed == 1);
    CHECK(router.counters().routed == 1);
}

TEST_CASE("rtl router takes the emergency route from every link, link 5 to link 0", "[rtl]") {
    for (unsigned d = 0; d < links; ++d) {
        INFO("blocked link " << d);
        rtl_router router;
        route_key_one(router, to_link(d));
        router.set_waits(wait1, wait2, true);
        router.set_link_ready(static_cast<std::uint8_t>(all_links & ~to_link(d)));
        const std::vector<rtl_router_cycle> cycles = blocked_packet(router, 100);
        REQUIRE(cycles.size() == wait1 + 1u);
        CHECK(int{cycles.back().links} == int(to_link(next_link(d))));
        CHECK(int{cycles.back().link_kinds[next_link(d)]} == 1);
        CHECK(router.counters().emergency_routed == 1);
    }
}

TEST_CASE("rtl router keeps a blocked link whose next link the packet already uses", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_link(0) | to_link(1));
    router.set_waits(wait1, wait2, true);
    router.set_link_ready(static_cast<std::uint8_t>(all_links & ~1u));
    const std::vector<rtl_router_cycle> cycles = blocked_packet(router, 100);
    REQUIRE(cycles.size() == std::size_t{wait1} + wait2);
    CHECK(cycles.back().dumped);
    CHECK(router.counters().emergency_routed == 0);
}

TEST_CASE("rtl router drops a packet blocked for wait1 + wait2 cycles to the monitor", "[rtl]") {
    for (const bool emergency : {true, false}) {
        INFO("emergency routes " << (emergency ? "on" : "off"));
        rtl_router router;
        route_key_one(router, to_link(3) | to_core(2));
        router.set_waits(wait1, wait2, emergency);
        router.set_link_ready(0);
        router.set_core_ready(0);
        std::vector<rtl_router_cycle> cycles = blocked_packet(router, 100);
        REQUIRE(cycles.size() == std::size_t{wait1} + wait2);
        CHECK(router.counters().emergency_routed == (emergency ? 1u : 0u));
        const rtl_router_cycle& dump = cycles.back();
        CHECK(dump.dumped);
        CHECK(dump.dump_key == 1);
        CHECK(int{dump.dump_from} == int{from_cores});
        CHECK(int{dump.dump_kind} == 0);
        CHECK(dump.links == 0);
        CHECK(dump.cores == 0);
        CHECK(router.counters().dropped_wait2 == 1);
        CHECK(router.counters().routed == 0);
        // The stage is free again: nothing more leaves when the outputs open.
        router.set_link_ready(all_links);
        router.set_core_ready(all_cores);
        CHECK(router.input_ready());
        const rtl_router_cycle after = router.tick();
        CHECK(after.links == 0);
        CHECK_FALSE(after.dumped);
    }
}

TEST_CASE("rtl router takes no emergency route for a packet on its first leg", "[rtl]") {
    rtl_router router;
    router.set_waits(wait1, wait2, true);
    router.set_link_ready(static_cast<std::uint8_t>(all_links & ~to_link(next_link(4))));
    router.offer(9, 4, 1);
    REQUIRE(router.tick().accepted);
    std::vector<rtl_router_cycle> cycles;
    for (int k = 1; k <= wait1 + wait2; ++k) {
        cycles.push_back(router.tick());
        CHECK(cycles.back().links == 0);
    }
    CHECK(cycles.back().dumped);
    CHECK(cycles.back().dump_key == 9);
    CHECK(int{cycles.back().dump_from} == 4);
    CHECK(int{cycles.back().dump_kind} == 1);
    CHECK(router.counters().emergency_routed == 0);
    CHECK(router.counters().dropped_wait2 == 1);
}

TEST_CASE("rtl router without emergency routes waits on the blocked link", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_link(0));
    router.set_waits(wait1, wait2, false);
    router.set_link_ready(static_cast<std::uint8_t>(all_links & ~1u));
    const std::vector<rtl_router_cycle> cycles = blocked_packet(router, 100);
    REQUIRE(cycles.size() == std::size_t{wait1} + wait2);
    CHECK(cycles.back().dumped);
    for (const rtl_router_cycle& c : cycles) {
        CHECK(c.links == 0);
    }
}

TEST_CASE("rtl router reset empties the output stage", "[rtl]") {
    rtl_router router;
    route_key_one(router, to_link(5));
    router.set_waits(1000, 1000, true);
    router.set_link_ready(0);
    (void)blocked_packet(router, 3);
    CHECK_FALSE(router.input_ready());
    router.reset();
    CHECK(router.input_ready());
    router.set_link_ready(all_links);
    const rtl_router_cycle out = router.tick();
    CHECK(out.links == 0);
    CHECK_FALSE(out.dumped);
    check_counters(router.counters(), {});
    // The table survives the reset.
    router.offer(1, from_cores, 0);
    REQUIRE(router.tick().accepted);
    CHECK(int{router.tick().links} == int(to_link(5)));
}

TEST_CASE("rtl router refuses what its ports cannot carry", "[rtl]") {
    rtl_router router;
    CHECK_THROWS_AS(router.write_entry(rtl_router::entries, 0, 0, 0), std::out_of_range);
    CHECK_THROWS_AS(router.set_entries(rtl_router::entries + 1), std::out_of_range);
    CHECK_THROWS_AS(router.offer(0, 6, 0), std::invalid_argument);
    CHECK_THROWS_AS(router.offer(0, 0, 3), std::invalid_argument);
    CHECK_THROWS_WITH(router.write_entry(1024, 0, 0, 0),
                      Catch::Contains("table entry 1024 does not exist; the table has 1024"));
    CHECK_THROWS_WITH(router.set_entries(1025), Catch::Contains("1025 entries in use"));
    CHECK_THROWS_WITH(router.offer(0, 6, 0), Catch::Contains("from 6; expected a link 0-5 or 7"));
    CHECK_THROWS_WITH(router.offer(0, 0, 3), Catch::Contains("kind 3; expected 0"));
}
