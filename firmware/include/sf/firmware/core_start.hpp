#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/image_views.hpp>
#include <sf/firmware/interpreter.hpp>

// A core's start-up from its section of a board image: the kernel's configuration, with the
// tables' descriptors decoded from their shape words. Every executor starts its cores this way.
// Freestanding: the configuration points into the section's words.
namespace sf::firmware {

// The configuration of a checked core section; `tables` must hold max_tables descriptors.
inline core_config config_of(const image::core_view& section, isa::lookup_table* tables) {
    const std::uint32_t* t = section.tables;
    for (std::uint32_t k = 0; k < section.table_count && k < max_tables; ++k) {
        const image::table_shape shape = image::decode_shape(t[1]);
        tables[k].x0 = static_cast<std::int32_t>(t[0]);
        tables[k].step = shape.step;
        tables[k].log2_intervals = shape.log2_intervals;
        tables[k].y = reinterpret_cast<const std::int32_t*>(t + 2);
        t += image::table_words(shape);
    }
    core_config config;
    config.program = section.program;
    config.program_length = section.program_words;
    config.constants = reinterpret_cast<const std::int32_t*>(section.constants);
    config.constant_count = section.constant_count;
    config.tables = tables;
    config.table_count = section.table_count;
    config.neuron_count = section.neurons;
    config.state_words = section.state_words;
    config.input_channels = section.input_channels;
    config.delay_slots = section.delay_slots;
    config.initial_state = reinterpret_cast<const std::int32_t*>(section.initial_state);
    config.seed = section.seed;
    config.first_neuron = section.first;
    return config;
}

} // namespace sf::firmware
