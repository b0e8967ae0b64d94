#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "group_evaluator.hpp"
#include "java_random.hpp"
#include "runtime_builder.hpp"

namespace sf::lems::engine {

// Counts kept while running, reported to the user.
struct run_counters {
    std::uint64_t events_sent = 0;      // EventOut actions executed
    std::uint64_t events_delivered = 0; // OnEvent handlers run
    std::uint64_t member_updates = 0;   // member advances
};

// Runs a runtime step by step with the reference simulator's semantics: forward Euler, children
// before parents, zero-delay events delivered within the sending step, delayed events queued.
class executor {
public:
    using event_sink = std::function<void(int recorder, double time)>;

    executor(runtime& rt, double dt, std::int64_t seed, event_sink sink);

    void initialize();
    // Delivers a delayed event in the step whose time is within tie_tolerance of its due time,
    // as exact arithmetic would, rather than leaving the tie to the rounding of the sum of a
    // send time and a delay (for time kept as step number x dt).
    void tie_event_times() { tied_event_times_ = true; }
    // Advances from the previous step to time t (the end of the step).
    void step(double t);

    const run_counters& counters() const { return counters_; }
    // Where the random stream stands, for a simulator that carries on from here.
    std::uint64_t random_state() const { return random_.state(); }

private:
    struct queued_event {
        double time;
        std::uint64_t sequence;
        const event_target* target; // output port targets stay in place while running
        bool operator<(const queued_event& other) const {
            return time != other.time ? time < other.time : sequence < other.sequence;
        }
    };

    double evaluate(const compiled_expression& e, const kind& k, int i);
    void run_actions(const std::vector<action>& actions, kind& k, int i);
    void send(kind& k, int i, int port);
    void deliver(const event_target& target);
    void grow_buckets(std::size_t size);
    void enter_regime(kind& k, int i, int regime);
    void initialize_member(kind& k, int i, bool with_derived);
    void initialize_tree(instance* inst);
    void advance_member(kind& k, int i, double t);
    // Advances a group of members of one kind together, each phase over all of them.
    void advance_group(kind& k, const std::vector<int>& members, double t);
    void advance_group_regimes(kind& k, const std::vector<int>& members);
    // Files the members by their active regime into scratch_.in_regime, with their rows in
    // scratch_.row.
    void group_by_regime(const kind& k, const std::vector<int>& members);
    // Evaluates an expression for every listed member into `out` (one value per member).
    void evaluate_many(const compiled_expression& e, const kind& k, const std::vector<int>& members,
                       std::vector<double>& out) {
        group_evaluator_.evaluate(e, k, members, random_, out);
    }
    void evaluate_tests(const std::vector<condition>& conditions, const kind& k,
                        const std::vector<int>& members, std::vector<std::vector<double>>& tests);
    // Runs conditions member by member in order, using tests evaluated for all members beforehand
    // until a member's own actions change its state.
    // `test(c)` gives condition c's precomputed test value.
    template <class PrecomputedTest>
    void run_conditions(const std::vector<condition>& conditions, PrecomputedTest test, kind& k,
                        int member);
    void advance_compiled(kind& k, const std::vector<int>& members, double t,
                          const native_code::group_kernels& kernels);
    void copy_requirements(kind& k, int i);
    void copy_requirements(kind& k, const std::vector<int>& members);
    void evaluate_derived(const std::vector<derived_expression>& list, kind& k, int i);
    void evaluate_derived(const derived_expression& d, kind& k, int i);
    void evaluate_derived(const std::vector<derived_expression>& list, kind& k,
                          const std::vector<int>& members);
    void evaluate_paths(kind& k, int i);
    void sync_exposures(kind& k, int i);
    void sync_exposures(kind& k, const std::vector<int>& members);

    runtime& rt_;
    double dt_;
    java_random random_;
    event_sink sink_;
    double time_ = 0.0; // the event clock: end time of the current step
    bool tied_event_times_ = false;
    std::uint64_t sequence_ = 0;
    // Delayed events in a ring of buckets, one per step, placed at or before the step they are
    // due in; a bucket is sorted by due time (then sending order) and delivered at its step.
    std::vector<std::vector<queued_event>> buckets_;
    std::vector<queued_event> due_;
    std::uint64_t step_index_ = 0;
    std::vector<double> stack_;
    group_evaluator group_evaluator_;
    // Scratch space kept between steps: a group advances every step and should not allocate.
    struct group_scratch {
        std::vector<double> values;
        std::vector<std::vector<double>> tests;
        std::vector<std::vector<int>> in_regime;
        std::vector<std::size_t> row;
        std::vector<std::vector<std::vector<double>>> regime_tests;
        std::vector<int> start_regime;
        std::vector<std::size_t> fired_rows;
        std::vector<int> fired_regimes;
        std::vector<double> fired_tests;
    };
    group_scratch scratch_;
    run_counters counters_;
};

} // namespace sf::lems::engine
