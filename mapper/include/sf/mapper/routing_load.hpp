#pragma once

#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_table.hpp>

// Traffic on every link from the routing tables (docs/routing.md, "Link load").
namespace sf::mapper {

struct link_load {
    chip_coordinates from;
    direction heading = direction::east;
    double packets_per_step = 0.0;
};

// One load per board link, in board::links order. Each source sends packets_per_step[i] packets a
// step (1 each when the vector is empty; otherwise one value per source, each at least 0), e.g.
// its neurons' expected spikes per step. They are followed through the tables as check_routes
// follows them; where entries split a source's keys, each part carries its share of the keys.
// Packets that would be lost are not counted past the point where they are lost.
std::vector<link_load> link_loads(const board& machine, const std::vector<routing_table>& tables,
                                  const std::vector<multicast_source>& sources,
                                  const std::vector<double>& packets_per_step = {});

} // namespace sf::mapper
