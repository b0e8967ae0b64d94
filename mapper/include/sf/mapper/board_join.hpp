#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_error.hpp>

namespace sf::mapper {

// SpiNNaker's largest machine is 1200 boards; this leaves room and bounds the work a name can ask
// for.
constexpr int max_join_count = 4096;

// A board name with a join suffix: "spinn5 x 24", "spinn5x24" and "spinn5 X 24" are
// {"spinn5", 24}; "spinn5 x auto" is {"spinn5", as_needed}. Nothing when the text has no "x N" or
// "x auto" suffix after a non-empty name. The count is not checked here (join() does); one too
// large for an int reads as the largest int.
struct joined_name {
    std::string base;
    int count = 1;
    bool as_needed = false; // "x auto": as many as the mapping needs; count is then 1
};
std::optional<joined_name> parse_joined_name(std::string_view text);

// `count` boards of one kind joined into one machine (docs/boards.md, "Joining boards"). A
// hexagonal board whose outline tiles SpiNNaker's three-board 12 x 12 torus (SpiNN-5) is placed as
// SpiNNaker places boards: in triads, a torus when count is a multiple of 3. Any other board is
// tiled side by side in the squarest grid of count boards, links joining chips across board edges.
// Each copy keeps the board's unavailable chips and links. Throws board_error when count is not
// 1 to max_join_count or the machine would be more than max_grid_side chips on a side.
board join(const board& one, int count);

} // namespace sf::mapper
