#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/timing.hpp>

namespace sf::mapper {

// How chips are wired to their neighbours. A mesh and a torus give every chip four links (E, N,
// W, S); hexagonal is SpiNNaker's triangular mesh with six (E, NE, N, W, SW, S). A torus always
// wraps around; a mesh never does; a hexagonal grid may.
enum class topology { mesh, torus, hexagonal };

// The direction of a link, numbered as SpiNNaker numbers a chip's six links.
enum class direction { east = 0, north_east = 1, north = 2, west = 3, south_west = 4, south = 5 };

// The short names of docs/boards.md: "E", "NE", "N", "W", "SW", "S"; and "mesh", "torus",
// "hexagonal".
const char* to_string(direction way);
const char* to_string(topology kind);

// The direction of the same link seen from its other end.
direction opposite(direction way);

struct chip_coordinates {
    int x = 0;
    int y = 0;

    friend bool operator==(chip_coordinates a, chip_coordinates b) {
        return a.x == b.x && a.y == b.y;
    }
    friend bool operator!=(chip_coordinates a, chip_coordinates b) { return !(a == b); }
    // Row order, the order of board::chips: by y, then x.
    friend bool operator<(chip_coordinates a, chip_coordinates b) {
        return a.y != b.y ? a.y < b.y : a.x < b.x;
    }
};

// The grid chips sit on. Positions outside the board's outline hold no chip (SpiNN-5 boards are
// hexagons inside an 8 x 8 box).
struct grid_shape {
    int width = 0;
    int height = 0;
    topology kind = topology::mesh;
    bool wraps = false;
};

// What one application core can hold: the compiler and the mapper must stay within every field.
struct core_limits {
    int neurons = 0;
    int state_words_per_neuron = 0;         // words of state_word_bits
    std::int64_t state_memory_words = 0;    // all neurons of the core together
    int state_word_bits = 32;               // the instruction set's word
    std::int64_t synaptic_memory_bytes = 0; // synaptic matrices (rows, weights, delays)
    std::int64_t program_words = 0;         // instruction words of the neuron program
    int constant_words = 0;                 // constant memory shared by the core's neurons
    std::int64_t lookup_table_words = 0;    // samples of all lookup tables together
    int weight_bits = 0;
    bool weights_signed = false; // false: magnitudes, the sign comes from the input channel
    int delay_slots = 0;         // distinct synaptic delays, in time steps (1 = none)
    int input_channels = 0;      // synaptic input channels per neuron
    int max_fan_in = 0;          // synapses onto one neuron; 0 = unlimited
};

struct chip {
    int x = 0;
    int y = 0;
    int cores = 0;
    int application_cores = 0;          // cores left for neurons (SpiNNaker keeps a monitor core)
    int router_entries = 0;             // multicast routing table size; 0 = no table
    int application_router_entries = 0; // entries left once the system's own are taken
    std::int64_t link_bandwidth = 0;    // packets per second on each of its outgoing links
    bool available = true;              // false: a failed chip, listed as unavailable

    chip_coordinates coordinates() const { return {x, y}; }
};

// One direction of the wire between two neighbouring chips.
struct link {
    chip_coordinates from;
    chip_coordinates to;
    direction heading = direction::east;
    std::int64_t bandwidth = 0; // packets per second: the lower of its two chips' link_bandwidth
    bool available = true;      // false when the link is dead or either chip is unavailable
};

// A machine the mapper can place onto: one board or several joined (board_join.hpp).
struct board {
    std::string name;
    std::string source;                        // the file it was read from, for messages
    std::chrono::microseconds time_step{1000}; // biological time advanced by one step
    double speedup = 1.0; // biological time over wall-clock time: 1 = real time
    grid_shape grid;
    core_limits core;
    firmware::timing::board_timing timing; // clocks and cycle costs (docs/timing.md)
    std::vector<chip> chips; // in row order (chip_coordinates::operator<), one per position at most
    std::vector<link> links; // ordered by `from` in row order, then by direction
    // Set by a name such as "spinn5 x auto": the machine is as many of these boards, joined, as
    // the network mapped onto it needs application cores (map_network.hpp).
    bool join_as_needed = false;

    // The chip at a position, or nullptr when the outline leaves it out.
    const chip* find_chip(chip_coordinates where) const;
    // The link leaving `from` towards `way`, or nullptr when there is none.
    const link* find_link(chip_coordinates from, direction way) const;
    // The links leaving a chip, available or not, in direction order.
    std::vector<link> links_from(chip_coordinates from) const;
    // The chips one available link away from `from`, each once, in direction order.
    std::vector<chip_coordinates> neighbours(chip_coordinates from) const;

    // Totals over available chips only.
    int chip_count() const;
    std::int64_t application_core_count() const;
    std::int64_t neuron_capacity() const; // application cores x core.neurons
};

} // namespace sf::mapper
