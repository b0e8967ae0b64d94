#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/isa.hpp>

// What one neuron core is given at start-up (docs/kernel.md), and its checks. The kernel reads a
// config only while it starts up and keeps nothing of it, so the config's arrays may be freed
// afterwards.
namespace sf::firmware {

constexpr std::size_t max_program_length = 4096;
constexpr std::size_t max_constants = isa::max_constant + 1;
constexpr std::size_t max_tables = isa::max_table + 1;
constexpr std::size_t max_neurons = 256;
constexpr std::size_t max_state_words = isa::max_state_slot + 1;
constexpr std::size_t max_input_channels = isa::max_input_channel + 1;
constexpr std::size_t max_delay_slots = 16;

struct core_config {
    const std::uint32_t* program = nullptr; // instruction words, run for every neuron each step
    std::size_t program_length = 0;
    const std::int32_t* constants = nullptr; // what ldc reads
    std::size_t constant_count = 0;
    const isa::lookup_table* tables = nullptr; // descriptors and their samples
    std::size_t table_count = 0;
    std::size_t neuron_count = 0;   // at most 256
    std::size_t state_words = 0;    // per neuron, at most 1024
    std::size_t input_channels = 0; // synaptic input channels per neuron, at most 16
    std::size_t delay_slots = 1; // ring-buffer slots: a power of two, at most 16; the longest delay
    // neuron_count × state_words words, neuron-major (neuron n's words start at n × state_words);
    // null starts every state word at zero.
    const std::int32_t* initial_state = nullptr;
    std::uint32_t seed = 0; // what rand hashes with the neuron, step and draw number
    // The number of the core's first neuron among the neurons sharing its seed (its population):
    // rand hashes first_neuron + n for neuron n, so a population draws the same numbers however
    // it is split into cores.
    std::uint32_t first_neuron = 0;
};

// Why a core refused to start; the checks run in this order and the first problem is named.
enum class init_status : std::uint8_t {
    ok,
    missing_data,            // program, constants or tables null while their count is not zero
    program_too_long,        // more than max_program_length words
    bad_instruction,         // a program word that does not decode
    too_many_constants,      // more than max_constants
    too_many_tables,         // more than max_tables
    bad_table,               // a descriptor outside the limits of docs/isa.md, or without samples
    too_many_neurons,        // more than max_neurons
    too_many_state_words,    // more than max_state_words per neuron
    too_many_input_channels, // more than max_input_channels per neuron
    bad_delay_slots,         // not a power of two from 1 to max_delay_slots
    arena_too_small,         // fewer words than words_needed, or none
};

// The messages below name the limits; a changed limit must change its message too.
static_assert(max_program_length == 4096 && max_constants == 1024 && max_tables == 16 &&
                  max_neurons == 256 && max_state_words == 1024 && max_input_channels == 16 &&
                  max_delay_slots == 16 && isa::max_table_step == 30 &&
                  isa::max_table_log2_intervals == 16,
              "describe(init_status) names these limits");

constexpr const char* describe(init_status status) {
    switch (status) {
    case init_status::ok: return "started";
    case init_status::missing_data: return "program, constants or tables missing";
    case init_status::program_too_long: return "program longer than 4096 words";
    case init_status::bad_instruction: return "a program word is not an instruction";
    case init_status::too_many_constants: return "more than 1024 constants";
    case init_status::too_many_tables: return "more than 16 lookup tables";
    case init_status::bad_table:
        return "a lookup table outside the limits (step 0-30, 0-16 log2 intervals)";
    case init_status::too_many_neurons: return "more than 256 neurons";
    case init_status::too_many_state_words: return "more than 1024 state words per neuron";
    case init_status::too_many_input_channels: return "more than 16 input channels per neuron";
    case init_status::bad_delay_slots: return "delay slots not a power of two from 1 to 16";
    case init_status::arena_too_small: return "arena smaller than the core needs";
    }
    return "?";
}

// Everything start-up checks except the arena.
constexpr init_status check(const core_config& config) {
    if ((config.program == nullptr && config.program_length != 0) ||
        (config.constants == nullptr && config.constant_count != 0) ||
        (config.tables == nullptr && config.table_count != 0)) {
        return init_status::missing_data;
    }
    if (config.program_length > max_program_length) {
        return init_status::program_too_long;
    }
    for (std::size_t at = 0; at < config.program_length; ++at) {
        isa::instruction decoded;
        if (isa::decode(config.program[at], decoded) != isa::decode_status::ok) {
            return init_status::bad_instruction;
        }
    }
    if (config.constant_count > max_constants) {
        return init_status::too_many_constants;
    }
    if (config.table_count > max_tables) {
        return init_status::too_many_tables;
    }
    for (std::size_t t = 0; t < config.table_count; ++t) {
        if (!isa::within_limits(config.tables[t])) {
            return init_status::bad_table;
        }
    }
    if (config.neuron_count > max_neurons) {
        return init_status::too_many_neurons;
    }
    if (config.state_words > max_state_words) {
        return init_status::too_many_state_words;
    }
    if (config.input_channels > max_input_channels) {
        return init_status::too_many_input_channels;
    }
    const std::size_t slots = config.delay_slots;
    if (slots == 0 || slots > max_delay_slots || (slots & (slots - 1)) != 0) {
        return init_status::bad_delay_slots;
    }
    return init_status::ok;
}

} // namespace sf::firmware
