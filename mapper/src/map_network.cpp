#include <algorithm>
#include <chrono>
#include <map>

#include <sf/mapper/board_join.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/map_network.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_check.hpp>
#include <sf/mapper/routing_compress.hpp>
#include <sf/mapper/routing_keys.hpp>

namespace sf::mapper {
namespace {

using clock = std::chrono::steady_clock;

double seconds_since(clock::time_point start) {
    return std::chrono::duration<double>(clock::now() - start).count();
}

// The machine the slices are placed on: the board itself, or for a board asked for "x auto" as
// many copies joined as give every slice an application core. The partition depends only on the
// core's limits, which joining does not change, so it is known before the count is.
board machine_for(const board& asked, std::size_t slices) {
    if (!asked.join_as_needed) {
        return asked;
    }
    const std::int64_t per_board = asked.application_core_count();
    if (per_board <= 0) {
        return asked; // placement names the missing cores
    }
    const std::uint64_t needed = (static_cast<std::uint64_t>(slices) + static_cast<std::uint64_t>(per_board) - 1) /
                                 static_cast<std::uint64_t>(per_board);
    if (needed > static_cast<std::uint64_t>(max_join_count)) {
        throw compile_error("placement", std::to_string(slices) + " slices need " + std::to_string(slices) +
                                             " application cores, " + std::to_string(needed) + " " + asked.name +
                                             " boards of " + std::to_string(per_board) + "; at most " +
                                             std::to_string(max_join_count) + " boards can be joined");
    }
    board joined = join(asked, static_cast<int>(std::max<std::uint64_t>(needed, 1)));
    joined.join_as_needed = false;
    return joined;
}

} // namespace

mapped_network map_network(const lems::ir::network& net, const board& asked, const map_options& options) {
    mapped_network m;
    m.dt = net.dt;
    m.steps = net.steps;
    m.seed = net.seed;
    for (const auto& g : net.groups) {
        m.group_labels.push_back(g.label);
    }
    auto started = clock::now();
    m.compiled = quantise(net, asked, options.quantise);
    mapping_report& report = m.report;
    report.quantise_seconds = seconds_since(started);

    started = clock::now();
    const int slots = ring_slots(asked.core);
    const incoming_synapses incoming = index_incoming(net, m.compiled, slots);
    m.parts = partition(net, m.compiled, incoming, asked.core);
    report.partition_seconds = seconds_since(started);
    const std::size_t slices = m.parts.slices.size();
    m.machine = machine_for(asked, slices);
    const board& machine = m.machine;
    report.board = machine.name;

    // Placement by synapses between slices.
    started = clock::now();
    const std::vector<slice_traffic> traffic = synapses_between_slices(incoming, m.parts);
    placement_options placing = options.placement;
    placing.groups.clear();
    for (const slice& s : m.parts.slices) {
        placing.groups.push_back(s.group);
    }
    const placement_result placed = place_detailed(machine, slices, traffic, placing);
    report.placement_seconds = seconds_since(started);
    report.placement_cost = placed.cost;
    report.constructive_cost = placed.constructive_cost;

    // Keys, trees, tables.
    started = clock::now();
    std::vector<int> neurons;
    for (const slice& s : m.parts.slices) {
        neurons.push_back(s.count);
    }
    const std::vector<key_space> keys = allocate_keys(neurons);
    std::vector<multicast_source> sources(slices);
    for (std::size_t s = 0; s < slices; ++s) {
        sources[s].keys = keys[s];
        sources[s].source = placed.cores[s];
    }
    for (const slice_traffic& t : traffic) {
        sources[static_cast<std::size_t>(t.source)].targets.push_back(placed.cores[static_cast<std::size_t>(t.target)]);
    }
    const std::vector<routing_table> trees = build_routes(machine, sources);
    m.tables = compress_routes(machine, trees, sources);
    const route_check check = check_routes(machine, m.tables, sources);
    if (!check.ok()) {
        throw compile_error("", std::string("the routing tables do not deliver every spike once: ") + check.what);
    }
    for (std::size_t t = 0; t < m.tables.size(); ++t) {
        const chip* c = machine.find_chip(m.tables[t].chip);
        report.routes.push_back({m.tables[t].chip, trees[t].entries.size(), m.tables[t].entries.size(),
                                 static_cast<std::size_t>(c != nullptr ? c->application_router_entries : 0)});
    }
    // Link load assuming every neuron spikes once per second of model time.
    std::vector<double> rates;
    for (const slice& s : m.parts.slices) {
        rates.push_back(static_cast<double>(s.count) * net.dt);
    }
    for (const link_load& l : link_loads(machine, m.tables, sources, rates)) {
        if (l.packets_per_step > 0.0) {
            report.links.push_back(l);
        }
    }
    report.link_load_basis = "packets per step if every neuron fires at 1 Hz";
    report.routing_seconds = seconds_since(started);

    // Synaptic matrices and the cores.
    started = clock::now();
    std::vector<std::uint32_t> slice_keys;
    std::vector<std::uint32_t> slice_masks;
    for (const key_space& k : keys) {
        slice_keys.push_back(k.key);
        slice_masks.push_back(k.mask);
    }
    std::vector<synaptic_matrix> matrices = build_synaptic_matrices(incoming, m.parts, slice_keys, slice_masks);
    std::map<chip_coordinates, int> chips_used;
    for (std::size_t s = 0; s < slices; ++s) {
        const slice& sl = m.parts.slices[s];
        mapped_core core;
        core.where = placed.cores[s];
        core.group = sl.group;
        core.first = sl.first;
        core.count = sl.count;
        core.keys = keys[s];
        core.sends = !sources[s].targets.empty();
        core.seed = group_seed(net.seed, sl.group);
        core.delay_slots = slots;
        core.matrix = std::move(matrices[s]);
        report.cores.push_back({core.where, core.count, core.matrix.words.size(), core.matrix.bytes()});
        ++chips_used[core.where.chip];
        m.cores.push_back(std::move(core));
    }
    report.matrix_seconds = seconds_since(started);
    report.cores_used = slices;
    report.cores_available = static_cast<std::size_t>(machine.application_core_count());
    report.chips_used = chips_used.size();

    // Recordings: neurons by core and local index.
    auto locate = [&](const lems::ir::neuron_ref& n) {
        const int s = m.parts.slice_of[static_cast<std::size_t>(n.group)][static_cast<std::size_t>(n.neuron)];
        return std::make_pair(s, n.neuron - m.parts.slices[static_cast<std::size_t>(s)].first);
    };
    for (const auto& t : net.traces) {
        mapped_trace trace;
        trace.path = t.path.lexically_normal().generic_string();
        for (const auto& q : t.columns) {
            mapped_column column;
            if (q.variable < 0) {
                column.unit = q.value;
            } else {
                const auto [core, neuron] = locate(q.neuron);
                const compiled_group& g = m.compiled.groups[static_cast<std::size_t>(q.neuron.group)];
                column.core = core;
                column.neuron = neuron;
                column.slot = g.slot[static_cast<std::size_t>(q.variable)];
                column.unit = g.format[static_cast<std::size_t>(q.variable)].unit();
            }
            trace.columns.push_back(column);
        }
        m.traces.push_back(std::move(trace));
    }
    for (const auto& e : net.events) {
        mapped_events events;
        events.path = e.path.lexically_normal().generic_string();
        events.id_first = e.id_first;
        for (const auto& s : e.selections) {
            const auto [core, neuron] = locate(s.neuron);
            events.selections.push_back({core, neuron, s.id});
        }
        m.events.push_back(std::move(events));
    }
    return m;
}

} // namespace sf::mapper
