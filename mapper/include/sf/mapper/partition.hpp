#pragma once

#include <cstdint>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/incoming_synapses.hpp>
#include <sf/mapper/placement.hpp>
#include <sf/mapper/quantise.hpp>

// Partitioning: each compiled group split into slices that fit one neuron core of the board —
// its neurons, their state words, and the synaptic rows of everything they receive.
namespace sf::mapper {

// Neurons [first, first + count) of a compiled group, on one core.
struct slice {
    int group = -1;
    int first = 0;
    int count = 0;
};

// What bounds how many of a group's neurons share a core: the core's neurons, the state memory
// (its words over the words one neuron takes), or the synaptic memory (its slices halved until
// their matrices fit).
enum class core_bound { neurons, state_memory, synaptic_memory };
const char* to_string(core_bound bound);

// How a group was split: into ceil(neurons / per_core) slices when bound by the core's neurons
// or its state memory, into more when the synaptic memory halved some.
struct group_split {
    int per_core = 0; // neurons a core holds by its neurons and state memory
    int slices = 0;
    core_bound bound = core_bound::neurons;
};

struct partition_result {
    std::vector<slice> slices;                 // group by group, in neuron order
    std::vector<std::vector<int>> slice_of;    // per group, per neuron: its slice
    std::vector<std::uint64_t> synaptic_bytes; // per slice: what its synaptic matrix takes
    std::vector<group_split> splits;           // per group
};

// The ring-buffer slots of the board's cores: the largest power of two within the board's delay
// slots and the kernel's 16. Longer delays are carried as holds (synaptic_matrix.hpp).
int ring_slots(const core_limits& core);

// Splits every group into as few slices as the core's limits allow: at most `neurons`, state
// words of all its neurons within `state_memory_words`, synaptic rows within
// `synaptic_memory_bytes` (synaptic_matrix.hpp says what a matrix takes). Throws capacity_error
// naming the population when one neuron alone does not fit a core's state or synaptic memory.
// Slices' matrices are measured on `threads` (0: this machine's hardware threads); the result is
// the same on any number.
partition_result partition(const lems::ir::network& net, const compiled_network& compiled,
                           const core_limits& core, std::size_t threads = 0);
// The same with the connections already indexed for the core's ring (index_incoming with
// ring_slots(core)), as the mapper does to index them once.
partition_result partition(const lems::ir::network& net, const compiled_network& compiled,
                           const incoming_synapses& in, const core_limits& core,
                           std::size_t threads = 0);

// Synapses from each slice to each other, as placement weighs traffic: one entry per pair of
// slices with any, by source slice and then target slice.
std::vector<slice_traffic> synapses_between_slices(const incoming_synapses& in,
                                                   const partition_result& parts);

} // namespace sf::mapper
