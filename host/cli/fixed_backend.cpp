#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include <sf/emulator/fan_out.hpp>
#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/firmware/assert.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/synapse.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/partition.hpp>

#include "fixed_backend.hpp"

namespace sf::cli {
namespace {

namespace image = firmware::image;

std::size_t next_power_of_two(std::size_t n) {
    std::size_t p = 1;
    while (p < n) {
        p *= 2;
    }
    return p;
}

// One core's start-up data laid out as the arrays of a board image's core section, so that the
// cores start the way every executor starts them.
struct core_source {
    std::vector<std::uint32_t> program;
    std::vector<std::uint32_t> constants;
    std::vector<std::uint32_t> tables; // per table: x0, its shape word, its samples
    std::vector<std::uint32_t> initial_state;
    image::core_view section;
    std::string label; // the population and neurons it holds

    // Points the section's arrays at this core's vectors.
    const image::core_view& view() {
        section.program = program.data();
        section.program_words = static_cast<std::uint32_t>(program.size());
        section.constants = constants.data();
        section.constant_count = static_cast<std::uint32_t>(constants.size());
        section.tables = tables.data();
        section.initial_state = initial_state.data();
        return section;
    }
};

// Where each neuron of the network sits: its core, its index there, its global number.
struct placement {
    std::vector<std::vector<std::uint32_t>> global; // per group, per neuron
    std::vector<std::uint32_t> core_of;             // per global neuron
    std::vector<std::uint32_t> local;               // per global neuron
    std::vector<int> group_of_core;
    std::vector<std::uint32_t> first_of_core; // global number of each core's first neuron
    std::vector<std::size_t> ring;            // per core: its delay slots
    std::uint32_t neurons = 0;
};

// The longest ring each group's cores need.
std::vector<std::size_t> longest_delays(const lems::ir::network& net,
                                        const mapper::compiled_network& compiled) {
    std::vector<std::size_t> longest(net.groups.size(), 1);
    mapper::for_each_quantised(
        compiled, net.connections, [&](const mapper::quantised_connection& c) {
            auto& l = longest[static_cast<std::size_t>(c.target.group)];
            l = std::max<std::size_t>(l, static_cast<std::size_t>(c.delay_steps));
        });
    return longest;
}

core_source core_of_group(const mapper::compiled_group& cg, std::size_t first, std::size_t count) {
    core_source core;
    core.program = cg.program;
    for (std::int32_t c : cg.constants) {
        core.constants.push_back(static_cast<std::uint32_t>(c));
    }
    for (const auto& t : cg.tables) {
        core.tables.push_back(static_cast<std::uint32_t>(t.x0));
        core.tables.push_back(image::encode_shape({t.step, t.log2_intervals}));
        for (std::int32_t y : t.samples) {
            core.tables.push_back(static_cast<std::uint32_t>(y));
        }
    }
    core.section.table_count = static_cast<std::uint32_t>(cg.tables.size());
    core.section.neurons = static_cast<std::uint32_t>(count);
    core.section.state_words = static_cast<std::uint32_t>(cg.state_words);
    core.section.input_channels = static_cast<std::uint32_t>(cg.input_channels);
    const std::size_t words = static_cast<std::size_t>(cg.state_words);
    for (std::size_t k = first * words; k < (first + count) * words; ++k) {
        core.initial_state.push_back(static_cast<std::uint32_t>(cg.initial_state[k]));
    }
    core.section.first = static_cast<std::uint32_t>(first);
    return core;
}

// Each group split into cores of at most as many neurons as a core holds.
std::vector<core_source> split_into_cores(const lems::ir::network& net,
                                          const mapper::compiled_network& compiled,
                                          const mapper::board& board, placement& where) {
    const std::vector<std::size_t> longest = longest_delays(net, compiled);
    std::vector<core_source> cores;
    where.global.resize(net.groups.size());
    for (std::size_t g = 0; g < compiled.groups.size(); ++g) {
        const mapper::compiled_group& cg = compiled.groups[g];
        const lems::ir::neuron_group& group = net.groups[g];
        const std::size_t words = static_cast<std::size_t>(std::max(1, cg.state_words));
        const std::size_t per_core = std::max<std::size_t>(
            1, std::min<std::size_t>(
                   {static_cast<std::size_t>(board.core.neurons), firmware::max_neurons,
                    static_cast<std::size_t>(board.core.state_memory_words) / words}));
        const std::size_t slots =
            std::min<std::size_t>(next_power_of_two(longest[g]),
                                  static_cast<std::size_t>(mapper::ring_slots(board.core)));
        for (std::size_t first = 0; first < group.members.size(); first += per_core) {
            const std::size_t count = std::min(per_core, group.members.size() - first);
            core_source core = core_of_group(cg, first, count);
            core.section.delay_slots = static_cast<std::uint32_t>(slots);
            core.section.seed = mapper::group_seed(net.seed, static_cast<int>(g));
            core.label = group.population + "[" + std::to_string(group.members[first]) + ".." +
                         std::to_string(group.members[first + count - 1]) + "]";
            where.first_of_core.push_back(where.neurons);
            for (std::size_t n = 0; n < count; ++n) {
                where.global[g].push_back(where.neurons++);
                where.core_of.push_back(static_cast<std::uint32_t>(cores.size()));
                where.local.push_back(static_cast<std::uint32_t>(n));
            }
            where.group_of_core.push_back(static_cast<int>(g));
            where.ring.push_back(slots);
            cores.push_back(std::move(core));
        }
    }
    return cores;
}

// The quantiser sized every core within the kernel's limits: a core that refuses its
// configuration is a bug, not the user's model.
std::vector<std::unique_ptr<emulator::neuron_core>> start_cores(std::vector<core_source>& sources,
                                                                std::int64_t steps,
                                                                const fixed_run_options& options,
                                                                emulator::native_outcome& native) {
    std::vector<std::unique_ptr<emulator::neuron_core>> cores;
    std::vector<emulator::kernel_core*> kernels;
    for (std::size_t c = 0; c < sources.size(); ++c) {
        auto core = std::make_unique<emulator::kernel_core>(sources[c].view());
        if (core->status() != firmware::init_status::ok) {
            const std::string broken = "core " + std::to_string(c) + " (" + sources[c].label +
                                       ") starts: " + firmware::describe(core->status());
            firmware::assertion_failed(__FILE__, __LINE__, broken.c_str());
        }
        kernels.push_back(core.get());
        cores.push_back(std::move(core));
    }
    native = emulator::attach_native_code(
        kernels, options.native, static_cast<std::uint64_t>(std::max<std::int64_t>(0, steps)));
    return cores;
}

// Every connection as a synaptic word for its target core, by source neuron.
std::unique_ptr<emulator::fan_out> wire(const lems::ir::network& net,
                                        const mapper::compiled_network& compiled,
                                        const placement& where) {
    std::vector<std::uint32_t> offsets(where.neurons + 1, 0);
    for (const auto& p : net.connections.projections()) {
        for (std::uint32_t n : p.source) {
            ++offsets[where.global[static_cast<std::size_t>(p.source_group)][n] + 1];
        }
    }
    for (std::size_t k = 1; k < offsets.size(); ++k) {
        offsets[k] += offsets[k - 1];
    }
    std::vector<emulator::fan_out_target> targets(offsets.back());
    std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
    mapper::for_each_quantised(
        compiled, net.connections, [&](const mapper::quantised_connection& c) {
            const std::uint32_t source = where.global[static_cast<std::size_t>(c.source.group)]
                                                     [static_cast<std::size_t>(c.source.neuron)];
            const std::uint32_t target = where.global[static_cast<std::size_t>(c.target.group)]
                                                     [static_cast<std::size_t>(c.target.neuron)];
            const std::uint32_t core = where.core_of[target];
            const mapper::ring_split split =
                mapper::split_delay(c.delay_steps, static_cast<int>(where.ring[core]));
            firmware::synapse::fields f;
            f.weight = c.weight;
            f.delay = static_cast<std::uint32_t>(split.ring);
            f.channel = static_cast<std::uint32_t>(c.channel);
            f.target = where.local[target];
            emulator::fan_out_target t;
            t.core = core;
            t.hold = static_cast<std::uint32_t>(split.hold);
            if (!firmware::synapse::encode(f, t.word)) {
                throw mapper::compile_error(
                    net.groups[static_cast<std::size_t>(c.target.group)].label,
                    "a connection does not fit a synaptic word (weight " +
                        std::to_string(c.weight) + ", channel " + std::to_string(c.channel) + ")");
            }
            targets[fill[source]++] = t;
        });
    return std::make_unique<emulator::fan_out>(where.first_of_core, offsets, std::move(targets));
}

// What the simulation records: state words read after every step, converted back to SI, and the
// spikes of selected neurons.
class recorders {
public:
    recorders(const lems::ir::network& net, const mapper::compiled_network& compiled,
              const placement& where) {
        add_traces(net, compiled, where);
        listeners_.resize(where.neurons);
        for (std::size_t f = 0; f < net.events.size(); ++f) {
            const auto& e = net.events[f];
            events_.push_back(lems::recorded_events{e.path, e.id_first, {}});
            for (const auto& s : e.selections) {
                const std::uint32_t neuron =
                    where.global[static_cast<std::size_t>(s.neuron.group)]
                                [static_cast<std::size_t>(s.neuron.neuron)];
                listeners_[neuron].emplace_back(f, &s.id);
            }
        }
    }

    void record_state(double t, const emulator::lockstep_board& board) {
        for (std::size_t f = 0; f < traces_.size(); ++f) {
            auto& rows = traces_[f].rows;
            rows.push_back(static_cast<float>(t));
            for (const column_source& s : columns_[f]) {
                const double value =
                    s.constant
                        ? s.value
                        : static_cast<double>(board.core(s.core).state(s.neuron, s.slot)) * s.unit;
                rows.push_back(static_cast<float>(value));
            }
        }
    }

    void record_spikes(double t, const emulator::lockstep_board& board, const placement& where) {
        for (const emulator::spike& s : board.spikes()) {
            for (const auto& [file, id] : listeners_[where.first_of_core[s.core] + s.neuron]) {
                events_[file].events.emplace_back(t, *id);
            }
        }
    }

    std::vector<lems::recorded_trace> take_traces() { return std::move(traces_); }
    std::vector<lems::recorded_events> take_events() { return std::move(events_); }

private:
    struct column_source {
        std::size_t core = 0;
        std::size_t neuron = 0;
        std::size_t slot = 0;
        double unit = 0.0;
        bool constant = false;
        double value = 0.0;
    };

    void add_traces(const lems::ir::network& net, const mapper::compiled_network& compiled,
                    const placement& where) {
        for (const auto& t : net.traces) {
            lems::recorded_trace trace;
            trace.path = t.path;
            trace.columns = t.columns.size();
            trace.rows.reserve(static_cast<std::size_t>(net.steps + 1) * (trace.columns + 1));
            std::vector<column_source> sources;
            for (const auto& q : t.columns) {
                column_source s;
                if (q.variable < 0) {
                    s.constant = true;
                    s.value = q.value;
                } else {
                    const auto& cg = compiled.groups[static_cast<std::size_t>(q.neuron.group)];
                    const std::uint32_t neuron =
                        where.global[static_cast<std::size_t>(q.neuron.group)]
                                    [static_cast<std::size_t>(q.neuron.neuron)];
                    s.core = where.core_of[neuron];
                    s.neuron = where.local[neuron];
                    s.slot =
                        static_cast<std::size_t>(cg.slot[static_cast<std::size_t>(q.variable)]);
                    s.unit = cg.format[static_cast<std::size_t>(q.variable)].unit();
                }
                sources.push_back(s);
            }
            traces_.push_back(std::move(trace));
            columns_.push_back(std::move(sources));
        }
    }

    std::vector<lems::recorded_trace> traces_;
    std::vector<std::vector<column_source>> columns_;
    std::vector<lems::recorded_events> events_;
    std::vector<std::vector<std::pair<std::size_t, const std::string*>>> listeners_; // per neuron
};

// The board's counters as the summary reports them, with saturations and overflows by population.
void summarise(const emulator::lockstep_board& board, const lems::ir::network& net,
               const placement& where, fixed_run_summary& summary) {
    const emulator::board_counters counters = board.counters();
    summary.cores = board.core_count();
    summary.threads = board.threads();
    summary.neurons = where.neurons;
    summary.spikes = counters.cores.spikes;
    summary.synaptic_events = counters.cores.delivered_words;
    summary.saturations = counters.cores.saturations;
    summary.input_overflows = counters.cores.input_overflows;
    summary.dropped_words = counters.cores.dropped_words;
    summary.program_faults = counters.cores.program_faults;
    summary.held_words = counters.held_words;
    summary.update_seconds = counters.update_seconds;
    summary.delivery_seconds = counters.delivery_seconds;
    if (const auto [core, fault] = board.first_fault(); fault.happened) {
        summary.first_fault =
            "core " + std::to_string(core) + " (population " +
            net.groups[static_cast<std::size_t>(where.group_of_core[core])].label + "), neuron " +
            std::to_string(fault.neuron) + ", instruction " + std::to_string(fault.instruction) +
            ", step " + std::to_string(fault.step);
    }
    std::vector<std::pair<std::uint64_t, std::uint64_t>> by_group(net.groups.size());
    for (std::size_t c = 0; c < board.core_count(); ++c) {
        const auto& k = board.core(c).counters();
        auto& [saturated, overflowed] = by_group[static_cast<std::size_t>(where.group_of_core[c])];
        saturated += k.saturations;
        overflowed += k.input_overflows;
    }
    for (std::size_t g = 0; g < by_group.size(); ++g) {
        if (by_group[g].first + by_group[g].second > 0) {
            summary.trouble.push_back(net.groups[g].label + ": " +
                                      std::to_string(by_group[g].first) + " saturated results, " +
                                      std::to_string(by_group[g].second) + " input overflows");
        }
    }
}

} // namespace

fixed_run_summary run_fixed(const lems::model& model, const mapper::board& board,
                            const fixed_run_options& options) {
    using clock = std::chrono::steady_clock;
    const auto compile_start = clock::now();
    lems::flatten_options flat;
    flat.output_dir = options.output_dir;
    lems::report_progress(options.progress, "flattening");
    const lems::ir::network net = lems::flatten(model, flat);
    lems::report_progress(options.progress, "quantising");
    mapper::quantise_options quantising = options.quantise;
    quantising.progress = options.progress;
    mapper::compiled_network compiled = mapper::quantise(net, board, quantising);

    fixed_run_summary summary;
    summary.simulation = net.simulation;
    summary.steps = net.steps;
    summary.dt = net.dt;

    placement where;
    std::vector<core_source> sources = split_into_cores(net, compiled, board, where);
    const std::unique_ptr<emulator::fan_out> wiring = wire(net, compiled, where);
    emulator::lockstep_board cores(start_cores(sources, net.steps, options, summary.native_code),
                                   *wiring, options.threads, options.side_by_side);
    recorders recording(net, compiled, where);
    summary.compile_seconds = std::chrono::duration<double>(clock::now() - compile_start).count();

    const auto run_start = clock::now();
    double t = 0.0;
    recording.record_state(t, cores);
    const auto total = static_cast<std::uint64_t>(net.steps);
    for (std::int64_t step = 1; step <= net.steps; ++step) {
        if (static_cast<std::uint64_t>(step - 1) % lems::progress_interval_steps == 0) {
            lems::report_progress(options.progress, "running", static_cast<std::uint64_t>(step - 1),
                                  total, "steps");
        }
        // Accumulated, as the reference simulator records it, unless asked for step x dt.
        t = options.step_times ? static_cast<double>(step) * net.dt : t + net.dt;
        cores.step();
        recording.record_spikes(t, cores, where);
        recording.record_state(t, cores);
    }
    summary.run_seconds = std::chrono::duration<double>(clock::now() - run_start).count();

    summarise(cores, net, where, summary);
    summary.report = std::move(compiled.report);
    summary.traces = recording.take_traces();
    summary.events = recording.take_events();
    lems::report_finished(options.progress);
    return summary;
}

} // namespace sf::cli
