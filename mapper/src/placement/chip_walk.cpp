// The chips in a locality-preserving order: a spiral from the centre of the board.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "chip_walk.hpp"
#include "traffic_graph.hpp"

namespace sf::mapper::placing {
namespace {

// The offset from a to b, the shorter way round where the grid wraps.
std::pair<int, int> offset_between(const grid_shape& grid, chip_coordinates a, chip_coordinates b) {
    int dx = b.x - a.x;
    int dy = b.y - a.y;
    if (!grid.wraps) {
        return {dx, dy};
    }
    dx = ((dx % grid.width) + grid.width) % grid.width;
    dy = ((dy % grid.height) + grid.height) % grid.height;
    const grid_shape flat{grid.width, grid.height, grid.kind, false};
    std::pair<int, int> best{dx, dy};
    int best_hops = std::numeric_limits<int>::max();
    for (const int x : {dx, dx - grid.width}) {
        for (const int y : {dy, dy - grid.height}) {
            const int h = grid_hops(flat, {0, 0}, {x, y});
            if (h < best_hops) {
                best_hops = h;
                best = {x, y};
            }
        }
    }
    return best;
}

// Grid offsets drawn in the plane: the triangular mesh's three link directions 60 degrees apart.
std::pair<double, double> drawn(topology kind, double dx, double dy) {
    if (kind == topology::hexagonal) {
        return {dx - 0.5 * dy, dy * std::sqrt(3.0) / 2.0};
    }
    return {dx, dy};
}

// Each chip's application cores and the chips one available link away.
void chips_and_links(const board& machine, const hop_distances& d, chip_map& map) {
    const std::size_t n = at(d.chip_count());
    map.capacity.resize(n);
    map.links.resize(n);
    map.position.resize(n);
    for (int i = 0; i < d.chip_count(); ++i) {
        map.capacity[at(i)] = machine.find_chip(d.chip_at(i))->application_cores;
        for (const chip_coordinates there : machine.neighbours(d.chip_at(i))) {
            const int j = d.index(there);
            if (j >= 0) {
                map.links[at(i)].push_back(j);
            }
        }
    }
}

// The chips of each connected part, the part with the most cores first (ties in part order).
std::vector<std::vector<int>> parts_by_cores(const hop_distances& d,
                                             const std::vector<int>& capacity) {
    int parts = 0;
    for (int i = 0; i < d.chip_count(); ++i) {
        parts = std::max(parts, d.component(i) + 1);
    }
    std::vector<std::vector<int>> chips_of(at(parts));
    std::vector<std::int64_t> cores_of(at(parts), 0);
    for (int i = 0; i < d.chip_count(); ++i) {
        chips_of[at(d.component(i))].push_back(i);
        cores_of[at(d.component(i))] += capacity[at(i)];
    }
    std::vector<int> part_order(at(parts));
    for (int k = 0; k < parts; ++k) {
        part_order[at(k)] = k;
    }
    std::stable_sort(part_order.begin(), part_order.end(),
                     [&cores_of](int a, int b) { return cores_of[at(a)] > cores_of[at(b)]; });
    std::vector<std::vector<int>> ordered;
    ordered.reserve(at(parts));
    for (const int part : part_order) {
        ordered.push_back(std::move(chips_of[at(part)]));
    }
    return ordered;
}

// The chip nearest the middle of a part's chips (of the grid, if it wraps).
int centre_of(const grid_shape& grid, const hop_distances& d, const std::vector<int>& chips) {
    std::pair<double, double> middle{0.0, 0.0};
    if (grid.wraps) {
        middle = drawn(grid.kind, (grid.width - 1) / 2.0, (grid.height - 1) / 2.0);
    } else {
        for (const int i : chips) {
            const auto p = drawn(grid.kind, d.chip_at(i).x, d.chip_at(i).y);
            middle.first += p.first / static_cast<double>(chips.size());
            middle.second += p.second / static_cast<double>(chips.size());
        }
    }
    int centre = chips.front();
    double nearest = std::numeric_limits<double>::infinity();
    for (const int i : chips) {
        const auto p = drawn(grid.kind, d.chip_at(i).x, d.chip_at(i).y);
        const double away = std::hypot(p.first - middle.first, p.second - middle.second);
        if (away < nearest - 1e-9) {
            nearest = away;
            centre = i;
        }
    }
    return centre;
}

// The chips found from `centre` over the available links, breadth first; marks them seen.
std::vector<int> reachable_from(int centre, const std::vector<std::vector<int>>& links,
                                std::vector<char>& seen) {
    std::vector<int> queue{centre};
    seen[at(centre)] = 1;
    for (std::size_t next = 0; next < queue.size(); ++next) {
        for (const int there : links[at(queue[next])]) {
            if (seen[at(there)] == 0) {
                seen[at(there)] = 1;
                queue.push_back(there);
            }
        }
    }
    return queue;
}

// Draws a part's chips from its centre and appends them to the walk, ring by ring, each ring
// anticlockwise from east.
void spiral(const grid_shape& grid, const hop_distances& d, int centre,
            const std::vector<int>& chips, chip_map& map) {
    const double full_turn = 2.0 * std::acos(-1.0);
    struct stop {
        int ring;
        double angle;
        int chip;
    };
    std::vector<stop> stops;
    stops.reserve(chips.size());
    for (const int i : chips) {
        const auto [dx, dy] = offset_between(grid, d.chip_at(centre), d.chip_at(i));
        map.position[at(i)] = drawn(grid.kind, dx, dy);
        // Rings whose consecutive chips are neighbours: hexagons of hop distance on the
        // triangular mesh, squares on a mesh or torus (where rings of Manhattan distance
        // would be diamonds, their chips two hops apart).
        const int ring =
            grid.kind == topology::hexagonal
                ? grid_hops(grid_shape{grid.width, grid.height, grid.kind, false}, {0, 0}, {dx, dy})
                : std::max(std::abs(dx), std::abs(dy));
        const auto& p = map.position[at(i)];
        double angle = i == centre ? 0.0 : std::atan2(p.second, p.first);
        if (angle < 0.0) {
            angle += full_turn;
        }
        stops.push_back({ring, angle, i});
    }
    std::sort(stops.begin(), stops.end(), [](const stop& a, const stop& b) {
        if (a.ring != b.ring) {
            return a.ring < b.ring;
        }
        return a.angle != b.angle ? a.angle < b.angle : a.chip < b.chip;
    });
    for (const stop& s : stops) {
        map.walk.push_back(s.chip);
    }
}

} // namespace

chip_map map_chips(const board& machine, const hop_distances& d) {
    chip_map map;
    chips_and_links(machine, d, map);
    map.walk.reserve(at(d.chip_count()));
    std::vector<char> seen(at(d.chip_count()), 0);
    for (const std::vector<int>& chips : parts_by_cores(d, map.capacity)) {
        const int centre = centre_of(d.grid(), d, chips);
        spiral(d.grid(), d, centre, reachable_from(centre, map.links, seen), map);
    }
    return map;
}

} // namespace sf::mapper::placing
