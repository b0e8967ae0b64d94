#pragma once

#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/core_location.hpp>
#include <sf/mapper/routing_keys.hpp>
#include <sf/mapper/routing_table.hpp>

// Multicast trees and the routing tables that make them (docs/routing.md, "Trees").
namespace sf::mapper {

// A core that sends: each of its neurons' spikes is a packet with key keys.key | neuron, which
// must reach every target core once. Targets may include cores of the source's chip and the
// source core itself; a core listed twice is one target.
struct multicast_source {
    key_space keys;
    core_location source;
    std::vector<core_location> targets;
};

// One table per available chip of the board, in row order (empty when no tree needs an entry
// there), each sorted by key. Each source gets a tree from its chip to its targets' chips over
// available links: every target chip on a shortest path, paths shared as far as they go, ties
// broken the same way every time. A chip that a tree only passes straight through (in on one
// link, out on the opposite one, no core of it a target) gets no entry: the router's default
// route does it. Throws compile_error when a source or target core is not an application core of
// an available chip (or is above the route's max_routed_cores), when a key space is not well
// formed or overlaps another, and when a target chip cannot be reached, naming the source core
// and the chip.
std::vector<routing_table> build_routes(const board& machine,
                                        const std::vector<multicast_source>& sources);

} // namespace sf::mapper
