#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/mapper/board.hpp>

namespace sf::mapper {

// Links between two grid positions by the topology alone, as if every chip and link of the grid
// were there: Manhattan on a mesh, Manhattan with wrap-around on a torus, and SpiNNaker's distance
// on the triangular mesh for hexagonal grids (max(|dx|, |dy|) when dx and dy have the same sign,
// |dx| + |dy| otherwise), taking the shorter way round where the grid wraps.
int grid_hops(const grid_shape& grid, chip_coordinates a, chip_coordinates b);

// Links on a shortest path between two chips over the board's available links, found by one
// breadth-first search (for many queries build a hop_distances once). -1 when either position
// holds no available chip or no path of available links joins them.
int hops(const board& machine, chip_coordinates a, chip_coordinates b);

// Hop distances between all available chips of a board, for placement, routing and reports.
//
// Boards of up to max_table_chips available chips get a table filled by one breadth-first search
// per chip over the available links: exact, failed chips and dead links included (2 bytes per
// pair: 2.6 MB for 24 SpiNN-5 boards). Larger boards use grid_hops(), which is exact when every
// grid position holds an available chip and every link works, and otherwise a lower bound;
// chips that no path joins are still told apart there (connected components are always exact).
class hop_distances {
public:
    static constexpr int max_table_chips = 4096;

    explicit hop_distances(const board& machine);

    // As hops(): -1 when either is not an available chip or no path joins them.
    int operator()(chip_coordinates a, chip_coordinates b) const;

    // Available chips are numbered 0 .. chip_count() - 1 in row order (the order of board::chips).
    int chip_count() const { return static_cast<int>(chips_.size()); }
    chip_coordinates chip_at(int index) const { return chips_[static_cast<std::size_t>(index)]; }
    // The number of an available chip; -1 for a position with no chip or an unavailable one.
    int index(chip_coordinates where) const;
    // Chips share a component when a path of available links joins them; numbered from 0.
    int component(int index) const { return component_[static_cast<std::size_t>(index)]; }

    // Between two chips by number; -1 when no path joins them.
    int between(int a, int b) const {
        if (!table_.empty()) {
            const std::uint16_t d =
                table_[static_cast<std::size_t>(a) * chips_.size() + static_cast<std::size_t>(b)];
            return d == no_path ? -1 : d;
        }
        return formula_between(a, b);
    }

    // What a placement cost counts for a pair of chips: between(), or unreachable_cost() when no
    // path joins them.
    int cost_between(int a, int b) const {
        const int d = between(a, b);
        return d < 0 ? unreachable_cost_ : d;
    }

    // Hops counted for traffic between chips that no path joins: more than any path on the board
    // (at least 4 x (width + height)), so that placement keeps such slices apart only as a last
    // resort.
    int unreachable_cost() const { return unreachable_cost_; }

    // True when between() is exact for every pair: a table, or a complete grid with no failures.
    bool exact() const { return exact_; }
    const grid_shape& grid() const { return grid_; }

private:
    static constexpr std::uint16_t no_path = 0xFFFF;

    int formula_between(int a, int b) const;

    grid_shape grid_;
    std::vector<chip_coordinates> chips_;
    std::vector<int> index_;     // by grid position (y * width + x); -1: no available chip
    std::vector<int> component_; // by chip number
    std::vector<std::uint16_t> table_;
    int unreachable_cost_ = 0;
    bool exact_ = false;
};

} // namespace sf::mapper
