#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/core_location.hpp>
#include <sf/mapper/placement_distance.hpp>

namespace sf::mapper {

// Traffic from one slice (a core's worth of one population) to another. The weight is expected
// packets per time step, or the number of synapses when rates are unknown; it must be finite and
// not negative. source == target is allowed (it costs nothing), and many entries may name the same
// pair (their weights add up).
struct slice_traffic {
    int source = 0;
    int target = 0;
    double weight = 0.0;
};

struct placement_options {
    int seed = 1; // orders the improvement's moves; the constructive placement does not use it
    // Wall-clock budget of the local improvement: 0 keeps the constructive placement, infinity
    // runs until no move helps. The result depends only on the inputs and the seed when the
    // improvement stops because no move helps (placement_result::converged); a budget that cuts
    // it short makes it depend on the machine's speed.
    double improvement_seconds = 1.0;
    // With `groups`: the constructive placement puts each group's slices on consecutive cores
    // along its walk, groups in the order of the traffic between them (and skips the bisection,
    // which would mix them). The improvement may still separate them where that lowers the cost.
    bool keep_groups_together = true;
    // The group of each slice (for example its population), one entry per slice; empty: none.
    std::vector<int> groups;
};

struct placement_result {
    std::vector<core_location> cores; // by slice
    double walk_cost = 0.0;           // placement_cost() of the traversal along the chip walk
    double bisection_cost = 0.0;      // of the recursive bisection; 0 when not tried
    double constructive_cost = 0.0;   // the lower of the two: where the improvement starts
    double cost = 0.0;                // placement_cost() of `cores`; never above constructive_cost
    int rounds = 0;                   // improvement rounds (each visits the slices still active)
    std::int64_t moves = 0;           // moves and swaps applied
    bool converged = false;           // the improvement stopped because no move helped
    double constructive_seconds = 0.0;
    double improvement_seconds = 0.0;
};

// Gives each of `slices` slices its own application core on an available chip, keeping heavy
// traffic on one chip or between near chips (docs/placement.md): the cheaper of two constructive
// placements (the traffic's traversal filling a spiral walk of the chips chip by chip, and a
// recursive min-cut bisection of slices and chips together), then local improvement by moves and
// swaps of slices within the time budget.
// Throws capacity_error (limit "application cores") when the slices need more application cores
// than the board's available chips have, and compile_error for traffic naming a slice out of range
// or with a weight that is negative or not finite, or `groups` of the wrong size.
std::vector<core_location> place(const board& machine, std::size_t slices,
                                 const std::vector<slice_traffic>& traffic,
                                 const placement_options& options = {});

// The same with the costs and the work done.
placement_result place_detailed(const board& machine, std::size_t slices,
                                const std::vector<slice_traffic>& traffic,
                                const placement_options& options = {});

// Σ weight x hops between the two slices' chips (hop_distances::cost_between: shortest paths
// over available links, unreachable_cost() where none joins them). Traffic inside one chip costs
// nothing. Throws compile_error for traffic naming a slice that `cores` does not place or a core
// that is not on an available chip.
double placement_cost(const board& machine, const std::vector<core_location>& cores,
                      const std::vector<slice_traffic>& traffic);
double placement_cost(const hop_distances& distances, const std::vector<core_location>& cores,
                      const std::vector<slice_traffic>& traffic);

} // namespace sf::mapper
