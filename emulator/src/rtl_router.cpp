#include <sf/emulator/rtl_router.hpp>

#include "rtl_coverage.hpp"
#include "verilated_context.hpp"

#include <stdexcept>
#include <string>

#include <Vsf_router.h>
#include <verilated.h>

// Each tick evaluates the model with the clock low, so that its outputs show what leaves in the
// cycle given this cycle's inputs, then raises the clock for the registers to take the edge.
namespace sf::emulator {
namespace {

constexpr unsigned link_count = 6;

} // namespace

struct rtl_router::model {
    std::unique_ptr<VerilatedContext> context = randomised_context();
    std::unique_ptr<Vsf_router> top = std::make_unique<Vsf_router>(context.get(), "router");

    model() = default;
    ~model() {
        free_in_context(context, [this] { top.reset(); });
    }
    model(const model&) = delete;
    model& operator=(const model&) = delete;
};

rtl_router::rtl_router() : model_(std::make_unique<model>()) {
    Vsf_router& top = *model_->top;
    top.clk = 0;
    top.rst_n = 1;
    top.table_write = 0;
    top.table_entries = 0;
    top.wait1 = 0;
    top.wait2 = 0;
    top.emergency_enable = 0;
    top.in_valid = 0;
    top.link_ready = (1u << link_count) - 1;
    top.core_ready = (1u << cores) - 1;
    reset();
}

rtl_router::~rtl_router() {
    model_->top->final();
    write_rtl_coverage(*model_->context, "router");
}

void rtl_router::reset() {
    Vsf_router& top = *model_->top;
    top.rst_n = 0;
    top.in_valid = 0;
    tick();
    top.rst_n = 1;
}

rtl_router_cycle rtl_router::write_entry(unsigned index, std::uint32_t key, std::uint32_t mask,
                                         std::uint32_t route) {
    if (index >= entries) {
        throw std::out_of_range("rtl router: table entry " + std::to_string(index) +
                                " does not exist; the table has " + std::to_string(entries));
    }
    Vsf_router& top = *model_->top;
    const CData offered = top.in_valid;
    top.in_valid = 0;
    top.table_write = 1;
    top.table_index = static_cast<SData>(index);
    top.table_key = key;
    top.table_mask = mask;
    top.table_route = route;
    const rtl_router_cycle cycle = tick();
    top.table_write = 0;
    top.in_valid = offered;
    return cycle;
}

void rtl_router::set_entries(unsigned count) {
    if (count > entries) {
        throw std::out_of_range("rtl router: " + std::to_string(count) +
                                " entries in use, more than the table's " +
                                std::to_string(entries));
    }
    model_->top->table_entries = static_cast<SData>(count);
}

void rtl_router::set_waits(std::uint16_t wait1, std::uint16_t wait2, bool emergency) {
    model_->top->wait1 = wait1;
    model_->top->wait2 = wait2;
    model_->top->emergency_enable = emergency ? 1 : 0;
}

void rtl_router::offer(std::uint32_t key, unsigned from, unsigned kind) {
    if (from >= link_count && from != from_cores) {
        throw std::invalid_argument("rtl router: a packet from " + std::to_string(from) +
                                    "; expected a link 0-5 or 7 for the chip's cores");
    }
    if (kind > 2) {
        throw std::invalid_argument("rtl router: packet kind " + std::to_string(kind) +
                                    "; expected 0 (normal), 1 or 2 (emergency legs)");
    }
    Vsf_router& top = *model_->top;
    top.in_valid = 1;
    top.in_key = key;
    top.in_from = static_cast<CData>(from);
    top.in_kind = static_cast<CData>(kind);
}

void rtl_router::set_link_ready(std::uint8_t links) {
    model_->top->link_ready = static_cast<CData>(links & ((1u << link_count) - 1));
}

void rtl_router::set_core_ready(std::uint32_t ready) {
    model_->top->core_ready = static_cast<SData>(ready & ((1u << cores) - 1));
}

bool rtl_router::input_ready() {
    model_->top->eval();
    return model_->top->in_ready != 0;
}

rtl_router_cycle rtl_router::tick() {
    Vsf_router& top = *model_->top;
    top.clk = 0;
    top.eval();
    rtl_router_cycle out;
    out.accepted = top.in_valid != 0 && top.in_ready != 0;
    out.links = top.link_valid;
    for (unsigned d = 0; d < link_count; ++d) {
        out.link_kinds[d] = static_cast<std::uint8_t>((top.link_kind >> (2 * d)) & 3u);
    }
    out.cores = top.core_valid;
    out.key = top.link_key;
    out.dumped = top.dump_valid != 0;
    out.dump_key = top.dump_key;
    out.dump_from = top.dump_from;
    out.dump_kind = top.dump_kind;
    top.clk = 1;
    top.eval();
    top.clk = 0;
    top.in_valid = 0;
    return out;
}

rtl_router_counters rtl_router::counters() const {
    const Vsf_router& top = *model_->top;
    return {top.packets,
            top.routed,
            top.default_routed,
            top.dropped_unmatched,
            top.emergency_routed,
            top.dropped_wait2,
            top.lost};
}

} // namespace sf::emulator
