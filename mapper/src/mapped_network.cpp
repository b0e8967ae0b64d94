#include <algorithm>
#include <cstdio>

#include <sf/mapper/mapped_network.hpp>

namespace sf::mapper {
namespace {

std::string at(chip_coordinates c) {
    return "(" + std::to_string(c.x) + "," + std::to_string(c.y) + ")";
}

std::string number(double x) {
    char text[32];
    std::snprintf(text, sizeof text, "%.4g", x);
    return text;
}

// "40 neurons on 1 core (up to 255 a core: neurons per core)"; a group the synaptic memory
// split further says so beside the share the other limits allow.
std::string split_summary(const group_split& split, int neurons) {
    std::string t = std::to_string(neurons) + " neurons on " + std::to_string(split.slices) +
                    (split.slices == 1 ? " core" : " cores");
    if (split.bound == core_bound::synaptic_memory) {
        return t + " (the synaptic memory halves its slices; without it " +
               std::to_string(split.per_core) + " a core)";
    }
    return t + " (up to " + std::to_string(split.per_core) + " a core: " + to_string(split.bound) +
           ")";
}

} // namespace

std::string mapped_network::summary() const {
    const mapping_report& r = report;
    std::string t;
    t += "board " + r.board + ": " + std::to_string(r.cores_used) + " of " +
         std::to_string(r.cores_available) + " application cores on " +
         std::to_string(r.chips_used) + (r.chips_used == 1 ? " chip\n" : " chips\n");
    t += "mapping: quantise " + number(r.quantise_seconds) + " s, partition " +
         number(r.partition_seconds) + " s, placement " + number(r.placement_seconds) +
         " s (cost " + number(r.constructive_cost) + " constructive, " + number(r.placement_cost) +
         " improved: synapses x hops), routing " + number(r.routing_seconds) +
         " s, synaptic matrices " + number(r.matrix_seconds) + " s\n";
    t += "\ncores (chip, core: population, neurons, synapses, synaptic bytes):\n";
    for (std::size_t k = 0; k < cores.size(); ++k) {
        const mapped_core& c = cores[k];
        const core_load& load = r.cores[k];
        t += "  " + at(c.where.chip) + " " + std::to_string(c.where.core) + ": " +
             group_labels[static_cast<std::size_t>(c.group)] + " neurons " +
             std::to_string(c.first) + ".." + std::to_string(c.first + c.count - 1) + ", " +
             std::to_string(load.synapses) + " synapses, " + std::to_string(load.synaptic_bytes) +
             " bytes\n";
    }
    t += "\npopulations (neurons on cores: what bounds a core's share):\n";
    for (std::size_t g = 0; g < parts.splits.size() && g < group_labels.size(); ++g) {
        t += "  " + group_labels[g] + ": " +
             split_summary(parts.splits[g], static_cast<int>(parts.slice_of[g].size())) + "\n";
    }
    t += "\nrouting tables (chip: entries before -> after compression, limit):\n";
    std::size_t before = 0;
    std::size_t after = 0;
    for (const chip_routes& c : r.routes) {
        before += c.before;
        after += c.after;
        if (c.before > 0) {
            t += "  " + at(c.chip) + ": " + std::to_string(c.before) + " -> " +
                 std::to_string(c.after) + " of " + std::to_string(c.limit) + "\n";
        }
    }
    t += "  all chips: " + std::to_string(before) + " -> " + std::to_string(after) + " entries\n";
    t += "\nlink load (" + r.link_load_basis + "):\n";
    std::vector<link_load> busiest = r.links;
    std::sort(busiest.begin(), busiest.end(), [](const link_load& a, const link_load& b) {
        return a.packets_per_step > b.packets_per_step;
    });
    double total = 0.0;
    for (const link_load& l : busiest) {
        total += l.packets_per_step;
    }
    t += "  " + std::to_string(busiest.size()) + " links carry packets, " + number(total) +
         " packets per step in all\n";
    for (std::size_t k = 0; k < std::min<std::size_t>(busiest.size(), 10); ++k) {
        t += "  " + at(busiest[k].from) + " " + to_string(busiest[k].heading) + ": " +
             number(busiest[k].packets_per_step) + "\n";
    }
    t += "\nquantisation:\n";
    for (const group_entry& g : compiled.report.groups) {
        t += "  " + g.label + " (" + g.component + "): " + std::to_string(g.program_words) +
             " instructions, " + std::to_string(g.state_words) + " state words, " +
             std::to_string(g.table_words) + " table words, " + std::to_string(g.warnings.size()) +
             " warnings\n";
    }
    return t;
}

} // namespace sf::mapper
