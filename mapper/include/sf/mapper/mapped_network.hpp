#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/core_location.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/quantise.hpp>
#include <sf/mapper/routing_load.hpp>
#include <sf/mapper/routing_table.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

// A network mapped onto a board: everything the board image holds (docs/image-format.md), as
// plain data, and the report of how it was mapped.
namespace sf::mapper {

struct mapped_core {
    core_location where;
    int group = -1;
    int first = 0; // the group's neurons [first, first + count) run here
    int count = 0;
    key_space keys;     // of the spikes the core sends
    bool sends = false; // some core receives them
    std::uint32_t seed = 0;
    int delay_slots = 1;
    synaptic_matrix matrix;
};

// A recorded column: a state word of a neuron of a core, times the value of one unit, or a
// constant (core -1, `unit` holds the value).
struct mapped_column {
    int core = -1;
    int neuron = 0;
    int slot = 0;
    double unit = 0.0;
};

struct mapped_trace {
    std::string path; // as the Simulation names it
    std::vector<mapped_column> columns;
};

struct mapped_selection {
    int core = 0;
    int neuron = 0;
    std::string id;
};

struct mapped_events {
    std::string path;
    bool id_first = false;
    std::vector<mapped_selection> selections;
};

struct core_load {
    core_location where;
    int neurons = 0;
    std::uint64_t synapses = 0; // synaptic words of its matrix
    std::uint64_t synaptic_bytes = 0;
};

struct chip_routes {
    chip_coordinates chip;
    std::size_t before = 0; // entries of the table the trees give
    std::size_t after = 0;  // after compression
    std::size_t limit = 0;
};

struct mapping_report {
    std::string board;
    std::size_t cores_used = 0;
    std::size_t cores_available = 0;
    std::size_t chips_used = 0;
    double placement_cost = 0.0;
    double constructive_cost = 0.0;
    std::vector<core_load> cores;
    std::vector<chip_routes> routes;
    std::vector<link_load> links;   // links that carry packets, one packet per spike of each source
    std::string link_load_basis;    // what the packets per step assume
    double quantise_seconds = 0.0;  // including the float run that measures ranges
    double partition_seconds = 0.0; // including indexing every synapse by its target
    double placement_seconds = 0.0;
    double routing_seconds = 0.0;
    double matrix_seconds = 0.0;
};

struct mapped_network {
    board machine;
    double dt = 0.0;
    std::int64_t steps = 0;
    std::int64_t seed = 0;
    std::vector<std::string> group_labels;
    compiled_network compiled;
    partition_result parts;
    std::vector<mapped_core> cores;    // slice order
    std::vector<routing_table> tables; // one per available chip, in row order
    std::vector<mapped_trace> traces;
    std::vector<mapped_events> events;
    mapping_report report;

    // The report as text: cores, neurons and synapses per core, routing tables before and after
    // compression, link load, and the quantisation summary.
    std::string summary() const;
};

} // namespace sf::mapper
