#pragma once

#include <sf/lems/network_ir.hpp>
#include <sf/lems/progress.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/mapped_network.hpp>
#include <sf/mapper/placement.hpp>
#include <sf/mapper/quantise.hpp>

namespace sf::mapper {

struct map_options {
    quantise_options quantise;
    placement_options placement;
    // Told as each phase begins: quantising, partitioning, placing, routing, building cores.
    lems::progress_callback progress;
    // Threads that deliver the float range run's events, index the connections, measure the
    // slices and build their matrices (0: this machine's hardware threads); it replaces
    // quantise.threads. The mapping is the same on any number.
    std::size_t threads = 0;
};

// A flattened network on a board: quantised, partitioned into core-sized slices, placed, given
// keys, routed (trees, tables compressed under each router's limit and checked by replaying every
// key), with each core's synaptic matrix and the recordings located. Throws capacity_error
// naming what does not fit (population, limit, need, available), or compile_error for what cannot
// be compiled. A board asked for
// as "NAME x auto" (board::join_as_needed) becomes the fewest copies of it, joined, that have an
// application core for every slice; the mapped network's machine and report name the count.
mapped_network map_network(const lems::ir::network& net, const board& asked,
                           const map_options& options = {});

} // namespace sf::mapper
