#include <algorithm>
#include <set>
#include <utility>

#include <sf/mapper/board_geometry.hpp>

namespace sf::mapper {

const std::vector<direction>& directions(topology kind) {
    static const std::vector<direction> four = {direction::east, direction::north, direction::west,
                                                direction::south};
    static const std::vector<direction> six = {direction::east,       direction::north_east,
                                               direction::north,      direction::west,
                                               direction::south_west, direction::south};
    return kind == topology::hexagonal ? six : four;
}

bool has_direction(topology kind, direction way) {
    const std::vector<direction>& all = directions(kind);
    return std::find(all.begin(), all.end(), way) != all.end();
}

chip_coordinates offset(direction way) {
    switch (way) {
    case direction::east: return {1, 0};
    case direction::north_east: return {1, 1};
    case direction::north: return {0, 1};
    case direction::west: return {-1, 0};
    case direction::south_west: return {-1, -1};
    case direction::south: return {0, -1};
    }
    return {0, 0};
}

std::optional<chip_coordinates> step(const grid_shape& grid, chip_coordinates from, direction way) {
    const chip_coordinates d = offset(way);
    chip_coordinates to{from.x + d.x, from.y + d.y};
    if (grid.wraps) {
        to.x = (to.x + grid.width) % grid.width;
        to.y = (to.y + grid.height) % grid.height;
    } else if (to.x < 0 || to.y < 0 || to.x >= grid.width || to.y >= grid.height) {
        return std::nullopt;
    }
    if (to == from) {
        return std::nullopt; // a wrapped grid one chip wide: a chip is not its own neighbour
    }
    return to;
}

void connect_chips(board& machine, const std::vector<link_end>& dead) {
    // A wire is dead whichever end it was listed from: keep both ends of each.
    std::set<std::pair<chip_coordinates, int>> dead_ends;
    for (const link_end& end : dead) {
        dead_ends.insert({end.from, static_cast<int>(end.heading)});
        if (const auto other = step(machine.grid, end.from, end.heading)) {
            dead_ends.insert({*other, static_cast<int>(opposite(end.heading))});
        }
    }
    machine.links.clear();
    for (const chip& c : machine.chips) {
        for (const direction way : directions(machine.grid.kind)) {
            const auto to = step(machine.grid, c.coordinates(), way);
            const chip* other = to ? machine.find_chip(*to) : nullptr;
            if (other == nullptr) {
                continue;
            }
            link l;
            l.from = c.coordinates();
            l.to = *to;
            l.heading = way;
            l.bandwidth = std::min(c.link_bandwidth, other->link_bandwidth);
            l.available = c.available && other->available &&
                          dead_ends.count({c.coordinates(), static_cast<int>(way)}) == 0;
            machine.links.push_back(l);
        }
    }
}

} // namespace sf::mapper
