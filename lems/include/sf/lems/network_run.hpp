#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/lems/progress.hpp>
#include <sf/lems/recordings.hpp>

// The network IR run in double precision with the semantics of the neuron cores it is compiled
// for: every neuron's statements once per step, spikes delivered through per-channel delay rings
// no earlier than the next step. It tells the quantiser the range of every value, and separates
// what quantisation changes from what mapping to cores changes.
namespace sf::lems::ir {

// Evaluates `e`; `scratch` holds one value per node afterwards (resized as needed).
double evaluate(const expr& e, const double* variables, double time,
                const std::function<double()>& uniform, std::vector<double>& scratch);

// Whole steps an event waits on a core: at least one, and the delay rounded up otherwise.
std::int64_t delay_steps(double delay, double dt);

struct value_range {
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();

    bool empty() const { return low > high; }
    void include(double value) {
        if (value < low) {
            low = value;
        }
        if (value > high) {
            high = value;
        }
    }
    void include(const value_range& other) {
        if (!other.empty()) {
            include(other.low);
            include(other.high);
        }
    }
};

// What a run saw: every variable's values (initial ones included) and every expression node's
// values where its statement ran.
struct group_ranges {
    std::vector<value_range> variables;
    std::vector<std::vector<value_range>> nodes; // per statement, per node
};

struct run_options {
    std::int64_t steps = -1; // -1: the whole simulation
    // The reference simulator's event timing instead of a neuron core's: events of zero delay
    // handled as they are sent, within the step (a core sees them at the start of the next), and
    // delayed events due at the first step whose accumulated time reaches the send time plus the
    // delay (a core counts whole steps, so rounding in the accumulated time can move an event by
    // one step). random() then continues the reference simulator's stream. For checking the
    // flattening against the reference.
    bool reference_timing = false;
    // The time of step k is k x dt (as a core counts steps) instead of the accumulated sum of
    // dt the reference simulator keeps; for `time` in expressions, recorded times and, with
    // reference_timing, when delayed events fall due. Comparisons and due times are then tied
    // as the float simulator's `--time steps` ties them (values within a relative 1e-12 of each
    // other are equal), unless `statements` replaces the groups' own.
    bool step_times = false;
    bool ranges = false;
    bool record = true;     // collect the network's traces and spikes
    std::uint64_t seed = 1; // for random(), unless reference_timing
    // Stop after the step at which the work done reaches this many units (one per expression
    // node and statement evaluated, four per delivered event), or 0 for no limit; run_result's
    // steps says how many ran; at least min_steps run whatever the work.
    double max_work = 0.0;
    std::int64_t min_steps = 0;
    // Per group, the statements to run in place of the group's own step (the same variables and
    // the same input channel handlers, rewritten), or null for the groups' own.
    const std::vector<std::vector<statement>>* statements = nullptr;
    // Told every progress_interval_steps steps how far the run has come, as `progress_phase`:
    // in steps, or in thousandths of the way to max_work or the last step when max_work is set.
    progress_callback progress;
    std::string_view progress_phase = "running";
    // Threads that deliver a step's events when there are at least events_worth_threads (0: this
    // machine's hardware threads); the results are the same on any number. Fewer events cost more
    // in waking threads than they save.
    std::size_t threads = 1;
    std::uint64_t events_worth_threads = 1 << 16;
};

struct run_result {
    std::vector<recorded_trace> traces;
    std::vector<recorded_events> events;
    std::vector<group_ranges> ranges; // per group, when asked for
    std::uint64_t spikes = 0;
    std::uint64_t events_delivered = 0;
    std::int64_t steps = 0;
};

run_result run(const network& net, const run_options& options = {});

} // namespace sf::lems::ir
