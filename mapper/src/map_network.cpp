#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <sf/firmware/assert.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/map_network.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_check.hpp>
#include <sf/mapper/routing_compress.hpp>
#include <sf/mapper/routing_keys.hpp>

namespace sf::mapper {
namespace {

// A group's label as the image carries it: `population[first..last]` when its cells are one run,
// else every run of its cells (`population[0..3,7,9..12]`), so that a host can tell each cell's
// routing key.
std::string image_label(const lems::ir::neuron_group& g) {
    const auto& cells = g.members;
    if (cells.empty() || cells.back() - cells.front() + 1 == static_cast<int>(cells.size())) {
        return g.label;
    }
    std::string runs;
    for (std::size_t i = 0; i < cells.size();) {
        std::size_t j = i;
        while (j + 1 < cells.size() && cells[j + 1] == cells[j] + 1) {
            ++j;
        }
        runs += (runs.empty() ? "" : ",") + std::to_string(cells[i]) +
                (j > i ? ".." + std::to_string(cells[j]) : std::string());
        i = j + 1;
    }
    return g.population + "[" + runs + "]";
}

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
    const std::uint64_t needed =
        (static_cast<std::uint64_t>(slices) + static_cast<std::uint64_t>(per_board) - 1) /
        static_cast<std::uint64_t>(per_board);
    if (needed > static_cast<std::uint64_t>(max_join_count)) {
        throw capacity_error("placement", asked.name, "joined boards", needed,
                             static_cast<std::uint64_t>(max_join_count),
                             std::to_string(slices) + " slices need " + std::to_string(slices) +
                                 " application cores, " + std::to_string(needed) + " " +
                                 asked.name + " boards of " + std::to_string(per_board) +
                                 "; at most " + std::to_string(max_join_count) +
                                 " boards can be joined");
    }
    board joined = join(asked, static_cast<int>(std::max<std::uint64_t>(needed, 1)));
    joined.join_as_needed = false;
    return joined;
}

// Runs one phase of the mapping, storing its wall-clock seconds in `seconds`; returns what the
// phase returns.
template <class Phase>
auto timed(double& seconds, Phase&& phase) {
    const clock::time_point started = clock::now();
    if constexpr (std::is_void_v<decltype(phase())>) {
        phase();
        seconds = seconds_since(started);
    } else {
        auto result = phase();
        seconds = seconds_since(started);
        return result;
    }
}

// The slices' neuron counts, each the size of its key space.
std::vector<int> neurons_per_slice(const partition_result& parts) {
    std::vector<int> neurons;
    for (const slice& s : parts.slices) {
        neurons.push_back(s.count);
    }
    return neurons;
}

placement_result place_slices(const board& machine, const partition_result& parts,
                              const std::vector<slice_traffic>& traffic,
                              const placement_options& options) {
    placement_options placing = options;
    placing.groups.clear();
    for (const slice& s : parts.slices) {
        placing.groups.push_back(s.group);
    }
    return place_detailed(machine, parts.slices.size(), traffic, placing);
}

// Every slice as a multicast source: its keys, its core and the cores of the slices it sends to.
std::vector<multicast_source> multicast_sources(const std::vector<key_space>& keys,
                                                const placement_result& placed,
                                                const std::vector<slice_traffic>& traffic) {
    std::vector<multicast_source> sources(keys.size());
    for (std::size_t s = 0; s < keys.size(); ++s) {
        sources[s].keys = keys[s];
        sources[s].source = placed.cores[s];
    }
    for (const slice_traffic& t : traffic) {
        sources[static_cast<std::size_t>(t.source)].targets.push_back(
            placed.cores[static_cast<std::size_t>(t.target)]);
    }
    return sources;
}

// The tables were built by the mapper from these sources: one that does not deliver is a bug.
void assert_delivers(const board& machine, const std::vector<routing_table>& tables,
                     const std::vector<multicast_source>& sources) {
    const route_check check = check_routes(machine, tables, sources);
    if (!check.ok()) {
        const std::string invariant =
            "the routing tables the mapper built deliver every spike once; they do not: " +
            check.what;
        firmware::assertion_failed(__FILE__, __LINE__, invariant.c_str());
    }
}

void report_routes(const board& machine, const std::vector<routing_table>& trees,
                   const std::vector<routing_table>& tables, mapping_report& report) {
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const chip* c = machine.find_chip(tables[t].chip);
        report.routes.push_back(
            {tables[t].chip, trees[t].entries.size(), tables[t].entries.size(),
             static_cast<std::size_t>(c != nullptr ? c->application_router_entries : 0)});
    }
}

// Link load assuming every neuron spikes once per second of model time.
void report_link_loads(const board& machine, const lems::ir::network& net,
                       const partition_result& parts, const std::vector<routing_table>& tables,
                       const std::vector<multicast_source>& sources, mapping_report& report) {
    std::vector<double> rates;
    for (const slice& s : parts.slices) {
        rates.push_back(static_cast<double>(s.count) * net.dt);
    }
    for (const link_load& l : link_loads(machine, tables, sources, rates)) {
        if (l.packets_per_step > 0.0) {
            report.links.push_back(l);
        }
    }
    report.link_load_basis = "packets per step if every neuron fires at 1 Hz";
}

// Routes every slice's spikes to the slices it has synapses onto: trees, tables compressed under
// each router's limit, then checked. Returns the sources, keys included.
std::vector<multicast_source> route(const lems::ir::network& net, const placement_result& placed,
                                    const std::vector<slice_traffic>& traffic, mapped_network& m) {
    const board& machine = m.machine;
    const std::vector<key_space> keys = allocate_keys(neurons_per_slice(m.parts));
    std::vector<multicast_source> sources = multicast_sources(keys, placed, traffic);
    const std::vector<routing_table> trees = build_routes(machine, sources);
    m.tables = compress_routes(machine, trees, sources);
    assert_delivers(machine, m.tables, sources);
    report_routes(machine, trees, m.tables, m.report);
    report_link_loads(machine, net, m.parts, m.tables, sources, m.report);
    return sources;
}

// Each slice's core: where it is, its neurons, keys and synaptic matrix.
void build_cores(const lems::ir::network& net, const incoming_synapses& incoming, int slots,
                 const placement_result& placed, const std::vector<multicast_source>& sources,
                 mapped_network& m, const map_options& options) {
    std::vector<std::uint32_t> slice_keys;
    std::vector<std::uint32_t> slice_masks;
    for (const multicast_source& s : sources) {
        slice_keys.push_back(s.keys.key);
        slice_masks.push_back(s.keys.mask);
    }
    std::vector<synaptic_matrix> matrices = build_synaptic_matrices(
        incoming, m.parts, slice_keys, slice_masks, options.progress, options.threads);
    for (std::size_t s = 0; s < m.parts.slices.size(); ++s) {
        const slice& sl = m.parts.slices[s];
        mapped_core core;
        core.where = placed.cores[s];
        core.group = sl.group;
        core.first = sl.first;
        core.count = sl.count;
        core.keys = sources[s].keys;
        core.sends = !sources[s].targets.empty();
        core.seed = group_seed(net.seed, sl.group);
        core.delay_slots = slots;
        core.matrix = std::move(matrices[s]);
        m.report.cores.push_back(
            {core.where, core.count, core.matrix.words.size(), core.matrix.bytes()});
        m.cores.push_back(std::move(core));
    }
}

void report_use(mapped_network& m) {
    std::map<chip_coordinates, int> chips_used;
    for (const mapped_core& core : m.cores) {
        ++chips_used[core.where.chip];
    }
    m.report.cores_used = m.cores.size();
    m.report.cores_available = static_cast<std::size_t>(m.machine.application_core_count());
    m.report.chips_used = chips_used.size();
}

// Recorded neurons by core and local index.
class recording_locator {
public:
    explicit recording_locator(const mapped_network& m) : m_(m) {}

    mapped_trace trace(const lems::ir::trace_output& t) const;
    mapped_events events(const lems::ir::event_output& e) const;

private:
    std::pair<int, int> locate(const lems::ir::neuron_ref& n) const {
        const int s =
            m_.parts
                .slice_of[static_cast<std::size_t>(n.group)][static_cast<std::size_t>(n.neuron)];
        return std::make_pair(s, n.neuron - m_.parts.slices[static_cast<std::size_t>(s)].first);
    }

    const mapped_network& m_;
};

mapped_trace recording_locator::trace(const lems::ir::trace_output& t) const {
    mapped_trace trace;
    trace.path = t.path.lexically_normal().generic_string();
    for (const auto& q : t.columns) {
        mapped_column column;
        if (q.variable < 0) {
            column.unit = q.value;
        } else {
            const auto [core, neuron] = locate(q.neuron);
            const compiled_group& g = m_.compiled.groups[static_cast<std::size_t>(q.neuron.group)];
            column.core = core;
            column.neuron = neuron;
            column.slot = g.slot[static_cast<std::size_t>(q.variable)];
            column.unit = g.format[static_cast<std::size_t>(q.variable)].unit();
        }
        trace.columns.push_back(column);
    }
    return trace;
}

mapped_events recording_locator::events(const lems::ir::event_output& e) const {
    mapped_events events;
    events.path = e.path.lexically_normal().generic_string();
    events.id_first = e.id_first;
    for (const auto& s : e.selections) {
        const auto [core, neuron] = locate(s.neuron);
        events.selections.push_back({core, neuron, s.id});
    }
    return events;
}

void locate_recordings(const lems::ir::network& net, mapped_network& m) {
    const recording_locator locator(m);
    for (const auto& t : net.traces) {
        m.traces.push_back(locator.trace(t));
    }
    for (const auto& e : net.events) {
        m.events.push_back(locator.events(e));
    }
}

} // namespace

mapped_network map_network(const lems::ir::network& net, const board& asked,
                           const map_options& options) {
    mapped_network m;
    m.dt = net.dt;
    m.steps = net.steps;
    m.seed = net.seed;
    for (const auto& g : net.groups) {
        m.group_labels.push_back(image_label(g));
    }
    mapping_report& report = m.report;
    const lems::progress_callback& progress = options.progress;
    lems::report_progress(progress, "quantising");
    quantise_options quantising = options.quantise;
    if (!quantising.progress) {
        quantising.progress = progress;
    }
    quantising.threads = options.threads;
    m.compiled = timed(report.quantise_seconds, [&] { return quantise(net, asked, quantising); });

    const int slots = ring_slots(asked.core);
    lems::report_progress(progress, "partitioning");
    const incoming_synapses incoming = timed(report.partition_seconds, [&] {
        incoming_synapses in = index_incoming(net, m.compiled, slots, progress, options.threads);
        m.parts = partition(net, m.compiled, in, asked.core, options.threads);
        return in;
    });
    m.machine = machine_for(asked, m.parts.slices.size());
    report.board = m.machine.name;

    std::vector<slice_traffic> traffic;
    lems::report_progress(progress, "placing");
    const placement_result placed = timed(report.placement_seconds, [&] {
        traffic = synapses_between_slices(incoming, m.parts);
        return place_slices(m.machine, m.parts, traffic, options.placement);
    });
    report.placement_cost = placed.cost;
    report.constructive_cost = placed.constructive_cost;

    lems::report_progress(progress, "routing");
    const std::vector<multicast_source> sources =
        timed(report.routing_seconds, [&] { return route(net, placed, traffic, m); });
    lems::report_progress(progress, "building cores");
    timed(report.matrix_seconds,
          [&] { build_cores(net, incoming, slots, placed, sources, m, options); });
    report_use(m);
    locate_recordings(net, m);
    return m;
}

} // namespace sf::mapper
