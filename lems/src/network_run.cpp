#include <cmath>
#include <random>

#include <sf/lems/network_run.hpp>

#include "engine/java_random.hpp"
#include "engine/lems_functions.hpp"

namespace sf::lems::ir {
namespace {



} // namespace

double evaluate(const expr& e, const double* variables, double time, const std::function<double()>& uniform,
                std::vector<double>& scratch) {
    scratch.resize(e.nodes.size());
    double* v = scratch.data();
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
        const node& n = e.nodes[i];
        const double a = n.a >= 0 ? v[n.a] : 0.0;
        const double b = n.b >= 0 ? v[n.b] : 0.0;
        double r = 0.0;
        switch (n.kind) {
        case op::constant: r = n.value; break;
        case op::variable: r = variables[n.variable]; break;
        case op::time: r = time; break;
        case op::negate: r = -a; break;
        case op::add: r = a + b; break;
        case op::subtract: r = a - b; break;
        case op::multiply: r = a * b; break;
        case op::divide: r = a / b; break;
        case op::power: r = std::pow(a, b); break;
        case op::greater: r = a > b ? 1.0 : 0.0; break;
        case op::less: r = a < b ? 1.0 : 0.0; break;
        case op::greater_equal: r = a >= b ? 1.0 : 0.0; break;
        case op::less_equal: r = a <= b ? 1.0 : 0.0; break;
        case op::equal: r = a == b ? 1.0 : 0.0; break;
        case op::not_equal: r = a != b ? 1.0 : 0.0; break;
        case op::logical_and: r = (a != 0.0 && b != 0.0) ? 1.0 : 0.0; break;
        case op::logical_or: r = (a != 0.0 || b != 0.0) ? 1.0 : 0.0; break;
        case op::exp: r = std::exp(a); break;
        case op::log: r = std::log(a); break;
        case op::sqrt: r = std::sqrt(a); break;
        case op::sin: r = std::sin(a); break;
        case op::cos: r = std::cos(a); break;
        case op::tan: r = std::tan(a); break;
        case op::sinh: r = std::sinh(a); break;
        case op::cosh: r = std::cosh(a); break;
        case op::tanh: r = std::tanh(a); break;
        case op::abs: r = std::fabs(a); break;
        case op::ceil: r = std::ceil(a); break;
        case op::floor: r = std::floor(a); break;
        case op::heaviside: r = engine::heaviside(a); break;
        case op::random: r = a * (uniform ? uniform() : 0.5); break;
        case op::factorial: r = engine::factorial(a); break;
        }
        v[i] = r;
    }
    return e.nodes.empty() ? 0.0 : v[e.nodes.size() - 1];
}

std::int64_t delay_steps(double delay, double dt) {
    // Delays written as whole steps may come out a hair above them in floating point.
    const double steps = std::ceil(delay / dt - 1e-9);
    return steps < 1.0 ? 1 : static_cast<std::int64_t>(steps);
}

run_result run(const network& net, const run_options& options) {
    run_result result;
    const std::int64_t steps = options.steps < 0 ? net.steps : std::min(options.steps, net.steps);
    result.steps = steps;
    std::mt19937_64 generator(options.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    engine::java_random reference_stream = engine::java_random::from_state(net.reference_random_state);
    const std::function<double()> uniform = [&]() {
        return options.reference_timing ? reference_stream.next_double() : unit(generator);
    };

    auto step_of = [&](std::size_t g) -> const std::vector<statement>& {
        return options.statements != nullptr ? (*options.statements)[g] : net.groups[g].step;
    };

    // Variables neuron-major per group; inputs per (neuron, channel) in a ring of delay slots.
    const std::size_t groups = net.groups.size();
    std::vector<std::vector<double>> values(groups);
    std::vector<std::size_t> width(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        const neuron_group& group = net.groups[g];
        width[g] = group.variables.size();
        values[g].resize(group.members.size() * width[g]);
        for (std::size_t v = 0; v < group.variables.size(); ++v) {
            for (std::size_t n = 0; n < group.members.size(); ++n) {
                values[g][n * width[g] + v] = group.variables[v].initial[n];
            }
        }
    }
    std::int64_t longest = 1;
    std::vector<double> times; // accumulated step end times, for the reference timing
    if (options.reference_timing) {
        times.resize(static_cast<std::size_t>(steps) + 1);
        for (std::size_t k = 1; k < times.size(); ++k) {
            times[k] = times[k - 1] + net.dt;
        }
    }
    // Every neuron port's connections: per group, offsets per neuron*ports+port into a list of
    // (projection, index) pairs, so that a spike finds its connections without a copy of them.
    const auto& projections = net.connections.projections();
    std::vector<std::size_t> ports(groups);
    std::vector<std::vector<std::size_t>> first_out(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        ports[g] = std::max<std::size_t>(1, net.groups[g].outputs.size());
        first_out[g].assign(net.groups[g].members.size() * ports[g] + 1, 0);
    }
    std::vector<std::vector<std::int64_t>> coded_steps(projections.size()); // per distinct delay
    auto steps_of = [&](double delay) {
        return options.reference_timing && delay <= 0.0 ? 0 : delay_steps(delay, net.dt);
    };
    for (std::size_t p = 0; p < projections.size(); ++p) {
        const projection& pr = projections[p];
        const auto g = static_cast<std::size_t>(pr.source_group);
        for (std::uint32_t n : pr.source) {
            ++first_out[g][n * ports[g] + static_cast<std::size_t>(pr.source_port) + 1];
        }
        if (pr.delay.coded()) {
            for (double d : pr.delay.distinct()) {
                coded_steps[p].push_back(steps_of(d));
            }
            for (std::int64_t d : coded_steps[p]) {
                longest = std::max(longest, d + (options.reference_timing ? 1 : 0));
            }
        } else {
            for (std::size_t k = 0; k < pr.size(); ++k) {
                longest = std::max(longest, steps_of(pr.delay[k]) + (options.reference_timing ? 1 : 0));
            }
        }
    }
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> out(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        for (std::size_t k = 1; k < first_out[g].size(); ++k) {
            first_out[g][k] += first_out[g][k - 1];
        }
        out[g].resize(first_out[g].back());
    }
    {
        std::vector<std::vector<std::size_t>> fill(groups);
        for (std::size_t g = 0; g < groups; ++g) {
            fill[g].assign(first_out[g].begin(), first_out[g].end() - 1);
        }
        for (std::size_t p = 0; p < projections.size(); ++p) {
            const projection& pr = projections[p];
            const auto g = static_cast<std::size_t>(pr.source_group);
            for (std::size_t k = 0; k < pr.size(); ++k) {
                out[g][fill[g][pr.source[k] * ports[g] + static_cast<std::size_t>(pr.source_port)]++] = {
                    static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(k)};
            }
        }
    }
    const auto slots = static_cast<std::size_t>(longest + 1);
    std::vector<std::vector<double>> ring(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        ring[g].assign(slots * net.groups[g].members.size() * net.groups[g].inputs.size(), 0.0);
    }

    if (options.ranges) {
        result.ranges.resize(groups);
        for (std::size_t g = 0; g < groups; ++g) {
            const neuron_group& group = net.groups[g];
            auto& r = result.ranges[g];
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

    // Recordings.
    if (options.record) {
        for (const trace_output& t : net.traces) {
            recorded_trace trace;
            trace.path = t.path;
            trace.columns = t.columns.size();
            trace.rows.reserve(static_cast<std::size_t>(steps + 1) * (trace.columns + 1));
            result.traces.push_back(std::move(trace));
        }
        for (const event_output& e : net.events) {
            result.events.push_back(recorded_events{e.path, e.id_first, {}});
        }
    }
    // Which event files want a neuron's port.
    std::vector<std::vector<std::vector<std::pair<std::size_t, const std::string*>>>> listeners(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        listeners[g].resize(first_out[g].size() - 1);
    }
    if (options.record) {
        for (std::size_t f = 0; f < net.events.size(); ++f) {
            for (const spike_selection& s : net.events[f].selections) {
                const auto& sg = net.groups[static_cast<std::size_t>(s.neuron.group)];
                listeners[static_cast<std::size_t>(s.neuron.group)]
                         [static_cast<std::size_t>(s.neuron.neuron) * std::max<std::size_t>(1, sg.outputs.size()) + static_cast<std::size_t>(s.port)]
                             .emplace_back(f, &s.id);
            }
        }
    }
    auto record_row = [&](double time) {
        if (!options.record) {
            return;
        }
        for (std::size_t f = 0; f < net.traces.size(); ++f) {
            auto& rows = result.traces[f].rows;
            rows.push_back(static_cast<float>(time));
            for (const recorded_quantity& q : net.traces[f].columns) {
                const double value = q.variable < 0 ? q.value
                                                    : values[static_cast<std::size_t>(q.neuron.group)]
                                                            [static_cast<std::size_t>(q.neuron.neuron) * width[static_cast<std::size_t>(q.neuron.group)] +
                                                             static_cast<std::size_t>(q.variable)];
                rows.push_back(static_cast<float>(value));
            }
        }
    };

    std::vector<double> scratch;
    double t = 0.0;
    std::function<void(std::size_t, std::size_t, std::size_t, std::size_t, std::int64_t)> run_statements =
        [&](std::size_t g, std::size_t n, std::size_t first, std::size_t end, std::int64_t step) {
            const std::vector<statement>& statements = step_of(g);
            double* vars = values[g].data() + n * width[g];
            for (std::size_t s = first; s < end; ++s) {
                const statement& st = statements[s];
                if (st.guard >= 0 && vars[st.guard] == 0.0) {
                    continue;
                }
                if (st.kind == statement_kind::emit) {
                    ++result.spikes;
                    const std::size_t at = n * ports[g] + static_cast<std::size_t>(st.target);
                    for (const auto& [file, id] : listeners[g][at]) {
                        result.events[file].events.emplace_back(t, *id);
                    }
                    for (std::size_t e = first_out[g][at]; e < first_out[g][at + 1]; ++e) {
                        const auto [p, k] = out[g][e];
                        const projection& pr = projections[p];
                        const double payload = pr.payload[k];
                        const std::int64_t delay = pr.delay.coded() ? coded_steps[p][pr.delay.code(k)] : steps_of(pr.delay[k]);
                        const auto tn = static_cast<std::size_t>(pr.target[k]);
                        const auto channel = static_cast<std::size_t>(pr.channel);
                        ++result.events_delivered;
                        const auto tg = static_cast<std::size_t>(pr.target_group);
                        const neuron_group& target_group = net.groups[tg];
                        if (delay == 0) {
                            const input_channel& in = target_group.inputs[channel];
                            double& input = values[tg][tn * width[tg] + static_cast<std::size_t>(in.input)];
                            const double before = input;
                            input = payload;
                            run_statements(tg, tn, static_cast<std::size_t>(in.first_statement),
                                           static_cast<std::size_t>(in.first_statement + in.statement_count), step);
                            input = before;
                            continue;
                        }
                        std::int64_t due = step + delay;
                        if (options.reference_timing) {
                            const double at_time = t + pr.delay[k];
                            while (due > step + 1 && due - 1 < static_cast<std::int64_t>(times.size()) &&
                                   times[static_cast<std::size_t>(due - 1)] >= at_time) {
                                --due;
                            }
                            while (due < static_cast<std::int64_t>(times.size()) && times[static_cast<std::size_t>(due)] < at_time) {
                                ++due;
                            }
                        }
                        const std::size_t target_slot = static_cast<std::size_t>(due) % slots;
                        ring[tg][(target_slot * target_group.members.size() + tn) * target_group.inputs.size() + channel] +=
                            payload;
                    }
                    continue;
                }
                const double x = evaluate(st.value, vars, t, uniform, scratch);
                double& target = vars[st.target];
                target = st.kind == statement_kind::integrate ? target + net.dt * x : x;
                if (options.ranges) {
                    auto& r = result.ranges[g];
                    for (std::size_t k = 0; k < scratch.size(); ++k) {
                        r.nodes[s][k].include(scratch[k]);
                    }
                    r.variables[static_cast<std::size_t>(st.target)].include(target);
                }
            }
        };
    // The work a step costs, for options.max_work: a unit per expression node and statement of
    // every neuron, and event_work units per delivered event (a scattered write).
    constexpr double event_work = 4.0;
    double work_per_step = 0.0;
    double work = 0.0;
    for (std::size_t g = 0; g < groups; ++g) {
        double nodes = 0.0;
        for (const statement& st : step_of(g)) {
            nodes += static_cast<double>(st.value.nodes.size()) + 1.0;
        }
        work_per_step += nodes * static_cast<double>(net.groups[g].members.size());
    }
    record_row(t);
    for (std::int64_t step = 1; step <= steps; ++step) {
        t += net.dt; // accumulated, as the reference simulator does
        const auto slot = static_cast<std::size_t>(step) % slots;
        for (std::size_t g = 0; g < groups; ++g) {
            const neuron_group& group = net.groups[g];
            const std::size_t channels = group.inputs.size();
            if (channels == 0) {
                continue;
            }
            double* arrived = ring[g].data() + slot * group.members.size() * channels;
            for (std::size_t n = 0; n < group.members.size(); ++n) {
                for (std::size_t c = 0; c < channels; ++c) {
                    const auto input = static_cast<std::size_t>(group.inputs[c].input);
                    values[g][n * width[g] + input] = arrived[n * channels + c];
                    if (options.ranges) {
                        result.ranges[g].variables[input].include(arrived[n * channels + c]);
                    }
                    arrived[n * channels + c] = 0.0;
                }
            }
        }
        for (std::size_t g = 0; g < groups; ++g) {
            for (std::size_t n = 0; n < net.groups[g].members.size(); ++n) {
                run_statements(g, n, 0, step_of(g).size(), step);
            }
        }
        record_row(t);
        if (options.max_work > 0.0) {
            work += work_per_step;
            if (step >= options.min_steps && work + event_work * static_cast<double>(result.events_delivered) >= options.max_work) {
                result.steps = step;
                break;
            }
        }
    }
    return result;
}

} // namespace sf::lems::ir
