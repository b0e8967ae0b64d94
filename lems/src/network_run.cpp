#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include <sf/lems/network_run.hpp>
#include <sf/lems/parallel_items.hpp>

#include "engine/java_random.hpp"
#include "engine/lems_functions.hpp"
#include "engine/tie_tolerance.hpp"
#include "network_ties.hpp"

namespace sf::lems::ir {

namespace {

// One node's value from its operands' values `a` and `b`.
inline double apply(const node& n, double a, double b, const double* variables, double time,
                    const std::function<double()>& uniform) { // long: table
    switch (n.kind) {
    case op::constant: return n.value;
    case op::variable: return variables[n.variable];
    case op::time: return time;
    case op::negate: return -a;
    case op::add: return a + b;
    case op::subtract: return a - b;
    case op::multiply: return a * b;
    case op::divide: return a / b;
    case op::power: return std::pow(a, b);
    case op::greater: return a > b ? 1.0 : 0.0;
    case op::less: return a < b ? 1.0 : 0.0;
    case op::greater_equal: return a >= b ? 1.0 : 0.0;
    case op::less_equal: return a <= b ? 1.0 : 0.0;
    case op::equal: return a == b ? 1.0 : 0.0;
    case op::not_equal: return a != b ? 1.0 : 0.0;
    case op::logical_and: return (a != 0.0 && b != 0.0) ? 1.0 : 0.0;
    case op::logical_or: return (a != 0.0 || b != 0.0) ? 1.0 : 0.0;
    case op::exp: return std::exp(a);
    case op::log: return std::log(a);
    case op::sqrt: return std::sqrt(a);
    case op::sin: return std::sin(a);
    case op::cos: return std::cos(a);
    case op::tan: return std::tan(a);
    case op::sinh: return std::sinh(a);
    case op::cosh: return std::cosh(a);
    case op::tanh: return std::tanh(a);
    case op::abs: return std::fabs(a);
    case op::ceil: return std::ceil(a);
    case op::floor: return std::floor(a);
    case op::heaviside: return engine::heaviside(a);
    case op::random: return a * (uniform ? uniform() : 0.5);
    case op::factorial: return engine::factorial(a);
    }
    return 0.0;
}

} // namespace

double evaluate(const expr& e, const double* variables, double time,
                const std::function<double()>& uniform, std::vector<double>& scratch) {
    scratch.resize(e.nodes.size());
    double* v = scratch.data();
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
        const node& n = e.nodes[i];
        const double a = n.a >= 0 ? v[n.a] : 0.0;
        const double b = n.b >= 0 ? v[n.b] : 0.0;
        v[i] = apply(n, a, b, variables, time, uniform);
    }
    return e.nodes.empty() ? 0.0 : v[e.nodes.size() - 1];
}

std::int64_t delay_steps(double delay, double dt) {
    // Delays written as whole steps may come out a hair above them in floating point.
    const double steps = std::ceil(delay / dt - 1e-9);
    return steps < 1.0 ? 1 : static_cast<std::int64_t>(steps);
}

namespace {

// Runs a network step by step. Variables are neuron-major per group; inputs wait per (neuron,
// channel) in a ring of delay slots; a spike finds its connections through an index per
// (neuron, port) into the projections, without a copy of them.
class network_runner {
public:
    network_runner(const network& net, const run_options& options)
        : net_(net), options_(options), groups_(net.groups.size()),
          projections_(net.connections.projections()),
          steps_(options.steps < 0 ? net.steps : std::min(options.steps, net.steps)),
          generator_(options.seed),
          reference_stream_(engine::java_random::from_state(net.reference_random_state)) {
        uniform_ = [this]() {
            return options_.reference_timing ? reference_stream_.next_double() : unit_(generator_);
        };
        result_.steps = steps_;
        if (options.step_times && options.statements == nullptr) {
            tied_steps_ = tied_steps(net);
        }
        lay_out_values();
        accumulate_times();
        index_connections();
        const auto slots = static_cast<std::size_t>(longest_ + 1);
        ring_.resize(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            ring_[g].assign(slots * net.groups[g].members.size() * net.groups[g].inputs.size(),
                            0.0);
        }
        slots_ = slots;
        if (options.ranges) {
            prepare_ranges();
        }
        prepare_recordings();
    }

    // uniform_ refers to this runner.
    network_runner(const network_runner&) = delete;
    network_runner& operator=(const network_runner&) = delete;

    run_result run() {
        const double per_step = work_per_step();
        double work = 0.0;
        record_row(t_);
        for (std::int64_t step = 1; step <= steps_; ++step) {
            // Accumulated, as the reference simulator does, unless asked for step x dt.
            t_ = options_.step_times ? static_cast<double>(step) * net_.dt : t_ + net_.dt;
            take_inputs(step);
            for (std::size_t g = 0; g < groups_; ++g) {
                for (std::size_t n = 0; n < net_.groups[g].members.size(); ++n) {
                    run_statements(g, n, 0, step_of(g).size(), step);
                }
            }
            deliver_sent(step);
            record_row(t_);
            if (static_cast<std::uint64_t>(step) % progress_interval_steps == 0) {
                report_how_far(step, work + per_step);
            }
            if (options_.max_work > 0.0) {
                work += per_step;
                if (step >= options_.min_steps &&
                    work + event_work * static_cast<double>(result_.events_delivered) >=
                        options_.max_work) {
                    result_.steps = step;
                    break;
                }
            }
        }
        return std::move(result_);
    }

private:
    void report_how_far(std::int64_t step, double work) const {
        if (!options_.progress) {
            return;
        }
        if (options_.max_work <= 0.0) {
            report_progress(options_.progress, options_.progress_phase,
                            static_cast<std::uint64_t>(step), static_cast<std::uint64_t>(steps_),
                            "steps");
            return;
        }
        const double by_work =
            (work + event_work * static_cast<double>(result_.events_delivered)) / options_.max_work;
        const double by_steps = static_cast<double>(step) / static_cast<double>(steps_);
        const double share = std::min(1.0, std::max(by_work, by_steps));
        report_progress(options_.progress, options_.progress_phase,
                        static_cast<std::uint64_t>(share * 1000.0), 1000);
    }

    // The work a step costs, for options.max_work: a unit per expression node and statement of
    // every neuron, and event_work units per delivered event (a scattered write).
    static constexpr double event_work = 4.0;

    using connection_at = std::pair<std::uint32_t, std::uint32_t>; // (projection, index)

    const std::vector<statement>& step_of(std::size_t g) const {
        if (options_.statements != nullptr) {
            return (*options_.statements)[g];
        }
        return tied_steps_.empty() ? net_.groups[g].step : tied_steps_[g];
    }

    std::int64_t steps_of(double delay) const {
        return options_.reference_timing && delay <= 0.0 ? 0 : delay_steps(delay, net_.dt);
    }

    void lay_out_values() {
        values_.resize(groups_);
        width_.resize(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            const neuron_group& group = net_.groups[g];
            width_[g] = group.variables.size();
            values_[g].resize(group.members.size() * width_[g]);
            for (std::size_t v = 0; v < group.variables.size(); ++v) {
                for (std::size_t n = 0; n < group.members.size(); ++n) {
                    values_[g][n * width_[g] + v] = group.variables[v].initial[n];
                }
            }
        }
    }

    // Step end times (accumulated unless step_times), for the reference timing.
    void accumulate_times() {
        if (!options_.reference_timing) {
            return;
        }
        times_.resize(static_cast<std::size_t>(steps_) + 1);
        for (std::size_t k = 1; k < times_.size(); ++k) {
            times_[k] =
                options_.step_times ? static_cast<double>(k) * net_.dt : times_[k - 1] + net_.dt;
        }
    }

    // Offsets per group, per neuron*ports+port, into a list of the connections leaving there; the
    // steps of every coded delay; the longest delay.
    void index_connections() {
        ports_.resize(groups_);
        first_out_.resize(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            group_first_.push_back(total_neurons_);
            total_neurons_ += net_.groups[g].members.size();
            ports_[g] = std::max<std::size_t>(1, net_.groups[g].outputs.size());
            first_out_[g].assign(net_.groups[g].members.size() * ports_[g] + 1, 0);
        }
        coded_steps_.resize(projections_.size());
        const std::int64_t extra = options_.reference_timing ? 1 : 0;
        for (std::size_t p = 0; p < projections_.size(); ++p) {
            const projection& pr = projections_[p];
            const auto g = static_cast<std::size_t>(pr.source_group);
            for (std::uint32_t n : pr.source) {
                ++first_out_[g][n * ports_[g] + static_cast<std::size_t>(pr.source_port) + 1];
            }
            if (pr.delay.coded()) {
                for (double d : pr.delay.distinct()) {
                    coded_steps_[p].push_back(steps_of(d));
                }
                for (std::int64_t d : coded_steps_[p]) {
                    longest_ = std::max(longest_, d + extra);
                    at_once_ = at_once_ || d == 0;
                }
            } else {
                for (std::size_t k = 0; k < pr.size(); ++k) {
                    const std::int64_t d = steps_of(pr.delay[k]);
                    longest_ = std::max(longest_, d + extra);
                    at_once_ = at_once_ || d == 0;
                }
            }
        }
        out_.resize(groups_);
        std::vector<std::vector<std::size_t>> fill(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            for (std::size_t k = 1; k < first_out_[g].size(); ++k) {
                first_out_[g][k] += first_out_[g][k - 1];
            }
            out_[g].resize(first_out_[g].back());
            fill[g].assign(first_out_[g].begin(), first_out_[g].end() - 1);
        }
        for (std::size_t p = 0; p < projections_.size(); ++p) {
            const projection& pr = projections_[p];
            const auto g = static_cast<std::size_t>(pr.source_group);
            for (std::size_t k = 0; k < pr.size(); ++k) {
                const std::size_t at =
                    pr.source[k] * ports_[g] + static_cast<std::size_t>(pr.source_port);
                out_[g][fill[g][at]++] = {static_cast<std::uint32_t>(p),
                                          static_cast<std::uint32_t>(k)};
            }
        }
    }

    void prepare_ranges() {
        result_.ranges.resize(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            const neuron_group& group = net_.groups[g];
            auto& r = result_.ranges[g];
            r.variables.resize(group.variables.size());
            for (std::size_t v = 0; v < group.variables.size(); ++v) {
                for (double x : group.variables[v].initial) {
                    r.variables[v].include(x);
                }
            }
            const std::vector<statement>& statements = step_of(g);
            r.nodes.resize(statements.size());
            for (std::size_t s = 0; s < statements.size(); ++s) {
                r.nodes[s].resize(statements[s].value.nodes.size());
            }
        }
    }

    // The recorded traces and event files, and which event files want a neuron's port.
    void prepare_recordings() {
        listeners_.resize(groups_);
        for (std::size_t g = 0; g < groups_; ++g) {
            listeners_[g].resize(first_out_[g].size() - 1);
        }
        if (!options_.record) {
            return;
        }
        for (const trace_output& t : net_.traces) {
            recorded_trace trace;
            trace.path = t.path;
            trace.columns = t.columns.size();
            trace.rows.reserve(static_cast<std::size_t>(steps_ + 1) * (trace.columns + 1));
            result_.traces.push_back(std::move(trace));
        }
        for (const event_output& e : net_.events) {
            result_.events.push_back(recorded_events{e.path, e.id_first, {}});
        }
        for (std::size_t f = 0; f < net_.events.size(); ++f) {
            for (const spike_selection& s : net_.events[f].selections) {
                const auto g = static_cast<std::size_t>(s.neuron.group);
                const std::size_t at = static_cast<std::size_t>(s.neuron.neuron) * ports_[g] +
                                       static_cast<std::size_t>(s.port);
                listeners_[g][at].emplace_back(f, &s.id);
            }
        }
    }

    double work_per_step() const {
        double work = 0.0;
        for (std::size_t g = 0; g < groups_; ++g) {
            double nodes = 0.0;
            for (const statement& st : step_of(g)) {
                nodes += static_cast<double>(st.value.nodes.size()) + 1.0;
            }
            work += nodes * static_cast<double>(net_.groups[g].members.size());
        }
        return work;
    }

    void record_row(double time) {
        if (!options_.record) {
            return;
        }
        for (std::size_t f = 0; f < net_.traces.size(); ++f) {
            auto& rows = result_.traces[f].rows;
            rows.push_back(static_cast<float>(time));
            for (const recorded_quantity& q : net_.traces[f].columns) {
                rows.push_back(static_cast<float>(q.variable < 0 ? q.value : value_of(q)));
            }
        }
    }

    double value_of(const recorded_quantity& q) const {
        const auto g = static_cast<std::size_t>(q.neuron.group);
        return values_[g][static_cast<std::size_t>(q.neuron.neuron) * width_[g] +
                          static_cast<std::size_t>(q.variable)];
    }

    // Moves the events due at this step from the rings into the input variables.
    void take_inputs(std::int64_t step) {
        const auto slot = static_cast<std::size_t>(step) % slots_;
        for (std::size_t g = 0; g < groups_; ++g) {
            const neuron_group& group = net_.groups[g];
            const std::size_t channels = group.inputs.size();
            if (channels == 0) {
                continue;
            }
            double* arrived = ring_[g].data() + slot * group.members.size() * channels;
            for (std::size_t n = 0; n < group.members.size(); ++n) {
                for (std::size_t c = 0; c < channels; ++c) {
                    const auto input = static_cast<std::size_t>(group.inputs[c].input);
                    values_[g][n * width_[g] + input] = arrived[n * channels + c];
                    if (options_.ranges) {
                        result_.ranges[g].variables[input].include(arrived[n * channels + c]);
                    }
                    arrived[n * channels + c] = 0.0;
                }
            }
        }
    }

    // Statements [first, end) of neuron n of group g.
    void run_statements(std::size_t g, std::size_t n, std::size_t first, std::size_t end,
                        std::int64_t step) {
        const std::vector<statement>& statements = step_of(g);
        double* vars = values_[g].data() + n * width_[g];
        for (std::size_t s = first; s < end; ++s) {
            const statement& st = statements[s];
            if (st.guard >= 0 && vars[st.guard] == 0.0) {
                continue;
            }
            if (st.kind == statement_kind::emit) {
                emit(g, n, static_cast<std::size_t>(st.target), step);
                continue;
            }
            const double x = evaluate(st.value, vars, t_, uniform_, scratch_);
            double& target = vars[st.target];
            target = st.kind == statement_kind::integrate ? target + net_.dt * x : x;
            if (options_.ranges) {
                auto& r = result_.ranges[g];
                for (std::size_t k = 0; k < scratch_.size(); ++k) {
                    r.nodes[s][k].include(scratch_[k]);
                }
                r.variables[static_cast<std::size_t>(st.target)].include(target);
            }
        }
    }

    // A spike of neuron n of group g on `port`: recorded, and sent along its connections, at
    // once when some arrive within the step, else with the step's other spikes once every neuron
    // has run.
    void emit(std::size_t g, std::size_t n, std::size_t port, std::int64_t step) {
        ++result_.spikes;
        const std::size_t at = n * ports_[g] + port;
        for (const auto& [file, id] : listeners_[g][at]) {
            result_.events[file].events.emplace_back(t_, *id);
        }
        if (!at_once_) {
            sent_.emplace_back(g, at);
            sent_events_ += first_out_[g][at + 1] - first_out_[g][at];
            return;
        }
        for (std::size_t e = first_out_[g][at]; e < first_out_[g][at + 1]; ++e) {
            deliver(out_[g][e], step);
        }
    }

    // The step's spikes along their connections, in the order they were sent: in one pass, or,
    // when there are many, on several threads, each taking the events of a share of the target
    // neurons in that order. Every input then sums its events in the same order on any number.
    void deliver_sent(std::int64_t step) {
        const std::size_t threads = sent_events_ < options_.events_worth_threads
                                        ? 1
                                        : threads_for(options_.threads, total_neurons_);
        if (threads == 1) {
            for (const auto& [g, at] : sent_) {
                for (std::size_t e = first_out_[g][at]; e < first_out_[g][at + 1]; ++e) {
                    deliver(out_[g][e], step);
                }
            }
        } else {
            std::vector<std::uint64_t> delivered(threads, 0);
            for_each_item(threads, threads, [&](std::size_t share, std::size_t) {
                delivered[share] = deliver_share(share, threads, step);
            });
            for (std::uint64_t d : delivered) {
                result_.events_delivered += d;
            }
        }
        sent_.clear();
        sent_events_ = 0;
    }

    // The step's events reaching share `share` of `shares` of the target neurons; returns how
    // many.
    std::uint64_t deliver_share(std::size_t share, std::size_t shares, std::int64_t step) {
        const std::uint64_t first = total_neurons_ * share / shares;
        const std::uint64_t end = total_neurons_ * (share + 1) / shares;
        std::uint64_t delivered = 0;
        for (const auto& [g, at] : sent_) {
            for (std::size_t e = first_out_[g][at]; e < first_out_[g][at + 1]; ++e) {
                const auto [p, k] = out_[g][e];
                const projection& pr = projections_[p];
                const std::uint64_t target =
                    group_first_[static_cast<std::size_t>(pr.target_group)] + pr.target[k];
                if (target >= first && target < end) {
                    add_to_ring(pr, k, delay_of(pr, p, k), step);
                    ++delivered;
                }
            }
        }
        return delivered;
    }

    std::int64_t delay_of(const projection& pr, std::uint32_t p, std::uint32_t k) const {
        return pr.delay.coded() ? coded_steps_[p][pr.delay.code(k)] : steps_of(pr.delay[k]);
    }

    // Event k of projection `pr`, of `delay` steps (1 or more), into its target's ring.
    void add_to_ring(const projection& pr, std::uint32_t k, std::int64_t delay, std::int64_t step) {
        const std::int64_t due =
            options_.reference_timing ? reference_due(step, delay, t_ + pr.delay[k]) : step + delay;
        const auto tg = static_cast<std::size_t>(pr.target_group);
        const neuron_group& target_group = net_.groups[tg];
        const std::size_t target_slot = static_cast<std::size_t>(due) % slots_;
        ring_[tg][(target_slot * target_group.members.size() + pr.target[k]) *
                      target_group.inputs.size() +
                  static_cast<std::size_t>(pr.channel)] += pr.payload[k];
    }

    void deliver(connection_at connection, std::int64_t step) {
        const auto [p, k] = connection;
        const projection& pr = projections_[p];
        const std::int64_t delay = delay_of(pr, p, k);
        ++result_.events_delivered;
        if (delay == 0) {
            const double payload = pr.payload[k];
            const auto tn = static_cast<std::size_t>(pr.target[k]);
            const auto channel = static_cast<std::size_t>(pr.channel);
            const auto tg = static_cast<std::size_t>(pr.target_group);
            const neuron_group& target_group = net_.groups[tg];
            // Handled at once: the input holds this event's payload while its handler runs.
            const input_channel& in = target_group.inputs[channel];
            double& input = values_[tg][tn * width_[tg] + static_cast<std::size_t>(in.input)];
            const double before = input;
            input = payload;
            run_statements(tg, tn, static_cast<std::size_t>(in.first_statement),
                           static_cast<std::size_t>(in.first_statement + in.statement_count), step);
            input = before;
            return;
        }
        add_to_ring(pr, k, delay, step);
    }

    // The first step whose end time reaches `at_time` (within the tie tolerance when time is
    // step x dt), searched from step + delay.
    std::int64_t reference_due(std::int64_t step, std::int64_t delay, double at_time) const {
        if (options_.step_times) {
            at_time -= engine::tie_slack(at_time);
        }
        std::int64_t due = step + delay;
        const auto known = static_cast<std::int64_t>(times_.size());
        while (due > step + 1 && due - 1 < known &&
               times_[static_cast<std::size_t>(due - 1)] >= at_time) {
            --due;
        }
        while (due < known && times_[static_cast<std::size_t>(due)] < at_time) {
            ++due;
        }
        return due;
    }

    const network& net_;
    const run_options& options_;
    const std::size_t groups_;
    const std::vector<projection>& projections_;
    std::vector<std::vector<statement>> tied_steps_; // with step_times: comparisons tied
    const std::int64_t steps_;
    run_result result_;

    std::mt19937_64 generator_;
    std::uniform_real_distribution<double> unit_{0.0, 1.0};
    engine::java_random reference_stream_;
    std::function<double()> uniform_;

    std::vector<std::vector<double>> values_;
    std::vector<std::size_t> width_; // variables per neuron, per group
    std::vector<double> times_;
    std::vector<std::size_t> ports_;                     // per group, at least one
    std::vector<std::vector<std::size_t>> first_out_;    // per group, per neuron*ports+port, + 1
    std::vector<std::vector<connection_at>> out_;        // per group
    std::vector<std::vector<std::int64_t>> coded_steps_; // per projection, per distinct delay
    std::int64_t longest_ = 1;
    std::size_t slots_ = 0;
    std::vector<std::vector<double>> ring_; // per group: slot, neuron, channel
    std::vector<std::vector<std::vector<std::pair<std::size_t, const std::string*>>>>
        listeners_; // per group, per neuron*ports+port: (event file, selection id)

    // Events are delivered at once only when some arrive within their step; otherwise the step's
    // spikes are kept, (group, neuron*ports+port), with the events they send.
    bool at_once_ = false;
    std::vector<std::pair<std::size_t, std::size_t>> sent_;
    std::uint64_t sent_events_ = 0;
    std::vector<std::uint64_t> group_first_; // per group: global number of its first neuron
    std::uint64_t total_neurons_ = 0;

    std::vector<double> scratch_;
    double t_ = 0.0;
};

} // namespace

run_result run(const network& net, const run_options& options) {
    return network_runner(net, options).run();
}

} // namespace sf::lems::ir
