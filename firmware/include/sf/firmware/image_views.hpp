#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/image_cursor.hpp>
#include <sf/firmware/image_format.hpp>

// Views into the machine, chip and core sections of an image held in memory: nothing is copied;
// every pointer points into the image's words. Freestanding.
namespace sf::firmware::image {

struct machine_view {
    const std::uint32_t* fields = nullptr; // the section's first word
    double dt = 0.0;
    std::uint64_t steps = 0;
    std::uint32_t seed = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t topology = 0; // 0 mesh, 1 torus, 2 hexagonal
    std::uint32_t wraps = 0;
    std::uint32_t dead_links = 0;
    const std::uint32_t* dead = nullptr; // x, y, direction per dead link
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t groups = 0;
    const char* board = nullptr;
    std::uint32_t board_length = 0;
    const std::uint32_t* labels = nullptr; // `groups` strings, one after another
};

struct chip_view {
    const std::uint32_t* fields = nullptr;
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::uint32_t entries = 0;
    const std::uint32_t* routes = nullptr; // key, mask, route per entry
};

struct core_view {
    const std::uint32_t* fields =
        nullptr; // field k of the table in docs/image-format.md at fields + k
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::uint32_t core = 0;
    std::uint32_t group = 0;
    std::uint32_t first = 0;
    std::uint32_t neurons = 0;
    std::uint32_t state_words = 0;
    std::uint32_t input_channels = 0;
    std::uint32_t delay_slots = 0;
    std::uint32_t seed = 0;
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
    std::uint32_t sends = 0;
    std::uint32_t program_words = 0;
    std::uint32_t constant_count = 0;
    std::uint32_t table_count = 0;
    std::uint32_t master_entries = 0;
    std::uint32_t blocks = 0;
    std::uint32_t offsets = 0;
    std::uint32_t synaptic_words = 0;
    const std::uint32_t* program = nullptr;
    const std::uint32_t* constants = nullptr; // as raw words
    const std::uint32_t* tables = nullptr;    // the tables, one after another
    const std::uint32_t* initial_state = nullptr;
    const std::uint32_t* master = nullptr;      // key, mask, first block, blocks
    const std::uint32_t* block_words = nullptr; // hold, neurons, first offset
    const std::uint32_t* row_offsets = nullptr;
    const std::uint32_t* words = nullptr;
};

// The fields of a machine, chip or core section; false when the payload does not hold them (the
// cursor says which field). Ranges are checked by check_image.
inline bool read_machine(cursor& c, machine_view& m) {
    m.fields = c.position();
    m.dt = c.real("time step");
    m.steps = c.wide("steps");
    m.seed = c.word("seed");
    m.width = c.word("grid width");
    m.height = c.word("grid height");
    m.topology = c.word("topology");
    m.wraps = c.word("wraps");
    m.dead_links = c.word("dead links");
    m.dead = c.words(std::uint64_t{m.dead_links} * 3, "dead links");
    m.chips = c.word("chips");
    m.cores = c.word("cores");
    m.groups = c.word("groups");
    m.board = c.text(m.board_length, "board name");
    m.labels = c.position();
    for (std::uint32_t g = 0; g < m.groups && c.ok(); ++g) {
        std::uint32_t length = 0;
        c.text(length, "group label");
    }
    return c.ok();
}

inline bool read_chip(cursor& c, chip_view& chip) {
    chip.fields = c.position();
    chip.x = c.word("x");
    chip.y = c.word("y");
    chip.entries = c.word("routing entries");
    chip.routes = c.words(std::uint64_t{chip.entries} * 3, "routing entries");
    return c.ok();
}

inline bool read_core(cursor& c, core_view& v) {
    v.fields = c.position();
    v.x = c.word("chip x");
    v.y = c.word("chip y");
    v.core = c.word("core");
    v.group = c.word("group");
    v.first = c.word("first neuron");
    v.neurons = c.word("neurons");
    v.state_words = c.word("state words");
    v.input_channels = c.word("input channels");
    v.delay_slots = c.word("delay slots");
    v.seed = c.word("seed");
    v.key = c.word("key");
    v.mask = c.word("mask");
    v.sends = c.word("sends");
    v.program_words = c.word("program words");
    v.constant_count = c.word("constants");
    v.table_count = c.word("tables");
    v.master_entries = c.word("master entries");
    v.blocks = c.word("row blocks");
    v.offsets = c.word("row offsets");
    v.synaptic_words = c.word("synaptic words");
    v.program = c.words(v.program_words, "program");
    v.constants = c.words(v.constant_count, "constants");
    v.tables = c.position();
    for (std::uint32_t t = 0; t < v.table_count && c.ok(); ++t) {
        c.word("table x0");
        const std::uint32_t* shape_at = c.position();
        const std::uint32_t shape = c.word("table step and size");
        if (c.ok() && !valid_shape(shape)) {
            c.refuse("table step and size", shape_at);
            break;
        }
        c.words(table_words(decode_shape(shape)) - 2, "table samples");
    }
    v.initial_state = c.words(std::uint64_t{v.neurons} * v.state_words, "initial state");
    v.master = c.words(std::uint64_t{v.master_entries} * 4, "master table");
    v.block_words = c.words(std::uint64_t{v.blocks} * 3, "row blocks");
    v.row_offsets = c.words(v.offsets, "row offsets");
    v.words = c.words(v.synaptic_words, "synaptic words");
    return c.ok();
}

} // namespace sf::firmware::image
