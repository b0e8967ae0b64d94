#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/isa.hpp>
#include <sf/lems/network_ir.hpp>
#include <sf/mapper/quantise.hpp>

#include "ranges.hpp"

// Code generation: a group's prepared statements as straight, predicated neuron-core code in
// the formats the ranges call for.
namespace sf::mapper::detail {

struct codegen_input {
    const lems::ir::neuron_group* group = nullptr;
    const std::vector<lems::ir::statement>* step = nullptr; // prepared: assignments and emits
    std::vector<bool> live;                                 // per statement
    const group_bounds* bounds = nullptr;
    std::vector<fixed_format> variable_format; // per variable
    std::vector<int> slot;                     // per variable: state word, or -1
    int scratch_words = 0;                     // words below this hold values within one step
    std::vector<double> channel_unit;          // per input channel
    double dt = 0.0;
    std::int64_t steps = 0;
    int value_headroom_bits = 1;
    std::int64_t table_words = 0; // lookup-table memory of the core
    int spike_port = 0;
};

struct codegen_output {
    std::vector<firmware::isa::instruction> code;
    std::vector<std::string> notes; // per instruction: a comment line to print before it, or empty
    std::vector<std::int32_t> constants;
    std::vector<table_image> tables;
    std::vector<parameter_entry> parameters;
    std::vector<table_entry> table_entries;
    std::vector<std::string> warnings;
};

// Throws compile_error (with the group's label) for what the instruction set cannot express.
codegen_output generate(const codegen_input& in);

} // namespace sf::mapper::detail
