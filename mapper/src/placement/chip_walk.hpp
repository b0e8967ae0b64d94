#pragma once

#include <utility>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/placement_distance.hpp>

namespace sf::mapper::placing {

// The available chips as placement sees them, by hop_distances' chip numbers.
struct chip_map {
    std::vector<int> capacity;           // application cores
    std::vector<std::vector<int>> links; // chips one available link away
    std::vector<int> walk;               // every chip once, in a locality-preserving order
    std::vector<std::pair<double, double>> position; // drawn in the plane, from its part's centre
};

// Builds the map: the walk is, for each connected part (the one with the most cores first), a
// spiral from the chip nearest its middle, ring by ring of hop distance over the available links,
// each ring anticlockwise from east. Positions are the offsets from that centre (the shorter way
// round where the grid wraps), with the triangular mesh's links drawn 60 degrees apart.
chip_map map_chips(const board& machine, const hop_distances& d);

} // namespace sf::mapper::placing
