#include <algorithm>
#include <limits>

#include <sf/emulator/chip_partition.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

std::size_t chip_partition::rank_of(std::size_t chip) const {
    SF_ASSERT(!first_chip.empty() && chip < first_chip.back());
    const auto after = std::upper_bound(first_chip.begin(), first_chip.end(), chip);
    return static_cast<std::size_t>(after - first_chip.begin()) - 1;
}

namespace {

// The most cores of one block when the chips are cut into blocks of at most `limit` cores each,
// every block at least one chip: true when `ranks` blocks are enough.
bool fits(const std::vector<std::size_t>& cores, std::size_t ranks, std::size_t limit) {
    std::size_t blocks = 1;
    std::size_t load = 0;
    for (const std::size_t c : cores) {
        if (c > limit) {
            return false;
        }
        if (load + c > limit) {
            ++blocks;
            load = 0;
        }
        load += c;
    }
    return blocks <= ranks;
}

// Cuts greedily under `limit`, then splits blocks further (from the end, one chip off) until
// every rank has a block: the load of no block grows.
std::vector<std::size_t> cut(const std::vector<std::size_t>& cores, std::size_t ranks,
                             std::size_t limit) {
    std::vector<std::size_t> first{0};
    std::size_t load = 0;
    for (std::size_t chip = 0; chip < cores.size(); ++chip) {
        if (chip > 0 && load + cores[chip] > limit) {
            first.push_back(chip);
            load = 0;
        }
        load += cores[chip];
    }
    // Too few blocks: give the last chips blocks of their own, from the end.
    std::size_t chip = cores.size();
    while (first.size() < ranks) {
        --chip;
        if (std::find(first.begin(), first.end(), chip) == first.end()) {
            first.push_back(chip);
        }
    }
    std::sort(first.begin(), first.end());
    first.push_back(cores.size());
    return first;
}

} // namespace

chip_partition partition_chips(const std::vector<std::size_t>& cores_per_chip, std::size_t ranks) {
    chip_partition p;
    SF_ASSERT(ranks >= 1);
    if (ranks > cores_per_chip.size()) {
        p.problem = std::to_string(ranks) + " ranks but the image has " +
                    std::to_string(cores_per_chip.size()) +
                    " chips: each rank runs whole chips, so run at most as many ranks as chips";
        return p;
    }
    // The smallest limit on a block's cores that the ranks can keep: a binary search.
    std::size_t low = 0;
    std::size_t high = 0;
    for (const std::size_t c : cores_per_chip) {
        high += c;
    }
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (fits(cores_per_chip, ranks, middle)) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    p.first_chip = cut(cores_per_chip, ranks, low);
    return p;
}

} // namespace sf::emulator
