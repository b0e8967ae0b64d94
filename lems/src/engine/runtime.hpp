#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sf/lems/component.hpp>

#include "bytecode.hpp"

namespace sf::lems::engine {

struct kind;

// A reference to one member of a kind.
struct member_ref {
    kind* owner = nullptr;
    int index = -1;
};

// Where a value is read from: one cell of a column of some kind. Columns are sized once when the
// runtime is built and never reallocated, so the address stays valid.
struct value_source {
    const double* cell = nullptr;

    double get() const { return *cell; }
};

enum class action_op : std::uint8_t { assign, event_out, transition };

struct action {
    action_op op = action_op::assign;
    int column = -1; // assign: target column
    int port = -1;   // event_out: output port index
    int regime = -1; // transition: regime index
    compiled_expression value;
};

struct condition {
    compiled_expression test;
    std::vector<action> actions;
};

struct derived_expression {
    int column = -1;
    std::vector<compiled_expression> case_conditions; // empty for a plain DerivedVariable
    std::vector<compiled_expression> case_values;     // one value for a plain DerivedVariable
    int default_case = -1;                            // index into case_values, or -1
};

// A DerivedVariable with select=: per member, the cells it reduces.
struct derived_path {
    int column = -1;
    enum class reduction : std::uint8_t { single, add, multiply } reduce = reduction::single;
    std::vector<std::uint32_t> offsets; // per member, into sources (size + 1)
    std::vector<value_source> sources;
};

struct requirement_copy {
    int column = -1;
    std::vector<value_source> source; // per member
};

struct rate {
    int state_column = -1;
    int rate_column = -1;
    compiled_expression value;
};

struct regime_program {
    std::string name;
    std::vector<derived_expression> derived;
    std::vector<rate> rates;
    std::vector<condition> conditions;
    std::vector<action> on_entry;
    std::map<int, std::vector<action>> on_event; // by input port
};

// Where an output port's events go, per member.
struct event_target {
    member_ref target;
    int port = -1;      // input port of the target
    double delay = 0.0; // seconds; 0 delivers within the sending step
    // A target standing for several merged synapses takes each connection's own property value
    // (its weight) just before handling the event.
    int property_column = -1;
    double property_value = 0.0;
};

struct output_port {
    std::string name;
    std::vector<std::vector<event_target>> targets; // per member
    std::vector<std::vector<int>> recorders;        // per member: event recorder ids
};

// An OnEvent handler compiled to machine code: what run_actions does for one member.
using native_event_handler = void (*)(double* const* columns, std::size_t member);

// All instances of one component in one place of the instance tree. Values are stored as
// columns (one vector per variable) so that every member runs the same compiled programs.
struct kind {
    int id = 0;
    const component* comp = nullptr;
    const component_type* type = nullptr;
    kind* parent = nullptr;
    std::string role;
    std::string label;
    int size = 0;

    std::vector<std::string> column_names;
    std::map<std::string, int> column_index;
    std::vector<std::vector<double>> columns;
    std::vector<double*> column_data;   // each column's data, for compiled kernels
    std::vector<bool> constant_columns; // per column: one value for every member, never assigned
    std::vector<int> parent_index;      // per member
    std::vector<int> active_regime;     // per member, -1 without regimes

    std::map<std::string, int> exposure_columns;    // exposure name -> snapshot column
    std::vector<std::pair<int, int>> exposure_sync; // (variable column, snapshot column)
    int time_column = -1;

    bool has_dynamics = false;
    bool reads_outside_subtree = false; // a path reads a member that is not its own descendant
    bool random_in_updates = false;     // random() in derived variables, rates or condition tests
    bool random_in_actions = false;     // random() in what conditions, events or regimes assign
    std::vector<requirement_copy> requirements;
    std::vector<derived_path> path_derived;
    std::vector<derived_expression> derived;
    std::vector<rate> rates;
    std::vector<condition> conditions;
    std::vector<action> on_start;
    std::map<int, std::vector<action>> on_event;       // by input port
    std::vector<native_event_handler> native_on_event; // by input port, where compiled
    std::vector<regime_program> regimes;
    int initial_regime = -1;

    std::vector<std::string> input_ports;
    std::vector<output_port> output_ports;

    int column(const std::string& name) const {
        const auto it = column_index.find(name);
        return it == column_index.end() ? -1 : it->second;
    }
    int add_column(const std::string& name) {
        if (const int existing = column(name); existing >= 0) {
            return existing;
        }
        const int index = static_cast<int>(columns.size());
        column_names.push_back(name);
        column_index[name] = index;
        columns.emplace_back();
        return index;
    }
    int input_port(const std::string& name) const {
        for (std::size_t i = 0; i < input_ports.size(); ++i) {
            if (input_ports[i] == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }
    int output_port_index(const std::string& name) const {
        for (std::size_t i = 0; i < output_ports.size(); ++i) {
            if (output_ports[i].name == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }
};

} // namespace sf::lems::engine
