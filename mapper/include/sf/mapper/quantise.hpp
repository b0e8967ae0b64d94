#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/lems/progress.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/fixed_format.hpp>
#include <sf/mapper/quantisation_report.hpp>

// The quantising compiler: turns each neuron group of a flattened network into one program of
// the neuron-core instruction set, with its constants, lookup tables, state layout and initial
// state words, and every connection into a synaptic word's weight and delay.
namespace sf::mapper {

enum class integration {
    euler, // forward Euler, as the reference simulator: the fixed-point run follows it closely
    exact, // linear equations dx/dt = a x + b advanced with exp(a dt), as neuromorphic stacks do
};

struct quantise_options {
    integration integrator = integration::euler;
    // Steps of the float run that measures every value's range; -1 chooses as many as a budget
    // of about 4e8 expression evaluations allows (a few seconds), the whole simulation when it is
    // small.
    std::int64_t range_steps = -1;
    // Extra bits above the largest value seen: state variables and intermediates.
    int state_headroom_bits = 2;
    int value_headroom_bits = 1;
    // Told how far the float run that measures the ranges has come.
    lems::progress_callback progress;
    // Threads that deliver the float run's events (0: this machine's hardware threads); the
    // ranges, and so the formats, are the same on any number.
    std::size_t threads = 0;
    // The events a step of that run must deliver for them to be shared out among the threads.
    std::uint64_t events_worth_threads = lems::ir::run_options{}.events_worth_threads;
};

// One lookup table as the core holds it (docs/isa.md): samples y[0 .. 2^log2_intervals] at
// x0 + i × 2^step, in raw units of the input's and the output's formats.
struct table_image {
    std::int32_t x0 = 0;
    std::uint8_t step = 0;
    std::uint8_t log2_intervals = 0;
    std::vector<std::int32_t> samples;
};

// A neuron group compiled for a core: every neuron of the group runs `program`.
struct compiled_group {
    int group = -1; // index into the network's groups
    std::vector<std::uint32_t> program;
    std::vector<std::int32_t> constants;
    std::vector<table_image> tables;
    int state_words = 0;                     // per neuron
    std::vector<std::int32_t> initial_state; // neuron-major, state_words per neuron
    std::vector<int> slot;                   // per network variable: its state word, or -1
    std::vector<fixed_format> format;        // per network variable: the format of its word
    int input_channels = 0;
    std::vector<double> channel_unit; // per input channel: SI payload of one unit of weight
    std::string assembly;             // the program's text form, commented
};

// A connection as the cores carry it.
struct quantised_connection {
    lems::ir::neuron_ref source;
    lems::ir::neuron_ref target;
    int channel = -1;
    std::int32_t weight = 0; // in units of the target channel's channel_unit
    int delay_steps = 1;
};

struct compiled_network {
    std::vector<compiled_group> groups;
    std::int32_t min_weight = 0; // the weight codes the board's synaptic words carry
    std::int32_t max_weight = 0;
    double dt = 0.0; // seconds
    quantisation_report report;
};

// A projection's connections as the cores carry them, converted on the fly so that no second
// copy of a large network's connections is made: weights in units of the target channel,
// rounded and clamped to the board's weight range; delays in whole steps (each distinct written
// delay converted once).
class quantised_projection {
public:
    quantised_projection(const compiled_network& compiled, const lems::ir::projection& p);

    std::size_t size() const { return p_->size(); }
    std::int32_t weight(std::size_t k) const;
    int delay_steps(std::size_t k) const;
    quantised_connection at(std::size_t k) const;
    const lems::ir::projection& projection() const { return *p_; }

private:
    const lems::ir::projection* p_;
    double unit_ = 1.0;
    double min_weight_ = 0.0;
    double max_weight_ = 0.0;
    double dt_ = 0.0;
    std::vector<int> coded_steps_; // per distinct delay, when the delays are coded
};

// Calls f(quantised_connection) for every connection, projection by projection.
template <typename F>
void for_each_quantised(const compiled_network& compiled,
                        const lems::ir::connection_list& connections, F&& f) {
    for (const lems::ir::projection& p : connections.projections()) {
        const quantised_projection q(compiled, p);
        for (std::size_t k = 0; k < q.size(); ++k) {
            f(q.at(k));
        }
    }
}

// The random seed of a group's cores: a hash of the simulation's seed and the group, so that
// every group draws its own numbers, the same however it is split into cores.
std::uint32_t group_seed(std::int64_t simulation_seed, int group);

// Compiles the network for cores with the board's limits. Throws compile_error naming the group
// (population), the limit and what it needs when something does not fit or cannot be expressed.
compiled_network quantise(const lems::ir::network& net, const board& target,
                          const quantise_options& options = {});

} // namespace sf::mapper
