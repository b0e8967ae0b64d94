#pragma once

#include <array>
#include <cstdint>
#include <memory>

namespace sf::emulator {

// What left the router in one cycle.
struct rtl_router_cycle {
    bool accepted = false;                    // the packet offered for this cycle went in
    std::uint8_t links = 0;                   // bit d: a copy left by link d
    std::array<std::uint8_t, 6> link_kinds{}; // the kind of each link's copy
    std::uint32_t cores = 0;                  // bit c: a copy went to application core c
    std::uint32_t key = 0;                    // the key of those copies
    bool dumped = false;                      // dropped after wait1 + wait2, to the monitor
    std::uint32_t dump_key = 0;
    std::uint8_t dump_from = 0;
    std::uint8_t dump_kind = 0;
};

struct rtl_router_counters {
    std::uint32_t packets = 0;
    std::uint32_t routed = 0;
    std::uint32_t default_routed = 0;
    std::uint32_t dropped_unmatched = 0;
    std::uint32_t emergency_routed = 0;
    std::uint32_t dropped_wait2 = 0;
    std::uint32_t lost = 0;
};

// The Verilated SystemVerilog router (rtl/router/sf_router.sv, docs/rtl.md), one clock cycle at a
// time. Its size is fixed when it is verilated: 1024 table entries, 16 application cores.
class rtl_router {
public:
    static constexpr unsigned entries = 1024;
    static constexpr unsigned cores = 16;
    static constexpr unsigned from_cores = 7; // `from` of a packet sent by the chip's own cores

    rtl_router();
    ~rtl_router();
    rtl_router(const rtl_router&) = delete;
    rtl_router& operator=(const rtl_router&) = delete;

    // Holds reset for one cycle: the output stage empties and the counters clear; the table keeps
    // its entries.
    void reset();

    // Writes table entry `index` in a clock cycle of its own, in which no packet is offered;
    // returns what left in that cycle.
    rtl_router_cycle write_entry(unsigned index, std::uint32_t key, std::uint32_t mask,
                                 std::uint32_t route);
    // Only entries 0 .. count - 1 take part in a lookup.
    void set_entries(unsigned count);
    void set_waits(std::uint16_t wait1, std::uint16_t wait2, bool emergency);

    // The packet on the input for the next tick only; `from` is a link 0-5 or from_cores, `kind`
    // 0 (normal), 1 (an emergency route's first leg) or 2 (its second leg).
    void offer(std::uint32_t key, unsigned from, unsigned kind);
    // Which outputs have room in the next tick: bit d a link, bit c a core. All ready at first.
    void set_link_ready(std::uint8_t links);
    void set_core_ready(std::uint32_t cores);
    // Whether the router takes a packet in the next tick, given the readies set.
    bool input_ready();

    // One clock cycle: what leaves in it, then the clock edge.
    rtl_router_cycle tick();

    rtl_router_counters counters() const;

private:
    struct model;
    std::unique_ptr<model> model_;
};

} // namespace sf::emulator
