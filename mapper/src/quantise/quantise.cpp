#include <algorithm>
#include <cmath>

#include <sf/firmware/random.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/assembly.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/quantise.hpp>

#include "codegen.hpp"
#include "connection_scales.hpp"
#include "ranges.hpp"
#include "simplify.hpp"
#include "state_layout.hpp"

namespace sf::mapper {
namespace {

// Expression evaluations the float run that measures ranges may take when choosing its length.
constexpr double range_run_budget = 4e8;

// The report's header: board, step, integrator. Throws compile_error for weight bits a
// synaptic word cannot carry.
quantisation_report start_report(const lems::ir::network& net, const board& target,
                                 const quantise_options& options) {
    const core_limits& core = target.core;
    quantisation_report report;
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
    return report;
}

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

// The float run over the statements as they will be compiled, measuring every value.
lems::ir::run_result measure_ranges(const lems::ir::network& net,
                                    const std::vector<detail::prepared_group>& prepared,
                                    const quantise_options& options) {
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
    run.progress = options.progress;
    run.progress_phase = "quantising: measuring value ranges";
    run.threads = options.threads;
    run.events_worth_threads = options.events_worth_threads;
    if (options.range_steps < 0) {
        run.max_work = range_run_budget; // large networks: their events count too
        run.min_steps = std::min<std::int64_t>(run.steps, 100);
    }
    return lems::ir::run(net, run);
}

// Everything the compilation of one group reads.
struct group_job {
    const lems::ir::network& net;
    const board& target;
    const quantise_options& options;
    std::size_t g;
    const detail::prepared_group& prepared;
    const lems::ir::group_ranges& ranges;
    const detail::connection_scales& scales;

    const lems::ir::neuron_group& group() const { return net.groups[g]; }
};

void report_channels(const std::vector<detail::channel_weights>& weights, compiled_group& compiled,
                     group_entry& entry) {
    for (const auto& w : weights) {
        compiled.channel_unit.push_back(w.unit);
        entry.channels.push_back(w.entry);
        if (w.entry.zero_weights > 0) {
            entry.warnings.push_back(w.entry.name + ": " + std::to_string(w.entry.zero_weights) +
                                     " weights become 0 at the channel's weight unit");
        }
        if (w.entry.saturated_weights > 0) {
            entry.warnings.push_back(w.entry.name + ": " +
                                     std::to_string(w.entry.saturated_weights) +
                                     " weights saturate the synaptic word");
        }
    }
}

// Input channels and state words against the board's neurons, before any code is generated.
void check_neuron_fits(const lems::ir::neuron_group& group, int state_words, const board& target) {
    const core_limits& core = target.core;
    if (static_cast<int>(group.inputs.size()) > core.input_channels) {
        throw capacity_error(group.label, group.label, "input channels per neuron",
                             group.inputs.size(), static_cast<std::uint64_t>(core.input_channels),
                             "needs " + std::to_string(group.inputs.size()) +
                                 " synaptic input channels per neuron; board " + target.name +
                                 "'s neurons have " + std::to_string(core.input_channels));
    }
    if (state_words > core.state_words_per_neuron) {
        throw capacity_error(group.label, group.label, "state words per neuron",
                             static_cast<std::uint64_t>(state_words),
                             static_cast<std::uint64_t>(core.state_words_per_neuron),
                             "needs " + std::to_string(state_words) +
                                 " state words per neuron; board " + target.name +
                                 "'s cores hold " + std::to_string(core.state_words_per_neuron));
    }
}

// The output port whose events the group's cores send as spikes: the first one emitted.
int spike_port_of(const std::vector<lems::ir::statement>& step) {
    for (const auto& s : step) {
        if (s.kind == lems::ir::statement_kind::emit) {
            return s.target;
        }
    }
    return 0;
}

detail::codegen_output generate_code(const group_job& job, const std::vector<bool>& live,
                                     const detail::group_bounds& bounds,
                                     const detail::state_layout& layout,
                                     const compiled_group& compiled) {
    detail::codegen_input in;
    in.group = &job.group();
    in.step = &job.prepared.step;
    in.live = live;
    in.bounds = &bounds;
    in.variable_format = compiled.format;
    in.slot = compiled.slot;
    in.scratch_words = layout.scratch_words;
    in.channel_unit = compiled.channel_unit;
    in.dt = job.net.dt;
    in.steps = job.net.steps;
    in.value_headroom_bits = job.options.value_headroom_bits;
    in.table_words = job.target.core.lookup_table_words;
    in.spike_port = spike_port_of(job.prepared.step);
    return detail::generate(in);
}

// The program's words and its commented text form.
void assemble(const detail::codegen_output& code, compiled_group& compiled) {
    for (std::size_t i = 0; i < code.code.size(); ++i) {
        std::uint32_t word = 0;
        firmware::isa::encode(code.code[i], word);
        compiled.program.push_back(word);
        if (!code.notes[i].empty()) {
            compiled.assembly += "; " + code.notes[i] + "\n";
        }
        compiled.assembly += "    " + to_text(code.code[i]) + "\n";
    }
}

std::int64_t table_words_of(const compiled_group& compiled) {
    std::int64_t words = 0;
    for (const auto& t : compiled.tables) {
        words += static_cast<std::int64_t>(t.samples.size());
    }
    return words;
}

// Program, constants and tables against the board's core memories.
void check_program_fits(const std::string& label, const compiled_group& compiled,
                        const board& target) {
    const core_limits& core = target.core;
    if (static_cast<std::int64_t>(compiled.program.size()) > core.program_words) {
        throw capacity_error(label, label, "program words", compiled.program.size(),
                             static_cast<std::uint64_t>(core.program_words),
                             "its program needs " + std::to_string(compiled.program.size()) +
                                 " instruction words; board " + target.name + "'s cores hold " +
                                 std::to_string(core.program_words));
    }
    if (static_cast<int>(compiled.constants.size()) > core.constant_words) {
        throw capacity_error(label, label, "constants", compiled.constants.size(),
                             static_cast<std::uint64_t>(core.constant_words),
                             "needs " + std::to_string(compiled.constants.size()) +
                                 " constants; board " + target.name + "'s cores hold " +
                                 std::to_string(core.constant_words));
    }
    const std::int64_t table_words = table_words_of(compiled);
    if (table_words > core.lookup_table_words) {
        throw capacity_error(
            label, label, "lookup table words", static_cast<std::uint64_t>(table_words),
            static_cast<std::uint64_t>(core.lookup_table_words),
            "its lookup tables need " + std::to_string(table_words) + " words; board " +
                target.name + "'s cores hold " + std::to_string(core.lookup_table_words));
    }
}

// Every neuron's state words at the start, with warnings for values that do not fit.
void set_initial_state(const lems::ir::neuron_group& group, compiled_group& compiled,
                       group_entry& entry) {
    const auto words = static_cast<std::size_t>(compiled.state_words);
    compiled.initial_state.assign(group.members.size() * words, 0);
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
            compiled.initial_state[n * words + static_cast<std::size_t>(slot)] = q.raw;
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
}

// One group: state words and formats, the program, its limits, the initial state; its report
// entry goes to `report`.
compiled_group compile_group(const group_job& job, quantisation_report& report) {
    const lems::ir::neuron_group& group = job.group();
    const auto& step = job.prepared.step;
    const detail::group_bounds bounds = detail::bound_group(
        group, step, job.ranges, job.scales.input_bounds[job.g], job.net.length, job.net.dt);
    const std::vector<bool> live = detail::live_statements(group, step);

    group_entry entry;
    entry.label = group.label;
    entry.component = group.component;
    entry.neurons = static_cast<int>(group.members.size());
    entry.integration = job.prepared.notes;

    const detail::state_layout layout =
        detail::lay_out_state(group, step, live, bounds, job.options.state_headroom_bits, entry);
    compiled_group compiled;
    compiled.group = static_cast<int>(job.g);
    compiled.slot = layout.slot;
    compiled.format = layout.format;
    compiled.state_words = layout.words;
    compiled.input_channels = static_cast<int>(group.inputs.size());
    report_channels(job.scales.weights[job.g], compiled, entry);
    check_neuron_fits(group, layout.words, job.target);

    detail::codegen_output code = generate_code(job, live, bounds, layout, compiled);
    assemble(code, compiled);
    compiled.constants = std::move(code.constants);
    compiled.tables = std::move(code.tables);
    check_program_fits(group.label, compiled, job.target);
    set_initial_state(group, compiled, entry);

    entry.program_words = static_cast<int>(compiled.program.size());
    entry.constants = static_cast<int>(compiled.constants.size());
    entry.table_words = static_cast<int>(table_words_of(compiled));
    entry.state_words = layout.words;
    entry.parameters = std::move(code.parameters);
    entry.tables = std::move(code.table_entries);
    entry.warnings.insert(entry.warnings.end(), code.warnings.begin(), code.warnings.end());
    report.groups.push_back(std::move(entry));
    return compiled;
}

} // namespace

std::uint32_t group_seed(std::int64_t simulation_seed, int group) {
    // The rand instruction's mix over the seed and the group's number, spread as steps are.
    return firmware::isa::mix32(
        static_cast<std::uint32_t>(simulation_seed) ^
        (static_cast<std::uint32_t>(group) * firmware::isa::random_step_spread));
}

compiled_network quantise(const lems::ir::network& net, const board& target,
                          const quantise_options& options) {
    compiled_network out;
    out.report = start_report(net, target, options);

    std::vector<detail::prepared_group> prepared;
    for (const auto& group : net.groups) {
        prepared.push_back(detail::prepare(group, net.dt, options.integrator));
    }
    const lems::ir::run_result ranges = measure_ranges(net, prepared, options);
    out.report.range_steps = ranges.steps;

    // Weights and delays of every connection, as the cores will carry them.
    detail::connection_scales scales = detail::scale_connections(net, target);
    out.max_weight = static_cast<std::int32_t>(detail::largest_code(target.core));
    out.min_weight = target.core.weights_signed ? -out.max_weight - 1 : 0;
    out.dt = net.dt;
    detail::measure_weight_errors(net, out.min_weight, out.max_weight, scales);
    detail::report_delays(net, target.core, out.report);

    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const group_job job{net, target, options, g, prepared[g], ranges.ranges[g], scales};
        out.groups.push_back(compile_group(job, out.report));
    }
    return out;
}

} // namespace sf::mapper
