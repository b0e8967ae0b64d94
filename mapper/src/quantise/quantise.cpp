#include <algorithm>
#include <cmath>
#include <map>

#include <sf/firmware/random.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/assembly.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/quantise.hpp>

#include "codegen.hpp"
#include "ranges.hpp"
#include "simplify.hpp"
#include "units.hpp"

namespace sf::mapper {
namespace {

using lems::ir::value_range;

// Expression evaluations the float run that measures ranges may take when choosing its length.
constexpr double range_run_budget = 4e8;

std::int64_t choose_range_steps(const lems::ir::network& net,
                                const std::vector<detail::prepared_group>& prepared,
                                std::int64_t requested) {
    if (requested >= 0) {
        return std::min(requested, net.steps);
    }
    double per_step = 1.0;
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        double nodes = 0.0;
        for (const auto& s : prepared[g].step) {
            nodes += static_cast<double>(s.value.nodes.size()) + 1.0;
        }
        per_step += nodes * static_cast<double>(net.groups[g].members.size());
    }
    const auto affordable = static_cast<std::int64_t>(range_run_budget / per_step);
    return std::min(net.steps, std::max<std::int64_t>(affordable, 100));
}

// Statements whose results reach a spike, a recorded variable or a guard of those.
std::vector<bool> live_statements(const lems::ir::neuron_group& group,
                                  const std::vector<lems::ir::statement>& step) {
    std::vector<bool> live_variable(group.variables.size(), false);
    for (std::size_t v = 0; v < group.variables.size(); ++v) {
        live_variable[v] = group.variables[v].recorded;
    }
    std::vector<bool> live(step.size(), false);
    bool changed = true;
    while (changed) {
        changed = false;
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (live[s]) {
                continue;
            }
            const auto& st = step[s];
            if (st.kind != lems::ir::statement_kind::emit &&
                !live_variable[static_cast<std::size_t>(st.target)]) {
                continue;
            }
            live[s] = true;
            changed = true;
            if (st.guard >= 0) {
                live_variable[static_cast<std::size_t>(st.guard)] = true;
            }
            for (const auto& n : st.value.nodes) {
                if (n.kind == lems::ir::op::variable) {
                    live_variable[static_cast<std::size_t>(n.variable)] = true;
                }
            }
        }
    }
    return live;
}

// The largest magnitude among the values a variable is added to, subtracted from or compared
// with: the scale a variable that stayed zero in the float run would have.
double partner_magnitude(const std::vector<lems::ir::statement>& step,
                         const std::vector<bool>& live, const detail::group_bounds& bounds,
                         int variable) {
    double largest = 0.0;
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s]) {
            continue;
        }
        const auto& e = step[s].value;
        for (const auto& n : e.nodes) {
            const bool pairs = n.kind == lems::ir::op::add || n.kind == lems::ir::op::subtract ||
                               n.kind == lems::ir::op::greater || n.kind == lems::ir::op::less ||
                               n.kind == lems::ir::op::greater_equal ||
                               n.kind == lems::ir::op::less_equal;
            if (!pairs) {
                continue;
            }
            for (const auto& [mine, other] :
                 {std::pair<int, int>{n.a, n.b}, std::pair<int, int>{n.b, n.a}}) {
                const auto& x = e.at(mine);
                if (x.kind == lems::ir::op::variable && x.variable == variable) {
                    largest = std::max(
                        largest, bounds.nodes[s][static_cast<std::size_t>(other)].magnitude());
                }
            }
        }
    }
    return largest;
}

// Values a step computes before it reads them and nobody records: they live only within the step,
// so variables whose uses do not overlap share a state word. Returns each such variable's shared
// word (numbered from 0), -1 for the others.
std::vector<int> scratch_slots(const lems::ir::neuron_group& group,
                               const std::vector<lems::ir::statement>& step,
                               const std::vector<bool>& live) {
    const std::size_t count = group.variables.size();
    std::vector<int> defined(count, -1); // first unguarded assignment
    std::vector<int> last_use(count, -1);
    std::vector<bool> read_first(count, false); // read before (or by) its first assignment
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s]) {
            continue;
        }
        const auto& st = step[s];
        const int at = static_cast<int>(s);
        auto read = [&](int v) {
            const auto k = static_cast<std::size_t>(v);
            if (defined[k] < 0) {
                read_first[k] = true;
            }
            last_use[k] = at;
        };
        if (st.guard >= 0) {
            read(st.guard);
        }
        for (const auto& n : st.value.nodes) {
            if (n.kind == lems::ir::op::variable) {
                read(n.variable);
            }
        }
        if (st.kind != lems::ir::statement_kind::emit) {
            const auto k = static_cast<std::size_t>(st.target);
            if (defined[k] < 0 && st.guard < 0) {
                defined[k] = at;
            } else if (defined[k] < 0) {
                read_first[k] = true; // a guarded first assignment may leave last step's value
            }
            last_use[k] = at;
        }
    }
    std::vector<int> slot(count, -1);
    std::vector<int> busy_until; // per shared word: the last statement using it
    for (std::size_t s = 0; s < step.size(); ++s) {
        for (std::size_t v = 0; v < count; ++v) {
            const auto& var = group.variables[v];
            if (defined[v] != static_cast<int>(s) || read_first[v] || var.recorded ||
                var.kind != lems::ir::storage::state) {
                continue;
            }
            int chosen = -1;
            for (std::size_t w = 0; w < busy_until.size() && chosen < 0; ++w) {
                if (busy_until[w] < static_cast<int>(s)) {
                    chosen = static_cast<int>(w);
                }
            }
            if (chosen < 0) {
                chosen = static_cast<int>(busy_until.size());
                busy_until.push_back(0);
            }
            busy_until[static_cast<std::size_t>(chosen)] = last_use[v];
            slot[v] = chosen;
        }
    }
    return slot;
}

// The largest weight a synaptic word carries on this board: the board's weight bits, within the
// word's signed 16-bit field.
double largest_code(const core_limits& core) {
    const double board = core.weights_signed ? std::ldexp(1.0, core.weight_bits - 1) - 1.0
                                             : std::ldexp(1.0, core.weight_bits) - 1.0;
    return std::min(board, 32767.0);
}

struct channel_weights {
    double unit = 1.0;
    channel_entry entry;
};

} // namespace

std::uint32_t group_seed(std::int64_t simulation_seed, int group) {
    // The rand instruction's mix over the seed and the group's number, spread as steps are.
    return firmware::isa::mix32(
        static_cast<std::uint32_t>(simulation_seed) ^
        (static_cast<std::uint32_t>(group) * firmware::isa::random_step_spread));
}

compiled_network quantise(const lems::ir::network& net, const board& target,
                          const quantise_options& options) {
    const core_limits& core = target.core;
    compiled_network out;
    quantisation_report& report = out.report;
    report.board = target.name;
    report.dt = net.dt;
    report.integrator = options.integrator == integration::exact
                            ? "exact for linear equations, else forward Euler"
                            : "forward Euler";
    report.total_steps = net.steps;
    report.weight_bits = core.weight_bits;
    if (core.weight_bits < 1 || core.weight_bits > 16) {
        throw compile_error("", "board " + target.name + " has " +
                                    std::to_string(core.weight_bits) +
                                    "-bit weights; a synaptic word carries 1 to 16");
    }

    std::vector<detail::prepared_group> prepared;
    for (const auto& group : net.groups) {
        prepared.push_back(detail::prepare(group, net.dt, options.integrator));
    }

    // The float run over the statements as they will be compiled, measuring every value.
    std::vector<std::vector<lems::ir::statement>> statements;
    for (const auto& p : prepared) {
        statements.push_back(p.step);
    }
    lems::ir::run_options run;
    run.steps = choose_range_steps(net, prepared, options.range_steps);
    run.ranges = true;
    run.record = false;
    run.seed = static_cast<std::uint64_t>(net.seed);
    run.statements = &statements;
    if (options.range_steps < 0) {
        run.max_work = range_run_budget; // large networks: their events count too
        run.min_steps = std::min<std::int64_t>(run.steps, 100);
    }
    const lems::ir::run_result ranges = lems::ir::run(net, run);
    report.range_steps = ranges.steps;

    // What one step can bring to each channel, and each channel's weight unit.
    std::vector<std::vector<value_range>> input_bounds(net.groups.size());
    std::vector<std::vector<channel_weights>> weights(net.groups.size());
    {
        // Per group, per neuron and channel: the sums of its positive and of its negative payloads.
        std::vector<std::vector<std::pair<double, double>>> sums(net.groups.size());
        std::vector<std::vector<std::uint8_t>> connected(
            net.groups.size()); // the same, 1 where any
        std::vector<std::vector<double>> largest(net.groups.size());
        std::vector<std::vector<int>> signs(net.groups.size());
        std::vector<std::vector<int>> fan_in(net.groups.size());
        for (std::size_t g = 0; g < net.groups.size(); ++g) {
            const std::size_t channels = net.groups[g].inputs.size();
            sums[g].assign(net.groups[g].members.size() * channels, {0.0, 0.0});
            connected[g].assign(sums[g].size(), 0);
            largest[g].assign(channels, 0.0);
            signs[g].assign(channels, 0);
            weights[g].resize(channels);
            input_bounds[g].resize(channels);
            fan_in[g].assign(net.groups[g].members.size(), 0);
        }
        for (const lems::ir::projection& p : net.connections.projections()) {
            const auto g = static_cast<std::size_t>(p.target_group);
            const auto channel = static_cast<std::size_t>(p.channel);
            const std::size_t channels = net.groups[g].inputs.size();
            double& big = largest[g][channel];
            int& sign = signs[g][channel];
            for (std::size_t k = 0; k < p.size(); ++k) {
                const double payload = p.payload[k];
                auto& [positive, negative] = sums[g][p.target[k] * channels + channel];
                connected[g][p.target[k] * channels + channel] = 1;
                (payload >= 0 ? positive : negative) += payload;
                big = std::max(big, std::fabs(payload));
                if (payload != 0.0) {
                    const int s = payload > 0 ? 1 : -1;
                    sign = sign == 0 || sign == s ? s : 2;
                }
                ++fan_in[g][p.target[k]];
            }
            weights[g][channel].entry.connections += static_cast<std::int64_t>(p.size());
        }
        for (std::size_t g = 0; g < net.groups.size(); ++g) {
            const std::size_t channels = net.groups[g].inputs.size();
            for (std::size_t k = 0; k < sums[g].size(); ++k) {
                if (connected[g][k] == 0) {
                    continue;
                }
                auto& bound = input_bounds[g][k % channels];
                bound.include(sums[g][k].first);
                bound.include(sums[g][k].second);
            }
            if (core.max_fan_in > 0) {
                const int most =
                    fan_in[g].empty() ? 0 : *std::max_element(fan_in[g].begin(), fan_in[g].end());
                if (most > core.max_fan_in) {
                    throw compile_error(net.groups[g].label,
                                        "a neuron receives " + std::to_string(most) +
                                            " synapses; the board's neurons take at most " +
                                            std::to_string(core.max_fan_in));
                }
            }
            for (std::size_t c = 0; c < channels; ++c) {
                channel_weights& w = weights[g][c];
                w.entry.name = net.groups[g].inputs[c].name;
                const double max_code = largest_code(core);
                if (!core.weights_signed && signs[g][c] == 2) {
                    throw compile_error(net.groups[g].label,
                                        w.entry.name +
                                            " receives positive and negative weights; board " +
                                            target.name +
                                            " has unsigned weights with the sign set per input "
                                            "channel: use separate "
                                            "synapses for excitation and inhibition");
                }
                const double sign = !core.weights_signed && signs[g][c] < 0 ? -1.0 : 1.0;
                w.unit = largest[g][c] > 0.0 ? sign * largest[g][c] / max_code : 1.0;
                w.entry.unit = w.unit;
            }
        }
    }

    // Weights and delays of every connection, as the cores will carry them.
    out.max_weight = static_cast<std::int32_t>(largest_code(core));
    out.min_weight = core.weights_signed ? -out.max_weight - 1 : 0;
    out.dt = net.dt;
    std::map<std::int64_t, delay_entry> delays; // by whole steps
    std::int64_t undelayed = 0;
    auto count_delay = [&](double seconds, std::int64_t steps, std::int64_t count) {
        if (seconds <= 0.0) {
            undelayed += count;
        }
        auto [at, added] = delays.try_emplace(steps);
        delay_entry& d = at->second;
        if (added) {
            d.steps = static_cast<int>(std::min<std::int64_t>(steps, 1 << 30));
            d.seconds = d.seconds_high = seconds;
        }
        d.seconds = std::min(d.seconds, seconds);
        d.seconds_high = std::max(d.seconds_high, seconds);
        d.connections += count;
    };
    for (const lems::ir::projection& p : net.connections.projections()) {
        channel_weights& w =
            weights[static_cast<std::size_t>(p.target_group)][static_cast<std::size_t>(p.channel)];
        for (std::size_t k = 0; k < p.size(); ++k) {
            const double payload = p.payload[k];
            const double code = std::round(payload / w.unit);
            const double clamped = std::clamp(code, static_cast<double>(out.min_weight),
                                              static_cast<double>(out.max_weight));
            if (clamped != code) {
                ++w.entry.saturated_weights;
            }
            if (clamped == 0.0 && payload != 0.0) {
                ++w.entry.zero_weights;
            }
            if (payload != 0.0) {
                w.entry.max_relative_error =
                    std::max(w.entry.max_relative_error,
                             std::fabs(clamped * w.unit - payload) / std::fabs(payload));
            }
        }
        if (p.delay.coded()) {
            std::vector<std::int64_t> uses(p.delay.distinct().size(), 0);
            for (std::size_t k = 0; k < p.size(); ++k) {
                ++uses[p.delay.code(k)];
            }
            for (std::size_t d = 0; d < uses.size(); ++d) {
                const double seconds = p.delay.distinct()[d];
                count_delay(seconds, lems::ir::delay_steps(seconds, net.dt), uses[d]);
            }
        } else {
            for (std::size_t k = 0; k < p.size(); ++k) {
                count_delay(p.delay[k], lems::ir::delay_steps(p.delay[k], net.dt), 1);
            }
        }
    }
    if (undelayed > 0) {
        report.warnings.push_back(
            std::to_string(undelayed) +
            " connections have no delay; on the cores a spike arrives one step later, at "
            "the start of the next step");
    }
    for (const auto& [steps, entry] : delays) {
        report.delays.push_back(entry);
        if (steps > core.delay_slots) {
            report.warnings.push_back(std::to_string(entry.connections) +
                                      " connections are delayed " + std::to_string(steps) +
                                      " steps, more than the cores' " +
                                      std::to_string(core.delay_slots) +
                                      " delay slots: they are held back before delivery");
        }
    }

    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const lems::ir::neuron_group& group = net.groups[g];
        const auto& step = prepared[g].step;
        const detail::group_bounds bounds =
            detail::bound_group(group, step, ranges.ranges[g], input_bounds[g], net.length, net.dt);
        const std::vector<bool> live = live_statements(group, step);

        group_entry entry;
        entry.label = group.label;
        entry.component = group.component;
        entry.neurons = static_cast<int>(group.members.size());
        entry.integration = prepared[g].notes;

        // Which variables need a state word, and their formats.
        std::vector<bool> used(group.variables.size(), false);
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (!live[s]) {
                continue;
            }
            if (step[s].kind != lems::ir::statement_kind::emit) {
                used[static_cast<std::size_t>(step[s].target)] = true;
            }
            if (step[s].guard >= 0) {
                used[static_cast<std::size_t>(step[s].guard)] = true;
            }
            for (const auto& n : step[s].value.nodes) {
                if (n.kind == lems::ir::op::variable) {
                    used[static_cast<std::size_t>(n.variable)] = true;
                }
            }
        }
        compiled_group compiled;
        compiled.group = static_cast<int>(g);
        compiled.slot.assign(group.variables.size(), -1);
        compiled.format.assign(group.variables.size(), fixed_format{0});
        const std::vector<int> scratch = scratch_slots(group, step, live);
        int slots = 0;
        for (int k : scratch) {
            slots = std::max(slots, k + 1);
        }
        const int scratch_words = slots;
        for (std::size_t v = 0; v < group.variables.size(); ++v) {
            const auto& var = group.variables[v];
            if (var.recorded) {
                used[v] = true;
            }
            if (!used[v]) {
                continue;
            }
            if (var.kind == lems::ir::storage::input) {
                if (var.recorded) {
                    throw compile_error(group.label,
                                        "records " + var.name +
                                            ", a synaptic input, which no state word holds");
                }
                continue;
            }
            compiled.slot[v] = scratch[v] >= 0 ? scratch[v] : slots++;
            const detail::value_bounds& b = bounds.variables[v];
            fixed_format f{0};
            if (!bounds.integer[v]) {
                double magnitude = b.magnitude();
                if (magnitude == 0.0) {
                    // Never seen other than zero: as fine as what it is added to or compared with.
                    magnitude = partner_magnitude(step, live, bounds, static_cast<int>(v));
                    entry.warnings.push_back(
                        var.name + " stayed 0 in the float run; its format is that of " +
                        (magnitude > 0.0 ? "the values it is added to" : "a whole number"));
                }
                f = magnitude > 0.0
                        ? fixed_format::holding(std::ldexp(magnitude, options.state_headroom_bits))
                        : fixed_format{0};
            }
            compiled.format[v] = f;
            variable_entry ve;
            ve.name = var.name;
            ve.unit = detail::si_unit(var.dim);
            ve.low = b.range.empty() ? 0.0 : b.range.low;
            ve.high = b.range.empty() ? 0.0 : b.range.high;
            ve.measured = b.measured;
            ve.format = f;
            entry.variables.push_back(ve);
            if (!b.measured && !bounds.integer[v] && var.kind == lems::ir::storage::state) {
                entry.warnings.push_back(
                    var.name + " did not change in the float run; its range comes from interval "
                               "arithmetic");
            }
        }
        compiled.state_words = slots;
        compiled.input_channels = static_cast<int>(group.inputs.size());
        for (const auto& w : weights[g]) {
            compiled.channel_unit.push_back(w.unit);
            entry.channels.push_back(w.entry);
            if (w.entry.zero_weights > 0) {
                entry.warnings.push_back(w.entry.name + ": " +
                                         std::to_string(w.entry.zero_weights) +
                                         " weights become 0 at the channel's weight unit");
            }
            if (w.entry.saturated_weights > 0) {
                entry.warnings.push_back(w.entry.name + ": " +
                                         std::to_string(w.entry.saturated_weights) +
                                         " weights saturate the synaptic word");
            }
        }

        if (static_cast<int>(group.inputs.size()) > core.input_channels) {
            throw compile_error(group.label, "needs " + std::to_string(group.inputs.size()) +
                                                 " synaptic input channels per neuron; board " +
                                                 target.name + "'s neurons have " +
                                                 std::to_string(core.input_channels));
        }
        if (slots > core.state_words_per_neuron) {
            throw compile_error(group.label, "needs " + std::to_string(slots) +
                                                 " state words per neuron; board " + target.name +
                                                 "'s cores hold " +
                                                 std::to_string(core.state_words_per_neuron));
        }

        int spike_port = 0;
        for (const auto& s : step) {
            if (s.kind == lems::ir::statement_kind::emit) {
                spike_port = s.target;
                break;
            }
        }
        detail::codegen_input in;
        in.group = &group;
        in.step = &step;
        in.live = live;
        in.bounds = &bounds;
        in.variable_format = compiled.format;
        in.slot = compiled.slot;
        in.scratch_words = scratch_words;
        in.channel_unit = compiled.channel_unit;
        in.dt = net.dt;
        in.steps = net.steps;
        in.value_headroom_bits = options.value_headroom_bits;
        in.table_words = core.lookup_table_words;
        in.spike_port = spike_port;
        detail::codegen_output code = detail::generate(in);

        for (std::size_t i = 0; i < code.code.size(); ++i) {
            std::uint32_t word = 0;
            firmware::isa::encode(code.code[i], word);
            compiled.program.push_back(word);
            if (!code.notes[i].empty()) {
                compiled.assembly += "; " + code.notes[i] + "\n";
            }
            compiled.assembly += "    " + to_text(code.code[i]) + "\n";
        }
        compiled.constants = std::move(code.constants);
        compiled.tables = std::move(code.tables);
        std::int64_t table_words = 0;
        for (const auto& t : compiled.tables) {
            table_words += static_cast<std::int64_t>(t.samples.size());
        }
        if (static_cast<std::int64_t>(compiled.program.size()) > core.program_words) {
            throw compile_error(group.label,
                                "its program needs " + std::to_string(compiled.program.size()) +
                                    " instruction words; board " + target.name + "'s cores hold " +
                                    std::to_string(core.program_words));
        }
        if (static_cast<int>(compiled.constants.size()) > core.constant_words) {
            throw compile_error(group.label, "needs " + std::to_string(compiled.constants.size()) +
                                                 " constants; board " + target.name +
                                                 "'s cores hold " +
                                                 std::to_string(core.constant_words));
        }
        if (table_words > core.lookup_table_words) {
            throw compile_error(group.label, "its lookup tables need " +
                                                 std::to_string(table_words) + " words; board " +
                                                 target.name + "'s cores hold " +
                                                 std::to_string(core.lookup_table_words));
        }

        // Initial state words.
        compiled.initial_state.assign(group.members.size() * static_cast<std::size_t>(slots), 0);
        for (std::size_t v = 0; v < group.variables.size(); ++v) {
            const int slot = compiled.slot[v];
            if (slot < 0) {
                continue;
            }
            int saturated = 0;
            int underflowed = 0;
            for (std::size_t n = 0; n < group.members.size(); ++n) {
                const quantised_value q =
                    round_to_fixed(group.variables[v].initial[n], compiled.format[v]);
                saturated += q.saturated ? 1 : 0;
                underflowed += q.underflowed ? 1 : 0;
                compiled.initial_state[n * static_cast<std::size_t>(slots) +
                                       static_cast<std::size_t>(slot)] = q.raw;
            }
            if (saturated > 0) {
                entry.warnings.push_back("initial " + group.variables[v].name + " saturates in " +
                                         std::to_string(saturated) + " neurons");
            }
            if (underflowed > 0) {
                entry.warnings.push_back("initial " + group.variables[v].name + " becomes 0 in " +
                                         std::to_string(underflowed) + " neurons");
            }
        }

        entry.program_words = static_cast<int>(compiled.program.size());
        entry.constants = static_cast<int>(compiled.constants.size());
        entry.table_words = static_cast<int>(table_words);
        entry.state_words = slots;
        entry.parameters = std::move(code.parameters);
        entry.tables = std::move(code.table_entries);
        entry.warnings.insert(entry.warnings.end(), code.warnings.begin(), code.warnings.end());
        report.groups.push_back(std::move(entry));
        out.groups.push_back(std::move(compiled));
    }
    return out;
}

} // namespace sf::mapper
