#pragma once

#include <vector>

#include <sf/mapper/placement_distance.hpp>

#include "chip_walk.hpp"
#include "traffic_graph.hpp"

namespace sf::mapper::placing {

// Recursive min-cut bisection (docs/placement.md, "Constructive placement"): the chips are cut in
// two across their longer side, the slices in two by a Fiduccia-Mattheyses refinement of a
// traversal-order split that lowers Σ weight x hops between the halves' centres (traffic to
// slices outside the region counts towards the half nearer them), and so on down to single chips.
// `chips` must have application cores for every slice of `g`. Returns the chip of each slice.
std::vector<int> bisect(const traffic_graph& g, const hop_distances& d, const chip_map& map,
                        const std::vector<int>& chips);

} // namespace sf::mapper::placing
