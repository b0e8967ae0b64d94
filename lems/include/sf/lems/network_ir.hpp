#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/connection_list.hpp>
#include <sf/lems/dimension.hpp>
#include <sf/lems/error.hpp>

// A simulation flattened for neuron cores: every cell of a population together with its synapses,
// inputs and children becomes one neuron whose time step is a straight list of statements over
// its own variables, and everything between neurons becomes spike connections. Built by
// lems::flatten (flatten.hpp) from the same instance tree the float simulator runs, so that the
// quantiser compiles exactly the dynamics the reference simulates.
namespace sf::lems::ir {

// The operations of expressions, shared by this IR and the float simulator's compiled
// expressions (which read a column with `variable` and the time as a column too).
enum class op : std::uint8_t {
    constant, // `value`
    variable, // `variable`
    time,     // the end time of the step being computed (0 while initialising)
    negate,
    add,
    subtract,
    multiply,
    divide,
    power,
    greater, // comparisons and logic give 1 or 0
    less,
    greater_equal,
    less_equal,
    equal,
    not_equal,
    logical_and,
    logical_or,
    exp,
    log,
    sqrt,
    sin,
    cos,
    tan,
    sinh,
    cosh,
    tanh,
    abs,
    ceil,
    floor,
    heaviside,
    random, // random(x) = x times a uniform number in [0, 1)
    factorial,
};

// Operands: 0 for constant, variable and time; 1 for negate and functions; 2 otherwise.
int operand_count(op kind);
const char* name(op kind);

struct node {
    op kind = op::constant;
    int a = -1; // operands: indices of earlier nodes
    int b = -1;
    double value = 0.0;
    int variable = -1;
};

// An expression as a tree stored in post order: operands come before the node using them and
// the root is the last node.
struct expr {
    std::vector<node> nodes;

    bool empty() const { return nodes.empty(); }
    int root() const { return static_cast<int>(nodes.size()) - 1; }
    const node& at(int index) const { return nodes[static_cast<std::size_t>(index)]; }

    static expr constant(double value);
    static expr variable(int index);
    // Adds a node whose operands are already in this expression; returns its index.
    int add(node n);
    // Appends `other`'s nodes, renumbered; returns the index of its root.
    int append(const expr& other);
    // The subtree under node `root` as an expression of its own.
    expr subtree(int root) const;
};

// Comparisons and logical operations: their value is 1 or 0.
bool is_boolean(op kind);

enum class storage : std::uint8_t {
    neuron_constant, // one value per neuron that no statement assigns (a connection's weight)
    state,           // assigned by statements; kept from one step to the next
    input,           // what the neuron's synaptic input channel received this step
};

struct variable {
    std::string name;   // instance path and member, e.g. "synapses:syn1[0]/g"
    std::string member; // the member's own name, e.g. "g"
    dimension dim;      // SI dimension of the value
    storage kind = storage::state;
    bool recorded = false;       // an output file reads it
    std::vector<double> initial; // per neuron of the group, after initialisation (SI)
};

enum class statement_kind : std::uint8_t {
    assign,    // target = value
    integrate, // target += dt * value (forward Euler, value read before the assignment)
    emit,      // the neuron sends a spike on output port `target`
};

// One statement of a neuron's time step. A statement with a guard runs only where the guard
// variable holds 1 (guards are state variables assigned 0 or 1 by earlier statements).
struct statement {
    statement_kind kind = statement_kind::assign;
    int target = -1;
    expr value;
    int guard = -1;
};

// A synaptic input channel: the events reaching one input port of one synapse (or other
// receiving instance) in the neuron. The channel's input variable holds the sum over this step's
// events of each connection's payload.
struct input_channel {
    std::string name;    // receiving instance and port
    int input = -1;      // the variable of storage::input
    std::string payload; // the property each connection sets (e.g. "weight"), or empty: 1 per event
    bool additive = true;    // events add up (every handler statement is an increment linear in
                             // the payload); otherwise the handler runs once when input != 0
    int first_statement = 0; // the handler: statements [first, first + count) of the step
    int statement_count = 0;
};

// Cells of one population that share one structure (the same synapses, inputs and children, in
// the same order): they run one program.
struct neuron_group {
    std::string population;   // the population's id
    std::string component;    // the cell's component id
    std::string label;        // "population[first..last]" for messages
    source_location where;    // the population or cell component
    std::vector<int> members; // indices into the population, ascending
    std::vector<variable> variables;
    std::vector<input_channel> inputs;
    std::vector<std::string>
        outputs;                 // output ports of the cell, by index; "spike" first if present
    std::vector<statement> step; // one time step of one neuron, in order
};

struct recorded_quantity {
    neuron_ref neuron;
    int variable = -1; // -1: a parameter, recorded as `value`
    double value = 0.0;
    std::string quantity; // as written in the model
};

struct trace_output {
    std::string id;
    std::filesystem::path path;
    std::vector<recorded_quantity> columns;
};

struct spike_selection {
    neuron_ref neuron;
    int port = 0;
    std::string id; // the EventSelection's id, written beside each spike time
};

struct event_output {
    std::string id;
    std::filesystem::path path;
    bool id_first = false; // ID_TIME rather than TIME_ID
    std::vector<spike_selection> selections;
};

struct network {
    std::string simulation; // the Simulation's id
    std::string target;     // the simulated network's id
    double dt = 0.0;        // seconds
    double length = 0.0;    // seconds
    std::int64_t steps = 0;
    std::int64_t seed = 0;
    // The reference simulator's random stream (java.util.Random's 48-bit state) after it
    // initialised the network, so that a float run can draw the numbers it draws.
    std::uint64_t reference_random_state = 0;
    std::vector<neuron_group> groups;
    connection_list connections;
    std::vector<trace_output> traces;
    std::vector<event_output> events;
};

} // namespace sf::lems::ir
