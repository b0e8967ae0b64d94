// Placement of slices on application cores (docs/placement.md): the cheaper of two constructive
// placements, then local improvement.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/placement.hpp>

#include "bisection.hpp"
#include "chip_walk.hpp"
#include "improver.hpp"
#include "traffic_graph.hpp"

namespace sf::mapper {
namespace {

using placing::at;
using placing::traffic_graph;
using clock_type = std::chrono::steady_clock;

std::string number(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

[[noreturn]] void fail(const std::string& message) { throw compile_error("placement", message); }

void check_traffic(std::size_t slices, const std::vector<slice_traffic>& traffic) {
    for (std::size_t i = 0; i < traffic.size(); ++i) {
        const slice_traffic& t = traffic[i];
        for (const int s : {t.source, t.target}) {
            if (s < 0 || static_cast<std::size_t>(s) >= slices) {
                fail("traffic entry " + std::to_string(i) + " names slice " + std::to_string(s) +
                     (slices == 0 ? std::string("; there are no slices")
                                  : "; the slices are 0 to " + std::to_string(slices - 1)));
            }
        }
        if (!std::isfinite(t.weight) || t.weight < 0.0) {
            fail("traffic entry " + std::to_string(i) + " (slice " + std::to_string(t.source) +
                 " to " + std::to_string(t.target) + ") has weight " + number(t.weight) +
                 "; a weight must be finite and 0 or more");
        }
    }
}

// The order in which slices fill the walk of chips: the traversal of the traffic, or with groups
// kept together, group after group in the traversal of the traffic between groups.
std::vector<int> slice_order(const traffic_graph& g, const std::vector<slice_traffic>& traffic,
                             const placement_options& options) {
    const std::size_t n = g.vertices();
    std::vector<int> order;
    order.reserve(n);
    placing::traversal slices(g);
    if (!options.keep_groups_together || options.groups.empty()) {
        std::vector<int> all(n);
        for (std::size_t v = 0; v < n; ++v) {
            all[v] = static_cast<int>(v);
        }
        slices.append(all, order);
        return order;
    }
    std::map<int, int> number_of; // groups numbered by first appearance
    std::vector<std::vector<int>> members;
    std::vector<int> group_of(n);
    for (std::size_t v = 0; v < n; ++v) {
        const auto found = number_of.emplace(options.groups[v], static_cast<int>(members.size()));
        if (found.second) {
            members.emplace_back();
        }
        group_of[v] = found.first->second;
        members[at(found.first->second)].push_back(static_cast<int>(v));
    }
    std::vector<slice_traffic> between_groups;
    for (const slice_traffic& t : traffic) {
        const int a = group_of[at(t.source)];
        const int b = group_of[at(t.target)];
        if (a != b) {
            between_groups.push_back({a, b, t.weight});
        }
    }
    const traffic_graph groups = placing::build_graph(members.size(), between_groups);
    std::vector<int> all_groups(members.size());
    for (std::size_t k = 0; k < members.size(); ++k) {
        all_groups[k] = static_cast<int>(k);
    }
    std::vector<int> group_order;
    placing::traversal(groups).append(all_groups, group_order);
    for (const int k : group_order) {
        slices.append(members[at(k)], order);
    }
    return order;
}

// The chips the bisection uses: the first of the walk with cores for every slice, when they lie
// in one connected part; none otherwise.
std::vector<int> compact_region(const hop_distances& d, const placing::chip_map& map,
                                std::size_t slices) {
    std::vector<int> chips;
    std::int64_t cores = 0;
    for (const int c : map.walk) {
        if (cores >= static_cast<std::int64_t>(slices)) {
            break;
        }
        if (map.capacity[at(c)] > 0) {
            if (!chips.empty() && d.component(c) != d.component(chips.front())) {
                return {};
            }
            chips.push_back(c);
            cores += map.capacity[at(c)];
        }
    }
    return chips;
}

// Core numbers on each chip: its slices in slice order.
std::vector<core_location> cores_from(const hop_distances& d, const std::vector<int>& chip_of) {
    std::vector<int> next_core(at(d.chip_count()), 0);
    std::vector<core_location> cores(chip_of.size());
    for (std::size_t s = 0; s < chip_of.size(); ++s) {
        const int c = chip_of[s];
        cores[s] = {d.chip_at(c), next_core[at(c)]++};
    }
    return cores;
}

} // namespace

placement_result place_detailed(const board& machine, std::size_t slices,
                                const std::vector<slice_traffic>& traffic,
                                const placement_options& options) {
    const auto began = clock_type::now();
    const std::int64_t available_cores = machine.application_core_count();
    if (static_cast<std::uint64_t>(slices) > static_cast<std::uint64_t>(available_cores)) {
        const std::size_t unavailable = machine.chips.size() - at(machine.chip_count());
        throw capacity_error("placement", machine.name, "application cores", slices,
                             static_cast<std::uint64_t>(available_cores),
                             std::to_string(slices) + " slices need " + std::to_string(slices) +
                                 " application cores, one each, but board '" + machine.name +
                                 "' has " + std::to_string(available_cores) + " on its " +
                                 std::to_string(machine.chip_count()) + " available chips" +
                                 (unavailable > 0
                                      ? " (" + std::to_string(unavailable) + " of its " +
                                            std::to_string(machine.chips.size()) +
                                            " chips are unavailable)"
                                      : std::string()));
    }
    check_traffic(slices, traffic);
    if (!options.groups.empty() && options.groups.size() != slices) {
        fail("placement_options::groups has " + std::to_string(options.groups.size()) +
             " entries; it must have one per slice (" + std::to_string(slices) + ") or none");
    }
    if (std::isnan(options.improvement_seconds) || options.improvement_seconds < 0.0) {
        fail("improvement_seconds is " + number(options.improvement_seconds) +
             "; it must be 0 or more");
    }

    placement_result result;
    if (slices == 0) {
        result.converged = true;
        return result;
    }
    const hop_distances d(machine);
    const placing::chip_map map = placing::map_chips(machine, d);
    const traffic_graph g = placing::build_graph(slices, traffic);

    // Along the walk: consecutive slices of the traversal fill one chip, then the next.
    const std::vector<int> order = slice_order(g, traffic, options);
    std::vector<int> chip_of(slices, -1);
    std::size_t next = 0;
    for (const int c : map.walk) {
        for (int k = 0; k < map.capacity[at(c)] && next < order.size(); ++k) {
            chip_of[at(order[next++])] = c;
        }
    }
    result.walk_cost = placement_cost(d, cores_from(d, chip_of), traffic);
    result.constructive_cost = result.walk_cost;

    // By recursive bisection of the compact region the walk starts with. Groups kept together
    // are a constraint the bisection does not know, so it is only tried without them.
    const bool grouped = options.keep_groups_together && !options.groups.empty();
    const std::vector<int> region = compact_region(d, map, slices);
    if (g.total > 0.0 && !grouped && !region.empty()) {
        std::vector<int> bisected = placing::bisect(g, d, map, region);
        result.bisection_cost = placement_cost(d, cores_from(d, bisected), traffic);
        if (result.bisection_cost < result.walk_cost) {
            chip_of = std::move(bisected);
            result.constructive_cost = result.bisection_cost;
        }
    }
    const std::vector<core_location> constructive = cores_from(d, chip_of);
    result.constructive_seconds = std::chrono::duration<double>(clock_type::now() - began).count();

    if (options.improvement_seconds > 0.0 && g.total > 0.0) {
        placing::improve(g, d, map, chip_of, options, result);
        result.cores = cores_from(d, chip_of);
        result.cost = placement_cost(d, result.cores, traffic);
        if (result.cost > result.constructive_cost) {
            // Rounding only (each move lowers the cost); never hand back a worse placement.
            result.cores = constructive;
            result.cost = result.constructive_cost;
        }
    } else {
        result.converged = g.total <= 0.0;
        result.cores = constructive;
        result.cost = result.constructive_cost;
    }
    return result;
}

std::vector<core_location> place(const board& machine, std::size_t slices,
                                 const std::vector<slice_traffic>& traffic,
                                 const placement_options& options) {
    return place_detailed(machine, slices, traffic, options).cores;
}

double placement_cost(const hop_distances& distances, const std::vector<core_location>& cores,
                      const std::vector<slice_traffic>& traffic) {
    std::vector<int> chip_of(cores.size());
    for (std::size_t s = 0; s < cores.size(); ++s) {
        chip_of[s] = distances.index(cores[s].chip);
        if (chip_of[s] < 0) {
            fail("slice " + std::to_string(s) + " is placed on chip (" +
                 std::to_string(cores[s].chip.x) + "," + std::to_string(cores[s].chip.y) +
                 "), which is not an available chip of the board");
        }
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < traffic.size(); ++i) {
        const slice_traffic& t = traffic[i];
        for (const int s : {t.source, t.target}) {
            if (s < 0 || static_cast<std::size_t>(s) >= cores.size()) {
                fail("traffic entry " + std::to_string(i) + " names slice " + std::to_string(s) +
                     ", which has no core (" + std::to_string(cores.size()) + " are placed)");
            }
        }
        if (t.source != t.target) {
            sum += t.weight * distances.cost_between(chip_of[at(t.source)], chip_of[at(t.target)]);
        }
    }
    return sum;
}

double placement_cost(const board& machine, const std::vector<core_location>& cores,
                      const std::vector<slice_traffic>& traffic) {
    return placement_cost(hop_distances(machine), cores, traffic);
}

} // namespace sf::mapper
