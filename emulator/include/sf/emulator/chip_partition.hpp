#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sf::emulator {

// How a board image's chips are shared out among processes (ranks): in the image's chip order,
// in contiguous blocks, each rank one block of at least one chip, no chip split, the cores used
// balanced (the largest block as small as it can be).
struct chip_partition {
    // Per rank: its first chip; one entry more than ranks, the last the chip count.
    std::vector<std::size_t> first_chip;
    std::string problem; // why the chips cannot be shared out; empty when they are

    std::size_t ranks() const { return first_chip.empty() ? 0 : first_chip.size() - 1; }
    // The rank that owns `chip`.
    std::size_t rank_of(std::size_t chip) const;
    std::size_t chips_of(std::size_t rank) const { return first_chip[rank + 1] - first_chip[rank]; }
};

// The partition of chips holding `cores_per_chip` cores each among `ranks` ranks; refused (problem
// set) when there are more ranks than chips.
chip_partition partition_chips(const std::vector<std::size_t>& cores_per_chip, std::size_t ranks);

} // namespace sf::emulator
