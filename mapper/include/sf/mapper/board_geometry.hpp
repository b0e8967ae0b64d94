#pragma once

#include <optional>
#include <vector>

#include <sf/mapper/board.hpp>

namespace sf::mapper {

// Chip coordinates are 8 bits each on SpiNNaker, so no grid is wider or taller than this.
constexpr int max_grid_side = 256;

// One end of a link that is marked dead: both directions of its wire are unusable.
struct link_end {
    chip_coordinates from;
    direction heading = direction::east;
};

// The directions a topology has links in, in SpiNNaker's link order.
const std::vector<direction>& directions(topology kind);
bool has_direction(topology kind, direction way);

// The step one link takes: E is (+1, 0), NE (+1, +1), N (0, +1), W (-1, 0), SW (-1, -1), S (0, -1).
chip_coordinates offset(direction way);

// The grid position one link away from `from`, wrapping when the grid wraps; nothing past an
// edge, and nothing when wrapping leads back to `from` itself (a grid one chip wide).
std::optional<chip_coordinates> step(const grid_shape& grid, chip_coordinates from, direction way);

// Fills board::links from board::chips (which must be in row order) and the grid: a link for
// every direction of the topology in which a chip has a neighbouring chip. Links touching an
// unavailable chip, and both directions of every wire in `dead`, are unavailable.
void connect_chips(board& machine, const std::vector<link_end>& dead);

} // namespace sf::mapper
