#pragma once

#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/mapper/fixed_format.hpp>
#include <sf/mapper/quantisation_report.hpp>

#include "ranges.hpp"

// Which variables of a group's program need a state word, which word, and in what format.
namespace sf::mapper::detail {

// Statements whose results reach a spike, a recorded variable or a guard of those.
std::vector<bool> live_statements(const lems::ir::neuron_group& group,
                                  const std::vector<lems::ir::statement>& step);

struct state_layout {
    std::vector<int> slot;            // per variable: its state word, or -1
    std::vector<fixed_format> format; // per variable: the format of its word
    int words = 0;                    // per neuron
    int scratch_words = 0;            // words below this hold values that live within one step
};

// Gives every variable the live statements use (and every recorded one) a word and a format
// holding its range with `headroom_bits` to spare; adds the variables and warnings about their
// ranges to `entry`. Throws compile_error when an output records a synaptic input.
state_layout lay_out_state(const lems::ir::neuron_group& group,
                           const std::vector<lems::ir::statement>& step,
                           const std::vector<bool>& live, const group_bounds& bounds,
                           int headroom_bits, group_entry& entry);

} // namespace sf::mapper::detail
