#pragma once

#include <cstdint>
#include <vector>

#include <sf/mapper/incoming_synapses.hpp>
#include <sf/mapper/partition.hpp>

// A core's synaptic matrix: what a spike arriving with a key does there. The master table finds
// the source slice by key and mask; its blocks (one per extra hold, see below) give, per source
// neuron, a row of synaptic words (sf/firmware/synapse.hpp) for the core's ring buffers.
// Layout and sizes: docs/image-format.md.
namespace sf::mapper {

// Rows of one source slice that wait `hold` steps after the spike arrives before their words are
// delivered, each word then with its own delay of 1 to the core's delay slots: delays longer than
// the ring buffer are a hold plus a ring delay, never dropped.
struct row_block {
    std::uint32_t hold = 0;
    std::uint32_t neurons = 0;      // rows: one per neuron of the source slice
    std::uint32_t first_offset = 0; // index of the block's first row offset in row_offsets
};

struct master_entry {
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
    std::uint32_t first_block = 0;
    std::uint32_t block_count = 0;
};

struct synaptic_matrix {
    std::vector<master_entry> master; // by key
    std::vector<row_block> blocks;
    std::vector<std::uint32_t> row_offsets; // per block: neurons + 1 offsets into words
    std::vector<std::uint32_t> words;       // synaptic words

    // Bytes on the core: 16 per master entry, 12 per block, 4 per row offset and per word.
    std::uint64_t bytes() const;
};

// Bytes a matrix takes for the given contents (what partitioning budgets with).
std::uint64_t synaptic_bytes(std::uint64_t master_entries, std::uint64_t blocks,
                             std::uint64_t row_offsets, std::uint64_t words);

// The matrix of every slice: the connections reaching it, grouped by source slice (whose packets
// carry key | neuron, for the slice's key and mask) and hold, each row's words in ascending order.
// Throws capacity_error when a target neuron is beyond a synaptic word's target field. Tells
// `progress` how many slices are done, as "building cores". The slices' matrices are built on
// `threads` (0: this machine's hardware threads), the same on any number.
std::vector<synaptic_matrix> build_synaptic_matrices(const incoming_synapses& in,
                                                     const partition_result& parts,
                                                     const std::vector<std::uint32_t>& slice_keys,
                                                     const std::vector<std::uint32_t>& slice_masks,
                                                     const lems::progress_callback& progress = {},
                                                     std::size_t threads = 0);

} // namespace sf::mapper
