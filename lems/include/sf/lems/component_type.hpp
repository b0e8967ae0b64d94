#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sf/lems/dimension.hpp>
#include <sf/lems/error.hpp>
#include <sf/lems/expression.hpp>

namespace sf::lems {

// A named member of a ComponentType with a dimension: Parameter, Exposure, Requirement,
// StateVariable and the like.
struct dimensioned_name {
    std::string name;
    std::string dimension_name; // as written; "*" means any dimension
    dimension dim;
    source_location where;
};

struct derived_parameter_decl {
    dimensioned_name decl;
    std::optional<expression> value;
    std::string select; // a path instead of an expression
};

struct constant_decl {
    dimensioned_name decl;
    std::string value_text; // a quantity such as "96485.3 C_per_mol"
    double si_value = 0.0;  // set on resolution
};

struct property_decl {
    dimensioned_name decl;
    std::optional<double> default_value;
};

struct child_decl {
    std::string name;
    std::string type;
    bool multiple = false; // <Children> rather than <Child>
    source_location where;
};

struct reference_decl { // <ComponentReference>, <Link>
    std::string name;
    std::string type;
    bool local = false;
    source_location where;
};

struct event_port_decl {
    std::string name;
    bool is_input = false;
    source_location where;
};

struct fixed_decl { // <Fixed parameter= value=>: a parameter value set by the type itself
    std::string parameter;
    std::string value;
    source_location where;
};

// ---- Dynamics -------------------------------------------------------------------------------

struct state_variable_decl {
    dimensioned_name decl;
    std::string exposure;
};

struct derived_case {
    std::optional<expression> condition; // none: the default case
    expression value;
};

struct derived_variable_decl {
    dimensioned_name decl;
    std::string exposure;
    std::optional<expression> value; // value="..."
    std::string select;              // select="path", possibly with [*] and a reduce
    std::string reduce;              // add, multiply or empty
    bool required = false;
    std::vector<derived_case> cases; // ConditionalDerivedVariable
    bool conditional = false;
};

struct time_derivative_decl {
    std::string variable;
    expression value;
    source_location where;
};

enum class action_kind { assign, event_out, transition };

struct action_decl {
    action_kind kind = action_kind::assign;
    std::string target; // variable, port or regime
    std::optional<expression> value;
    source_location where;
};

struct on_condition_decl {
    expression test;
    std::vector<action_decl> actions;
    source_location where;
};

struct on_event_decl {
    std::string port;
    std::vector<action_decl> actions;
    source_location where;
};

struct regime_decl {
    std::string name;
    bool initial = false;
    std::vector<time_derivative_decl> time_derivatives;
    std::vector<derived_variable_decl> derived_variables;
    std::vector<on_condition_decl> on_conditions;
    std::vector<action_decl> on_entry;
    source_location where;
};

struct kinetic_scheme_decl {
    std::string name;
    std::string nodes;
    std::string state_variable;
    std::string edges;
    std::string edge_source;
    std::string edge_target;
    std::string forward_rate;
    std::string reverse_rate;
    source_location where;
};

struct dynamics_decl {
    std::vector<state_variable_decl> state_variables;
    std::vector<derived_variable_decl> derived_variables; // includes conditional ones, in order
    std::vector<time_derivative_decl> time_derivatives;
    std::vector<action_decl> on_start;
    std::vector<on_condition_decl> on_conditions;
    std::vector<on_event_decl> on_events;
    std::vector<regime_decl> regimes;
    std::vector<kinetic_scheme_decl> kinetic_schemes;
    source_location where;
};

// ---- Structure ------------------------------------------------------------------------------

struct assign_decl {
    std::string property;
    expression value;
};

enum class structure_kind {
    child_instance,
    multi_instantiate,
    for_each,
    event_connection,
    with,
    tunnel,
};

struct structure_decl {
    structure_kind kind = structure_kind::child_instance;
    // ChildInstance: component; MultiInstantiate: number, component (or component_type)
    // ForEach: instances, as; With: instance | list+index, as
    // EventConnection: from, to, receiver, receiver_container, source_port, target_port, delay
    // Tunnel: name, end_a, end_b, component_a, component_b
    std::string component;
    std::string component_type;
    std::string number;
    std::string instances;
    std::string as;
    std::string instance;
    std::string list;
    std::string index;
    std::string from;
    std::string to;
    std::string receiver;
    std::string receiver_container;
    std::string source_port;
    std::string target_port;
    std::string delay;
    std::string name;
    std::string end_a;
    std::string end_b;
    std::string component_a;
    std::string component_b;
    std::vector<assign_decl> assigns;
    std::vector<structure_decl> body; // ForEach
    source_location where;
};

// ---- Simulation -----------------------------------------------------------------------------

enum class simulation_kind { run, record, event_record, data_writer, event_writer, data_display };

struct simulation_decl {
    simulation_kind kind = simulation_kind::run;
    // Each field holds the name of a member of the component type (a parameter, text, path or
    // reference) whose value the component supplies, as LEMS specifies.
    std::string component;
    std::string variable;
    std::string increment;
    std::string total;
    std::string quantity;
    std::string time_scale;
    std::string scale;
    std::string color;
    std::string event_port;
    std::string path;
    std::string file_name;
    std::string format;
    std::string title;
    std::string data_region;
    source_location where;
};

// A LEMS <ComponentType>. The declared_* lists hold what the element itself declares; the
// unprefixed lists, filled by resolution, include what is inherited through `extends`.
struct component_type {
    std::string name;
    std::string extends;
    const component_type* base = nullptr;
    source_location where;

    std::vector<dimensioned_name> parameters;
    std::vector<derived_parameter_decl> derived_parameters;
    std::vector<constant_decl> constants;
    std::vector<dimensioned_name> exposures;
    std::vector<dimensioned_name> requirements;
    std::vector<property_decl> properties;
    std::vector<std::string> index_parameters;
    std::vector<std::string> texts;
    std::vector<std::string> paths;
    std::vector<reference_decl> component_references;
    std::vector<reference_decl> links;
    std::vector<std::string> component_requirements;
    std::vector<std::string> instance_requirements;
    std::vector<child_decl> children; // Child and Children
    std::vector<child_decl> attachments;
    std::vector<event_port_decl> event_ports;
    std::vector<fixed_decl> fixeds;

    std::optional<dynamics_decl> dynamics;
    std::vector<structure_decl> structure;
    std::vector<simulation_decl> simulation;

    bool is_or_extends(const std::string& type_name) const;

    const dimensioned_name* find_parameter(const std::string& member) const;
    const constant_decl* find_constant(const std::string& member) const;
    const dimensioned_name* find_exposure(const std::string& member) const;
    const child_decl* find_child(const std::string& member) const;
    const child_decl* find_attachments(const std::string& member) const;
    const event_port_decl* find_event_port(const std::string& member) const;
};

} // namespace sf::lems
