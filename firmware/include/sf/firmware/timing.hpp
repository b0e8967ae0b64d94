#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/isa.hpp>

// The timing model of a board (docs/timing.md): its clocks and what each piece of a core's and a
// router's work costs in cycles. A board description gives the numbers; the cycle-accurate board
// model charges them, and the RTL core must take exactly program_cycles() per neuron.
// Freestanding.
namespace sf::firmware::timing {

// What a board's timing section gives (docs/boards.md, `<timing>`).
struct board_timing {
    std::uint64_t core_hz = 200'000'000;   // a core's clock
    std::uint64_t router_hz = 133'000'000; // the router's and the links' clock
    // Neuron updates: `program` runs one neuron program per neuron on the core's pipeline;
    // `analog` updates neurons in continuous time outside the core, so only events cost cycles.
    bool analog_neurons = false;
    std::uint32_t tick_cycles = 400;       // per timer tick: the interrupt, the step's bookkeeping
    std::uint32_t neuron_cycles = 10;      // per neuron besides its program: state and input loads
    std::uint32_t spike_cycles = 16;       // per spike sent: the packet handed to the router
    std::uint32_t packet_cycles = 40;      // per packet received: interrupt and master-table lookup
    std::uint32_t word_cycles = 8;         // per synaptic word added to the ring buffer
    std::uint32_t rand_cycles = 3;         // cycles `rand` keeps the issue stage
    std::uint32_t memory_latency_ns = 300; // a row fetch's first word
    std::uint64_t memory_bytes_per_second = 1'000'000'000; // the chip's memory, shared by its cores
    std::uint32_t pipeline_stages = 5;      // router cycles from a router's input to its outputs
    std::uint32_t input_fifo = 8;           // packets each router input holds
    std::uint32_t output_fifo = 4;          // packets each link output holds
    std::uint32_t wait1_cycles = 240;       // router cycles a blocked packet waits before its
                                            // emergency route
    std::uint32_t wait2_cycles = 240;       // router cycles more before it is dropped
    std::uint32_t link_latency_ns = 0;      // on the wire, besides a packet's transfer time
    std::uint32_t reinjection_queue = 4096; // dropped packets the monitor holds for re-injection
    std::uint32_t reinjection_cycles =
        200; // router cycles the monitor takes per re-injected packet
};

namespace detail {

// The registers an instruction reads (bit r for register r).
constexpr std::uint32_t registers_read(const isa::instruction& i) {
    switch (isa::info(i.op).form) {
    case isa::operand_form::index_ra:
    case isa::operand_form::rd_ra_sh:
    case isa::operand_form::rd_ra_table: return 1u << i.ra;
    case isa::operand_form::rd_ra_rb:
    case isa::operand_form::rd_ra_rb_sh:
    case isa::operand_form::pd_ra_rb:
    case isa::operand_form::rd_pd_ra_rb: return (1u << i.ra) | (1u << i.rb);
    default: return 0;
    }
}

// The register whose result comes late (two cycles after issue), as a bit; 0 for none.
constexpr std::uint32_t late_result(const isa::instruction& i) {
    const bool late =
        i.op == isa::opcode::mul || i.op == isa::opcode::lut || i.op == isa::opcode::rand;
    return late ? 1u << i.rd : 0u;
}

} // namespace detail

// Cycles of a core's pipeline per neuron for a program (docs/timing.md): one per instruction, the
// cycles `rand` keeps the issue stage, and one stall for an instruction that reads the register a
// `mul`, `lut` or `rand` just before it writes (their results come two cycles after issue). Nothing
// carries from one neuron's program to the next: registers start at zero for every neuron, and
// the per-neuron cycles between them let the pipeline drain. Words that do not decode count one
// cycle each (the kernel refuses such programs before they run).
inline std::uint64_t program_cycles(const std::uint32_t* program, std::size_t words,
                                    std::uint32_t rand_cycles) {
    std::uint64_t cycles = 0;
    std::uint32_t late_before = 0; // of the instruction before
    isa::instruction i;
    for (std::size_t w = 0; w < words; ++w) {
        if (isa::decode(program[w], i) != isa::decode_status::ok) {
            ++cycles;
            late_before = 0;
            continue;
        }
        cycles += i.op == isa::opcode::rand ? rand_cycles : 1;
        if ((detail::registers_read(i) & late_before) != 0) {
            ++cycles;
        }
        late_before = detail::late_result(i);
    }
    return cycles;
}

// Cycles of one core's timer tick: the tick, then every neuron (its program and the per-neuron
// cost, none for analog neurons), then every spike sent. Packets are charged as they arrive.
constexpr std::uint64_t step_cycles(const board_timing& t, std::uint64_t program,
                                    std::uint64_t neurons, std::uint64_t spikes) {
    const std::uint64_t per_neuron = t.analog_neurons ? 0 : program + t.neuron_cycles;
    return t.tick_cycles + neurons * per_neuron + spikes * t.spike_cycles;
}

// Cycles of one received packet's row: the lookup, then every word (the fetch is timed apart).
constexpr std::uint64_t row_cycles(const board_timing& t, std::uint64_t words) {
    return t.packet_cycles + words * t.word_cycles;
}

} // namespace sf::firmware::timing
