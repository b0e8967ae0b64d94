#pragma once

#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/fixed_format.hpp>

// The range of every value of a group's prepared statements, from the float run where it saw
// the value and from interval arithmetic where it did not.
namespace sf::mapper::detail {

struct value_bounds {
    lems::ir::value_range range;
    bool measured = false;

    double magnitude() const;
};

struct group_bounds {
    std::vector<value_bounds> variables;
    std::vector<std::vector<value_bounds>> nodes; // per statement, per node
    std::vector<bool> integer;                    // per variable: only ever 0/1 or whole numbers
};

// `observed` comes from a run of the group with these statements, possibly shorter than the
// simulation (`length` seconds, steps of `dt`); `inputs` bounds each input variable by what its
// connections can deliver in one step. The time, and state variables measured in time (time stamps,
// time since an event), may grow to the length of the simulation whatever the run saw: they and
// every value computed from them are bounded by interval arithmetic as well.
group_bounds bound_group(const lems::ir::neuron_group& group,
                         const std::vector<lems::ir::statement>& step,
                         const lems::ir::group_ranges& observed,
                         const std::vector<lems::ir::value_range>& input_bounds, double length,
                         double dt);

// Whether a node gives 0 or 1: a comparison or a logical operation.
bool is_boolean(const lems::ir::node& n);

} // namespace sf::mapper::detail
