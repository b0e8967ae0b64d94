#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "traffic_graph.hpp"

namespace sf::mapper::placing {

// Slices of one region to split between its two halves, renumbered 0 .. n-1.
struct split_problem {
    traffic_graph graph;                     // traffic among the region's slices
    std::vector<std::array<double, 2>> pull; // by slice: the cost of each half for its traffic
                                             // to slices outside the region
    double apart = 1.0;                      // hops between the two halves' centres
    std::int64_t low = 0;                    // slices the first half must get, at least
    std::int64_t high = 0;                   // and at most
    std::int64_t wanted = 0;                 // in proportion to the halves' cores
};

// Splits the slices in two, lowering Σ pull + apart x (weight between the halves), with low to
// high slices in the first half: multilevel, as METIS partitions graphs. Heavy edges are merged
// until few vertices are left, those are split along the traversal order, and each level on the
// way back is refined by Fiduccia-Mattheyses passes. Returns the half (0 or 1) of each slice.
std::vector<char> split_in_two(const split_problem& problem);

} // namespace sf::mapper::placing
