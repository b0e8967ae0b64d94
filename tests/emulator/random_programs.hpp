// Core sections built in memory for the RTL core's tests, and a constrained-random generator of
// them: valid programs that use every opcode, every predicate both ways, the mul/lut/rand hazards
// at distances 1 to 3, stores followed by loads of the same slot, extreme values, and rare runtime
// faults under predicates; random states and synaptic rows with extreme weights and words that
// are dropped.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <sf/firmware/image_views.hpp>
#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/isa.hpp>

namespace sf::emulator::test {

// A core section's parts, owned; view() points into them.
struct section_data {
    std::vector<std::uint32_t> program;
    std::vector<std::uint32_t> constants;
    std::vector<std::uint32_t> tables; // per table: x0, shape word, samples
    std::uint32_t table_count = 0;
    std::vector<std::uint32_t> state; // neuron-major
    std::uint32_t neurons = 1;
    std::uint32_t state_words = 1;
    std::uint32_t input_channels = 1;
    std::uint32_t delay_slots = 1;
    std::uint32_t seed = 0;
    std::uint32_t first = 0;

    firmware::image::core_view view() const;
    // Appends a table of 2^log2 + 1 samples at x0 + i * 2^step.
    void add_table(std::int32_t x0, std::uint8_t step, std::uint8_t log2,
                   const std::vector<std::int32_t>& samples);
};

// One instruction, encoded; fails the test if it is not valid.
std::uint32_t word_of(const firmware::isa::instruction& i);

// A random section: sizes, constants, tables, initial state and a program over them.
section_data random_section(std::mt19937& random);

// A random synaptic row for `section`: mostly valid words with extreme weights, some naming a
// neuron, channel or delay the section lacks.
std::vector<std::uint32_t> random_row(std::mt19937& random, const section_data& section);

// The generator's own copy of a core: ring buffer and state, updated by run_program neuron by
// neuron, the reference the RTL and the kernel are both compared with.
class reference_core {
public:
    explicit reference_core(const section_data& section);
    void deliver(const std::vector<std::uint32_t>& row);
    // The neurons that spiked, in order.
    std::vector<std::uint16_t> step();
    std::int32_t state(std::size_t neuron, std::size_t slot) const {
        return state_[neuron * section_.state_words + slot];
    }
    std::uint64_t saturations() const { return saturations_.events; }

private:
    const section_data& section_;
    std::vector<firmware::isa::lookup_table> tables_;
    std::vector<std::int32_t> state_;
    std::vector<std::int32_t> ring_; // slot, neuron, channel
    std::uint32_t step_ = 0;
    firmware::saturation_count saturations_;
};

} // namespace sf::emulator::test
