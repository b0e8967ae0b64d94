#include <map>
#include <utility>

#include "map_report.hpp"
#include "quantisation_json.hpp"

namespace sf::cli {
using json = nlohmann::ordered_json;

namespace {

json chip_json(mapper::chip_coordinates chip) { return {{"x", chip.x}, {"y", chip.y}}; }

json cores_json(const mapper::mapped_network& mapped) {
    json list = json::array();
    for (std::size_t k = 0; k < mapped.cores.size(); ++k) {
        const mapper::mapped_core& c = mapped.cores[k];
        const mapper::core_load& load = mapped.report.cores[k];
        list.push_back({{"chip", chip_json(c.where.chip)},
                        {"core", c.where.core},
                        {"population", mapped.group_labels[static_cast<std::size_t>(c.group)]},
                        {"first_neuron", c.first},
                        {"neurons", c.count},
                        {"synapses", load.synapses},
                        {"synaptic_bytes", load.synaptic_bytes}});
    }
    return list;
}

// Per chip that holds a used core or a routing entry: cores used and the table's entries.
json chips_json(const mapper::mapped_network& mapped) {
    std::map<std::pair<int, int>, std::size_t> cores_on;
    for (const mapper::mapped_core& c : mapped.cores) {
        ++cores_on[{c.where.chip.x, c.where.chip.y}];
    }
    json list = json::array();
    for (const mapper::chip_routes& r : mapped.report.routes) {
        const auto used = cores_on.find({r.chip.x, r.chip.y});
        const std::size_t cores = used == cores_on.end() ? 0 : used->second;
        if (cores == 0 && r.before == 0) {
            continue;
        }
        list.push_back({{"chip", chip_json(r.chip)},
                        {"cores_used", cores},
                        {"routing_entries_before", r.before},
                        {"routing_entries", r.after},
                        {"routing_capacity", r.limit}});
    }
    return list;
}

json routing_json(const mapper::mapping_report& r) {
    std::size_t before = 0;
    std::size_t after = 0;
    for (const mapper::chip_routes& c : r.routes) {
        before += c.before;
        after += c.after;
    }
    return {{"entries_before", before}, {"entries", after}};
}

json links_json(const mapper::mapping_report& r) {
    json list = json::array();
    double total = 0.0;
    for (const mapper::link_load& l : r.links) {
        total += l.packets_per_step;
        list.push_back({{"from", chip_json(l.from)},
                        {"direction", mapper::to_string(l.heading)},
                        {"packets_per_step", l.packets_per_step}});
    }
    return {{"basis", r.link_load_basis}, {"packets_per_step", total}, {"links", list}};
}

json seconds_json(const mapper::mapping_report& r) {
    return {{"quantise", r.quantise_seconds},
            {"partition", r.partition_seconds},
            {"placement", r.placement_seconds},
            {"routing", r.routing_seconds},
            {"synaptic_matrices", r.matrix_seconds}};
}

// Which cores each population runs on (indices into "cores"). The quantisation report's groups
// are in the order of the compiled groups.
json populations_json(const mapper::mapped_network& mapped) {
    json list = json::array();
    const auto& groups = mapped.compiled.report.groups;
    for (std::size_t g = 0; g < groups.size() && g < mapped.compiled.groups.size(); ++g) {
        const int group = mapped.compiled.groups[g].group;
        json cores = json::array();
        for (std::size_t k = 0; k < mapped.cores.size(); ++k) {
            if (mapped.cores[k].group == group) {
                cores.push_back(k);
            }
        }
        json entry = population_json(groups[g]);
        entry["mapped_label"] = mapped.group_labels[static_cast<std::size_t>(group)];
        entry["cores"] = cores;
        const auto& split = mapped.parts.splits[static_cast<std::size_t>(group)];
        entry["neurons_per_core"] = split.per_core;
        entry["bound_by"] = mapper::to_string(split.bound);
        list.push_back(entry);
    }
    return list;
}

} // namespace

json map_report_json(const mapper::mapped_network& mapped, const std::string& image_file,
                     std::size_t image_bytes) {
    const mapper::mapping_report& r = mapped.report;
    json quantisation = quantisation_json(mapped.compiled.report);
    quantisation.erase("populations"); // listed once, with their cores, below
    return {
        {"schema", map_report_schema},
        {"board", r.board},
        {"dt", mapped.dt},
        {"steps", mapped.steps},
        {"cores_used", r.cores_used},
        {"cores_available", r.cores_available},
        {"chips_used", r.chips_used},
        {"placement_cost", {{"constructive", r.constructive_cost}, {"improved", r.placement_cost}}},
        {"seconds", seconds_json(r)},
        {"cores", cores_json(mapped)},
        {"chips", chips_json(mapped)},
        {"routing", routing_json(r)},
        {"link_load", links_json(r)},
        {"populations", populations_json(mapped)},
        {"quantisation", quantisation},
        {"image", {{"file", image_file}, {"bytes", image_bytes}}}};
}

} // namespace sf::cli
