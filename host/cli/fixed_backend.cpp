#include <algorithm>
#include <chrono>
#include <cmath>

#include <sf/emulator/core_array.hpp>
#include <sf/firmware/synapse.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/partition.hpp>

#include "fixed_backend.hpp"

namespace sf::cli {
namespace {

std::size_t next_power_of_two(std::size_t n) {
    std::size_t p = 1;
    while (p < n) {
        p *= 2;
    }
    return p;
}

// Where one neuron of the network sits: its core, its index there, its global number.
struct placement {
    std::vector<std::vector<std::uint32_t>> global; // per group, per neuron
    std::vector<std::uint32_t> core_of;             // per global neuron
    std::vector<std::uint32_t> local;               // per global neuron
    std::vector<int> group_of_core;
};

} // namespace

fixed_run_summary run_fixed(const lems::model& model, const mapper::board& board, const fixed_run_options& options) {
    using clock = std::chrono::steady_clock;
    const auto compile_start = clock::now();
    lems::flatten_options flat;
    flat.output_dir = options.output_dir;
    const lems::ir::network net = lems::flatten(model, flat);
    mapper::compiled_network compiled = mapper::quantise(net, board, options.quantise);

    fixed_run_summary summary;
    summary.simulation = net.simulation;
    summary.steps = net.steps;
    summary.dt = net.dt;

    // The longest ring each group's cores need.
    std::vector<std::size_t> longest(net.groups.size(), 1);
    mapper::for_each_quantised(compiled, net.connections, [&](const mapper::quantised_connection& c) {
        auto& l = longest[static_cast<std::size_t>(c.target.group)];
        l = std::max<std::size_t>(l, static_cast<std::size_t>(c.delay_steps));
    });

    // Each group split into cores of at most as many neurons as a core holds.
    std::vector<emulator::core_image> images;
    placement where;
    where.global.resize(net.groups.size());
    std::uint32_t global = 0;
    for (std::size_t g = 0; g < compiled.groups.size(); ++g) {
        const mapper::compiled_group& cg = compiled.groups[g];
        const lems::ir::neuron_group& group = net.groups[g];
        const std::size_t words = static_cast<std::size_t>(std::max(1, cg.state_words));
        const std::size_t per_core = std::max<std::size_t>(
            1, std::min<std::size_t>({static_cast<std::size_t>(board.core.neurons), firmware::max_neurons,
                                      static_cast<std::size_t>(board.core.state_memory_words) / words}));
        const std::size_t slots = std::min<std::size_t>(next_power_of_two(longest[g]),
                                                        static_cast<std::size_t>(mapper::ring_slots(board.core)));
        for (std::size_t first = 0; first < group.members.size(); first += per_core) {
            const std::size_t count = std::min(per_core, group.members.size() - first);
            emulator::core_image image;
            image.program = cg.program;
            image.constants = cg.constants;
            for (const auto& t : cg.tables) {
                image.tables.push_back({t.x0, t.step, t.log2_intervals, t.samples});
            }
            image.neurons = count;
            image.state_words = static_cast<std::size_t>(cg.state_words);
            image.input_channels = static_cast<std::size_t>(cg.input_channels);
            image.delay_slots = slots;
            const auto begin = cg.initial_state.begin() + static_cast<std::ptrdiff_t>(first * image.state_words);
            image.initial_state.assign(begin, begin + static_cast<std::ptrdiff_t>(count * image.state_words));
            image.seed = mapper::group_seed(net.seed, static_cast<int>(g));
            image.first_neuron = static_cast<std::uint32_t>(first);
            image.label = group.population + "[" + std::to_string(group.members[first]) + ".." +
                          std::to_string(group.members[first + count - 1]) + "]";
            for (std::size_t n = 0; n < count; ++n) {
                where.global[g].push_back(global++);
                where.core_of.push_back(static_cast<std::uint32_t>(images.size()));
                where.local.push_back(static_cast<std::uint32_t>(n));
            }
            where.group_of_core.push_back(static_cast<int>(g));
            images.push_back(std::move(image));
        }
    }
    std::vector<std::size_t> ring(images.size());
    for (std::size_t c = 0; c < images.size(); ++c) {
        ring[c] = images[c].delay_slots;
    }
    emulator::core_array cores(std::move(images));
    if (!cores.ready()) {
        throw mapper::compile_error("", cores.problem());
    }

    // Every connection as a synaptic word for its target core, by source neuron.
    {
        std::vector<std::uint32_t> offsets(global + 1, 0);
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
        mapper::for_each_quantised(compiled, net.connections, [&](const mapper::quantised_connection& c) {
            const std::uint32_t source =
                where.global[static_cast<std::size_t>(c.source.group)][static_cast<std::size_t>(c.source.neuron)];
            const std::uint32_t target =
                where.global[static_cast<std::size_t>(c.target.group)][static_cast<std::size_t>(c.target.neuron)];
            const std::uint32_t core = where.core_of[target];
            const mapper::ring_split split = mapper::split_delay(c.delay_steps, static_cast<int>(ring[core]));
            firmware::synapse::fields f;
            f.weight = c.weight;
            f.delay = static_cast<std::uint32_t>(split.ring);
            f.channel = static_cast<std::uint32_t>(c.channel);
            f.target = where.local[target];
            emulator::fan_out_target t;
            t.core = core;
            t.hold = static_cast<std::uint32_t>(split.hold);
            if (!firmware::synapse::encode(f, t.word)) {
                throw mapper::compile_error(net.groups[static_cast<std::size_t>(c.target.group)].label,
                                            "a connection does not fit a synaptic word (weight " + std::to_string(c.weight) +
                                                ", channel " + std::to_string(c.channel) + ")");
            }
            targets[fill[source]++] = t;
        });
        cores.set_fan_out(std::move(offsets), std::move(targets));
    }

    // Recorders: state words read after every step, converted back to SI.
    struct column_source {
        std::size_t core = 0;
        std::size_t neuron = 0;
        std::size_t slot = 0;
        double unit = 0.0;
        bool constant = false;
        double value = 0.0;
    };
    std::vector<lems::recorded_trace> traces;
    std::vector<std::vector<column_source>> columns;
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
                    where.global[static_cast<std::size_t>(q.neuron.group)][static_cast<std::size_t>(q.neuron.neuron)];
                s.core = where.core_of[neuron];
                s.neuron = where.local[neuron];
                s.slot = static_cast<std::size_t>(cg.slot[static_cast<std::size_t>(q.variable)]);
                s.unit = cg.format[static_cast<std::size_t>(q.variable)].unit();
            }
            sources.push_back(s);
        }
        traces.push_back(std::move(trace));
        columns.push_back(std::move(sources));
    }
    std::vector<lems::recorded_events> events;
    std::vector<std::vector<std::pair<std::size_t, const std::string*>>> listeners(global);
    for (std::size_t f = 0; f < net.events.size(); ++f) {
        const auto& e = net.events[f];
        events.push_back(lems::recorded_events{e.path, e.id_first, {}});
        for (const auto& s : e.selections) {
            const std::uint32_t neuron =
                where.global[static_cast<std::size_t>(s.neuron.group)][static_cast<std::size_t>(s.neuron.neuron)];
            listeners[neuron].emplace_back(f, &s.id);
        }
    }
    auto record = [&](double t) {
        for (std::size_t f = 0; f < traces.size(); ++f) {
            auto& rows = traces[f].rows;
            rows.push_back(static_cast<float>(t));
            for (const column_source& s : columns[f]) {
                const double value =
                    s.constant ? s.value : static_cast<double>(cores.core(s.core).state(s.neuron, s.slot)) * s.unit;
                rows.push_back(static_cast<float>(value));
            }
        }
    };
    summary.compile_seconds = std::chrono::duration<double>(clock::now() - compile_start).count();

    const auto run_start = clock::now();
    double t = 0.0;
    record(t);
    for (std::int64_t step = 1; step <= net.steps; ++step) {
        t += net.dt; // accumulated, as the reference simulator does
        cores.step();
        for (std::uint32_t neuron : cores.spikes()) {
            for (const auto& [file, id] : listeners[neuron]) {
                events[file].events.emplace_back(t, *id);
            }
        }
        record(t);
    }
    summary.run_seconds = std::chrono::duration<double>(clock::now() - run_start).count();

    const emulator::array_counters counters = cores.counters();
    summary.cores = cores.core_count();
    summary.neurons = global;
    summary.spikes = counters.cores.spikes;
    summary.synaptic_events = counters.cores.delivered_words;
    summary.saturations = counters.cores.saturations;
    summary.input_overflows = counters.cores.input_overflows;
    summary.dropped_words = counters.cores.dropped_words;
    summary.program_faults = counters.cores.program_faults;
    summary.held_words = counters.held_words;
    summary.update_seconds = counters.update_seconds;
    summary.delivery_seconds = counters.delivery_seconds;
    if (const auto [core, fault] = cores.first_fault(); fault.happened) {
        summary.first_fault = "core " + std::to_string(core) + " (population " +
                              net.groups[static_cast<std::size_t>(where.group_of_core[core])].label + "), neuron " +
                              std::to_string(fault.neuron) + ", instruction " + std::to_string(fault.instruction) +
                              ", step " + std::to_string(fault.step);
    }
    {
        std::vector<std::pair<std::uint64_t, std::uint64_t>> by_group(net.groups.size());
        for (std::size_t c = 0; c < cores.core_count(); ++c) {
            const auto& k = cores.core(c).counters();
            auto& [saturated, overflowed] = by_group[static_cast<std::size_t>(where.group_of_core[c])];
            saturated += k.saturations;
            overflowed += k.input_overflows;
        }
        for (std::size_t g = 0; g < by_group.size(); ++g) {
            if (by_group[g].first + by_group[g].second > 0) {
                summary.trouble.push_back(net.groups[g].label + ": " + std::to_string(by_group[g].first) +
                                          " saturated results, " + std::to_string(by_group[g].second) + " input overflows");
            }
        }
    }
    summary.report = std::move(compiled.report);
    summary.traces = std::move(traces);
    summary.events = std::move(events);
    return summary;
}

} // namespace sf::cli
