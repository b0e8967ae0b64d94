// Hop distances between chips (docs/placement.md, "Distances").
#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

#include <sf/mapper/placement_distance.hpp>

namespace sf::mapper {
namespace {

// SpiNNaker's distance on the triangular mesh (links E, NE, N and their opposites): a step along
// the diagonal covers one in x and one in y at once, but only when both go the same way.
int triangular(int dx, int dy) {
    if ((dx >= 0) == (dy >= 0)) {
        return std::max(std::abs(dx), std::abs(dy));
    }
    return std::abs(dx) + std::abs(dy);
}

// The offset from a to b along one axis, in [0, side).
int wrapped(int from, int to, int side) { return ((to - from) % side + side) % side; }

// Available links by chip number, each once: chip i's neighbours are
// to[start[i]] .. to[start[i + 1]].
struct adjacency {
    std::vector<int> start;
    std::vector<int> to;
};

adjacency available_links(const board& machine, const hop_distances& d) {
    adjacency result;
    result.start.assign(static_cast<std::size_t>(d.chip_count()) + 1, 0);
    std::vector<std::pair<int, int>> pairs;
    for (const link& l : machine.links) {
        const int from = d.index(l.from);
        const int to = d.index(l.to);
        if (l.available && from >= 0 && to >= 0 && from != to) {
            pairs.emplace_back(from, to);
        }
    }
    // On a torus two chips wide, E and W lead to the same neighbour: keep it once.
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    for (const auto& p : pairs) {
        ++result.start[static_cast<std::size_t>(p.first) + 1];
    }
    for (std::size_t i = 1; i < result.start.size(); ++i) {
        result.start[i] += result.start[i - 1];
    }
    result.to.reserve(pairs.size());
    for (const auto& p : pairs) {
        result.to.push_back(p.second);
    }
    return result;
}

} // namespace

int grid_hops(const grid_shape& grid, chip_coordinates a, chip_coordinates b) {
    const int dx = b.x - a.x;
    const int dy = b.y - a.y;
    if (!grid.wraps || grid.width <= 0 || grid.height <= 0) {
        return grid.kind == topology::hexagonal ? triangular(dx, dy) : std::abs(dx) + std::abs(dy);
    }
    const int ex = wrapped(a.x, b.x, grid.width);
    const int ey = wrapped(a.y, b.y, grid.height);
    if (grid.kind != topology::hexagonal) {
        return std::min(ex, grid.width - ex) + std::min(ey, grid.height - ey);
    }
    // The distance is a norm, so the nearest copy of b is one of the four that bracket a.
    int best = triangular(ex, ey);
    best = std::min(best, triangular(ex - grid.width, ey));
    best = std::min(best, triangular(ex, ey - grid.height));
    best = std::min(best, triangular(ex - grid.width, ey - grid.height));
    return best;
}

int hops(const board& machine, chip_coordinates a, chip_coordinates b) {
    const chip* from = machine.find_chip(a);
    const chip* to = machine.find_chip(b);
    if (from == nullptr || to == nullptr || !from->available || !to->available) {
        return -1;
    }
    if (a == b) {
        return 0;
    }
    const std::size_t width = static_cast<std::size_t>(std::max(machine.grid.width, 1));
    const auto at = [width](chip_coordinates c) {
        return static_cast<std::size_t>(c.y) * width + static_cast<std::size_t>(c.x);
    };
    std::vector<int> seen(width * static_cast<std::size_t>(std::max(machine.grid.height, 1)), -1);
    std::vector<chip_coordinates> frontier{a};
    seen[at(a)] = 0;
    for (std::size_t next = 0; next < frontier.size(); ++next) {
        const chip_coordinates here = frontier[next];
        for (const chip_coordinates there : machine.neighbours(here)) {
            if (seen[at(there)] >= 0) {
                continue;
            }
            seen[at(there)] = seen[at(here)] + 1;
            if (there == b) {
                return seen[at(there)];
            }
            frontier.push_back(there);
        }
    }
    return -1;
}

hop_distances::hop_distances(const board& machine) : grid_(machine.grid) {
    const std::size_t width = static_cast<std::size_t>(std::max(grid_.width, 0));
    const std::size_t height = static_cast<std::size_t>(std::max(grid_.height, 0));
    index_.assign(width * height, -1);
    for (const auto& c : machine.chips) {
        if (c.available && c.x >= 0 && c.y >= 0 && c.x < grid_.width && c.y < grid_.height) {
            index_[static_cast<std::size_t>(c.y) * width + static_cast<std::size_t>(c.x)] =
                static_cast<int>(chips_.size());
            chips_.push_back(c.coordinates());
        }
    }
    const std::size_t n = chips_.size();
    const adjacency linked = available_links(machine, *this);

    // Components: one breadth-first search over all chips.
    component_.assign(n, -1);
    std::vector<int> queue;
    queue.reserve(n);
    int components = 0;
    for (std::size_t first = 0; first < n; ++first) {
        if (component_[first] >= 0) {
            continue;
        }
        queue.assign(1, static_cast<int>(first));
        component_[first] = components;
        for (std::size_t next = 0; next < queue.size(); ++next) {
            const auto here = static_cast<std::size_t>(queue[next]);
            for (int k = linked.start[here]; k < linked.start[here + 1]; ++k) {
                const int there = linked.to[static_cast<std::size_t>(k)];
                if (component_[static_cast<std::size_t>(there)] < 0) {
                    component_[static_cast<std::size_t>(there)] = components;
                    queue.push_back(there);
                }
            }
        }
        ++components;
    }

    unreachable_cost_ = 4 * (grid_.width + grid_.height);
    if (n <= static_cast<std::size_t>(max_table_chips)) {
        // One search per chip; a path is at most n - 1 <= 4095 links, well inside 16 bits.
        table_.assign(n * n, no_path);
        std::vector<int> frontier;
        frontier.reserve(n);
        int longest = 0;
        for (std::size_t source = 0; source < n; ++source) {
            std::uint16_t* row = &table_[source * n];
            row[source] = 0;
            frontier.assign(1, static_cast<int>(source));
            for (std::size_t next = 0; next < frontier.size(); ++next) {
                const int here = frontier[next];
                const auto step = static_cast<std::uint16_t>(row[here] + 1);
                for (int k = linked.start[static_cast<std::size_t>(here)];
                     k < linked.start[static_cast<std::size_t>(here) + 1]; ++k) {
                    const int there = linked.to[static_cast<std::size_t>(k)];
                    if (row[there] == no_path) {
                        row[there] = step;
                        longest = std::max(longest, static_cast<int>(step));
                        frontier.push_back(there);
                    }
                }
            }
        }
        unreachable_cost_ = std::max(unreachable_cost_, longest + 1);
        exact_ = true;
    } else {
        // The formula is exact when nothing is missing: every position holds a working chip and
        // every link of the topology works (board files list a link for every neighbour).
        exact_ = n == width * height && std::all_of(machine.links.begin(), machine.links.end(),
                                                    [](const link& l) { return l.available; });
    }
}

int hop_distances::index(chip_coordinates where) const {
    if (where.x < 0 || where.y < 0 || where.x >= grid_.width || where.y >= grid_.height) {
        return -1;
    }
    return index_[static_cast<std::size_t>(where.y) * static_cast<std::size_t>(grid_.width) +
                  static_cast<std::size_t>(where.x)];
}

int hop_distances::operator()(chip_coordinates a, chip_coordinates b) const {
    const int i = index(a);
    const int j = index(b);
    return i < 0 || j < 0 ? -1 : between(i, j);
}

int hop_distances::formula_between(int a, int b) const {
    if (component(a) != component(b)) {
        return -1;
    }
    return grid_hops(grid_, chip_at(a), chip_at(b));
}

} // namespace sf::mapper
