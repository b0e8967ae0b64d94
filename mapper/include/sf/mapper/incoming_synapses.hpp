#pragma once

#include <cstdint>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/lems/progress.hpp>
#include <sf/mapper/quantise.hpp>

// Every connection of a compiled network as the synaptic word it becomes, filed under the neuron
// it reaches: what partitioning measures slices by and what the synaptic matrices are built
// from, in one pass over the network's connections and 10 bytes per synapse.
namespace sf::mapper {

// A delay of `delay` steps (at least 1) on cores with a ring of `slots`: whole rings held back
// before delivery and the rest, 1 to `slots`, in the synaptic word.
struct ring_split {
    int hold = 0;
    int ring = 1;
};
constexpr ring_split split_delay(int delay, int slots) {
    const int hold = (delay - 1) / slots * slots;
    return {hold, delay - hold};
}

struct incoming_synapses {
    std::vector<std::uint32_t> group_base; // per group: global number of its first neuron
    std::vector<std::uint64_t> first;      // per global neuron + 1: offsets into the arrays below
    std::vector<std::uint32_t> source;     // the source neuron's global number
    std::vector<std::uint32_t> word;       // the synaptic word, its target field 0
    std::vector<std::uint16_t> held_rings; // whole rings the word waits before its ring delay
    int delay_slots = 1;                   // of the target cores' rings

    // The longest wait a connection may have before its ring delay, in whole rings.
    static constexpr std::uint32_t max_held_rings = UINT16_MAX;

    std::uint64_t size() const { return source.size(); }
    // Steps connection e waits before its ring delay.
    std::uint32_t hold(std::uint64_t e) const {
        return std::uint32_t{held_rings[e]} * static_cast<std::uint32_t>(delay_slots);
    }
    std::uint32_t global(int group, int neuron) const {
        return group_base[static_cast<std::size_t>(group)] + static_cast<std::uint32_t>(neuron);
    }
};

// The distinct holds of an index numbered densely from 0 (no hold), so that a (source slice, hold)
// pair has a place in a table of slices x count() entries instead of being searched for.
class hold_numbers {
public:
    explicit hold_numbers(const incoming_synapses& in);

    std::size_t count() const { return count_; }
    // The number of connection e's hold.
    std::uint32_t of(std::uint64_t e) const { return number_[in_->held_rings[e]]; }
    // The number of a hold of `hold` steps, one of the index's.
    std::uint32_t of_hold(std::uint32_t hold) const {
        return number_[hold / static_cast<std::uint32_t>(in_->delay_slots)];
    }

private:
    const incoming_synapses* in_;
    std::vector<std::uint32_t> number_; // per held ring count
    std::size_t count_ = 1;
};

// Indexes every connection of `net` for cores with `delay_slots` ring slots: delays up to the
// ring go into the word; a longer one is a hold of whole rings plus the rest in the word (1 to
// delay_slots), so that a source slice needs one block of rows per ring of delay. Within a neuron,
// connections keep the network's order. Throws compile_error naming the target population when
// a weight, delay or channel does not fit a synaptic word, or a delay is longer than
// max_held_rings rings and a ring. Tells `progress` how many of the
// network's connections it has filed, as "partitioning: indexing connections". The target
// neurons are shared out over `threads` (0: this machine's hardware threads); the index, and the
// error thrown, are the same on any number.
incoming_synapses index_incoming(const lems::ir::network& net, const compiled_network& compiled,
                                 int delay_slots, const lems::progress_callback& progress = {},
                                 std::size_t threads = 0);

} // namespace sf::mapper
