#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_table.hpp>

// Replays routing tables as the routers would run them and proves every key reaches exactly its
// targets (docs/routing.md, "The checker").
namespace sf::mapper {

enum class route_fault {
    none,
    bad_input,    // a source, key space or table the board cannot have (off the board, overlapping)
    dropped,      // a key matched no entry on the chip of its source core, or left the board
    dead_link,    // a key was sent on a link that is dead or leads to a failed chip
    no_such_core, // a route delivers to a core the chip does not have
    loop,         // a key reaches the same router from the same side twice
    missed,       // a target core does not receive a key
    duplicate,    // a target core receives a key twice
    stray,        // a core that is not a target receives a key
};

const char* to_string(route_fault fault);

// The first problem found, or fault == none. `key` is one key that shows it (the lowest).
struct route_check {
    route_fault fault = route_fault::none;
    chip_coordinates chip;
    std::uint32_t key = 0;
    std::string what; // "chip (3,4): key 0x00000100 from core 2 of chip (0,0): ..."

    bool ok() const { return fault == route_fault::none; }
};

// Sends every key of every source from its core through the tables exactly as a SpiNNaker router
// would: the first matching entry wins; a key that matches nothing leaves by the link opposite the
// one it came in on, or is dropped when it came from a core; a key sent on a dead link or into a
// failed chip is lost. Whole key spaces are followed at once, split where entries split them, so
// every key is covered, not a sample. Tables for one chip after the first are bad input, as are
// tables for chips the board does not have; a missing table is an empty one. A source with no
// targets must reach no core (dropping it is fine).
route_check check_routes(const board& machine, const std::vector<routing_table>& tables,
                         const std::vector<multicast_source>& sources);

} // namespace sf::mapper
