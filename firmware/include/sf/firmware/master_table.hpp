#pragma once

#include <cstdint>

#include <sf/firmware/image_views.hpp>

// What a core does with a multicast packet it receives (docs/image-format.md): the last master
// table entry at or below the key is the only candidate (the table is sorted by key); its mask
// leaves the sending neuron, and each of the entry's row blocks holds that neuron's synaptic row
// for one hold. Freestanding: rows are views into the core section.
namespace sf::firmware {

struct synaptic_row {
    std::uint32_t hold = 0; // whole steps the row waits before it is delivered (0: now)
    const std::uint32_t* words = nullptr;
    std::uint32_t count = 0;
};

// Calls `row(synaptic_row)` for every non-empty row the packet `key` selects in a checked core
// section. Returns how many lookups found nothing: 1 when no entry matches the key, else the
// number of the entry's blocks that have no row for the neuron.
template <class Row>
std::uint32_t for_each_row(const image::core_view& core, std::uint32_t key, Row&& row) {
    std::uint32_t low = 0;
    std::uint32_t high = core.master_entries;
    while (low < high) {
        const std::uint32_t mid = low + (high - low) / 2;
        if (core.master[4 * mid] <= key) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    if (low == 0 || (key & core.master[4 * (low - 1) + 1]) != core.master[4 * (low - 1)]) {
        return 1;
    }
    const std::uint32_t* entry = core.master + 4 * (low - 1);
    const std::uint32_t neuron = key & ~entry[1];
    std::uint32_t unmatched = 0;
    for (std::uint32_t b = entry[2]; b < entry[2] + entry[3]; ++b) {
        const std::uint32_t* block = core.block_words + 3 * b;
        if (neuron >= block[1]) {
            ++unmatched;
            continue;
        }
        const std::uint32_t begin = core.row_offsets[block[2] + neuron];
        const std::uint32_t end = core.row_offsets[block[2] + neuron + 1];
        if (end != begin) {
            row(synaptic_row{block[0], core.words + begin, end - begin});
        }
    }
    return unmatched;
}

} // namespace sf::firmware
