#pragma once

#include <vector>

#include <sf/mapper/placement.hpp>
#include <sf/mapper/placement_distance.hpp>

#include "chip_walk.hpp"
#include "traffic_graph.hpp"

namespace sf::mapper::placing {

// Local improvement (docs/placement.md, "Improvement"): each active slice tries the chips of its
// heaviest partners and the chips next to its own and next to its heaviest partner's, moving to
// a free core or swapping with a slice there, whichever lowers the cost most. A slice becomes
// active again when one of its partners moves. Rounds visit the active slices in an order drawn
// from options.seed until none is active (result.converged) or options.improvement_seconds have
// passed. Updates chip_of (by slice) and result's rounds, moves, converged and
// improvement_seconds.
void improve(const traffic_graph& g, const hop_distances& d, const chip_map& map,
             std::vector<int>& chip_of, const placement_options& options, placement_result& result);

} // namespace sf::mapper::placing
