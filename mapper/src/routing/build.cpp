// Multicast trees and the tables that make them (docs/routing.md, "Trees").
#include <algorithm>
#include <array>
#include <string>

#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing.hpp>

namespace sf::mapper {
namespace {

constexpr int no_chip = -1;
constexpr int directions_count = 6;

[[noreturn]] void fail(const std::string& message) {
    throw compile_error("", "routing: " + message);
}

// The board as indices: chips in board order, each with the chip an available link leads to in
// every direction (or no_chip).
struct chip_graph {
    const board& machine;
    std::vector<int> at; // grid position -> chip index, or no_chip
    std::vector<std::array<int, directions_count>> next;

    explicit chip_graph(const board& b) : machine(b) {
        at.assign(static_cast<std::size_t>(std::max(b.grid.width, 0)) *
                      static_cast<std::size_t>(std::max(b.grid.height, 0)),
                  no_chip);
        for (std::size_t i = 0; i < b.chips.size(); ++i) {
            if (const auto cell = position(b.chips[i].coordinates()); cell >= 0) {
                at[static_cast<std::size_t>(cell)] = static_cast<int>(i);
            }
        }
        std::array<int, directions_count> none{};
        none.fill(no_chip);
        next.assign(b.chips.size(), none);
        for (const link& l : b.links) {
            const int from = index(l.from);
            const int to = index(l.to);
            if (l.available && from != no_chip && to != no_chip) {
                next[static_cast<std::size_t>(from)][static_cast<std::size_t>(l.heading)] = to;
            }
        }
    }

    long position(chip_coordinates c) const {
        if (c.x < 0 || c.y < 0 || c.x >= machine.grid.width || c.y >= machine.grid.height) {
            return -1;
        }
        return static_cast<long>(c.y) * machine.grid.width + c.x;
    }

    int index(chip_coordinates c) const {
        const long cell = position(c);
        return cell < 0 ? no_chip : at[static_cast<std::size_t>(cell)];
    }
};

// Scratch arrays indexed by chip, reset through the list of chips one source touched.
struct scratch {
    std::vector<int> distance;
    std::vector<int> parent;
    std::vector<int> heading_in; // the heading of the link the tree enters the chip by
    std::vector<std::uint32_t> route;
    std::vector<std::uint32_t> local;
    std::vector<char> in_tree;
    std::vector<char> seen;
    std::vector<std::uint64_t>
        region; // the join_tree call that last found the chip on a path to its target
    std::uint64_t stamp = 0;
    std::vector<int> touched;

    explicit scratch(std::size_t chips)
        : distance(chips, -1), parent(chips, no_chip), heading_in(chips, -1), route(chips, 0),
          local(chips, 0), in_tree(chips, 0), seen(chips, 0), region(chips, 0) {}

    void touch(int c) {
        if (seen[static_cast<std::size_t>(c)] == 0) {
            seen[static_cast<std::size_t>(c)] = 1;
            touched.push_back(c);
        }
    }

    void reset() {
        for (const int c : touched) {
            const auto i = static_cast<std::size_t>(c);
            distance[i] = -1;
            parent[i] = no_chip;
            heading_in[i] = -1;
            route[i] = 0;
            local[i] = 0;
            in_tree[i] = 0;
            seen[i] = 0;
        }
        touched.clear();
    }
};

// The chip index of an application core that routes can reach, or a compile_error.
int routed_core(const chip_graph& graph, core_location where, const std::string& role) {
    const int c = graph.index(where.chip);
    if (c == no_chip) {
        fail(role + " " + core_name(where) + " is not on board " + graph.machine.name + "'s chips");
    }
    const chip& on = graph.machine.chips[static_cast<std::size_t>(c)];
    if (where.core < 0 || where.core >= on.application_cores) {
        fail(role + " " + core_name(where) + " is not an application core; chip " +
             chip_name(where.chip) + " has " + std::to_string(on.application_cores) + " (0 to " +
             std::to_string(on.application_cores - 1) + ")");
    }
    if (where.core >= max_routed_cores) {
        fail(role + " " + core_name(where) + " is past the cores a route can reach (0 to " +
             std::to_string(max_routed_cores - 1) + ")");
    }
    return c;
}

void check_keys(const std::vector<multicast_source>& sources) {
    std::vector<key_space> spaces;
    spaces.reserve(sources.size());
    for (const multicast_source& s : sources) {
        if (!well_formed(s.keys)) {
            fail("the key space " + key_name(s.keys.key) + "/" + key_name(s.keys.mask) + " of " +
                 core_name(s.source) + " has key bits outside its mask");
        }
        spaces.push_back(s.keys);
    }
    if (const auto pair = find_overlap(spaces)) {
        fail("the key spaces of sources " + std::to_string(pair->first) + " (" +
             core_name(sources[pair->first].source) + ") and " + std::to_string(pair->second) +
             " (" + core_name(sources[pair->second].source) + ") overlap");
    }
}

// Breadth first from the source chip until every target chip is reached (the whole level of the
// last one, so every shortest-path predecessor is known). Returns the unreached target chips.
std::vector<int> explore(const chip_graph& graph, scratch& work, int from,
                         const std::vector<int>& target_chips) {
    std::size_t remaining = target_chips.size();
    std::vector<int> level{from};
    work.touch(from);
    work.distance[static_cast<std::size_t>(from)] = 0;
    const auto is_target = [&work](int c) { return work.local[static_cast<std::size_t>(c)] != 0; };
    if (is_target(from)) {
        --remaining;
    }
    int depth = 0;
    while (remaining > 0 && !level.empty()) {
        std::vector<int> following;
        ++depth;
        for (const int c : level) {
            for (const int to : graph.next[static_cast<std::size_t>(c)]) {
                if (to == no_chip || work.distance[static_cast<std::size_t>(to)] >= 0) {
                    continue;
                }
                work.touch(to);
                work.distance[static_cast<std::size_t>(to)] = depth;
                following.push_back(to);
                if (is_target(to)) {
                    --remaining;
                }
            }
        }
        level = std::move(following);
    }
    std::vector<int> unreached;
    for (const int t : target_chips) {
        if (work.distance[static_cast<std::size_t>(t)] < 0) {
            unreached.push_back(t);
        }
    }
    return unreached;
}

// Whether a chip of the tree needs an entry as the tree stands: all but those it passes straight
// through.
bool needs_entry(const scratch& work, int c, int from) {
    const auto i = static_cast<std::size_t>(c);
    return c == from || work.local[i] != 0 ||
           work.route[i] != link_bit(static_cast<direction>(work.heading_in[i]));
}

// Joins a target chip to the tree by a shortest path from the source that shares as much of the
// tree as it can: back from the target through every chip that lies on some shortest path to it,
// level by level, until a level holds a chip of the tree (the deepest such chip); then forward
// from there to the target, going straight where it can (a chip passed straight through needs no
// entry). Of the tree's chips at that level, one that needs an entry anyway is preferred, then the
// first in board order.
void join_tree(const chip_graph& graph, scratch& work, int target, int from) {
    if (work.in_tree[static_cast<std::size_t>(target)] != 0) {
        return;
    }
    const std::uint64_t stamp = ++work.stamp;
    work.region[static_cast<std::size_t>(target)] = stamp;
    std::vector<int> level{target};
    int attach = no_chip;
    while (attach == no_chip) {
        std::vector<int> before;
        for (const int c : level) {
            const int d_c = work.distance[static_cast<std::size_t>(c)];
            for (int d = 0; d < directions_count; ++d) {
                const int p = graph.next[static_cast<std::size_t>(c)][static_cast<std::size_t>(d)];
                if (p == no_chip || work.distance[static_cast<std::size_t>(p)] != d_c - 1 ||
                    work.region[static_cast<std::size_t>(p)] == stamp) {
                    continue;
                }
                const auto h = static_cast<std::size_t>(opposite(static_cast<direction>(d)));
                if (graph.next[static_cast<std::size_t>(p)][h] != c) {
                    continue; // only the other end's link works (never on boards as loaded)
                }
                work.region[static_cast<std::size_t>(p)] = stamp;
                before.push_back(p);
            }
        }
        // The source is at level 0 and in the tree, so some level has a chip of the tree.
        std::sort(before.begin(), before.end());
        for (const int p : before) {
            if (work.in_tree[static_cast<std::size_t>(p)] == 0) {
                continue;
            }
            if (attach == no_chip ||
                (needs_entry(work, p, from) && !needs_entry(work, attach, from))) {
                attach = p;
            }
        }
        level = std::move(before);
    }
    int c = attach;
    int heading = work.heading_in[static_cast<std::size_t>(attach)];
    while (c != target) {
        const int d_c = work.distance[static_cast<std::size_t>(c)];
        int chosen = no_chip;
        int chosen_heading = -1;
        for (int d = 0; d < directions_count; ++d) {
            const int n = graph.next[static_cast<std::size_t>(c)][static_cast<std::size_t>(d)];
            if (n == no_chip || work.distance[static_cast<std::size_t>(n)] != d_c + 1 ||
                work.region[static_cast<std::size_t>(n)] != stamp) {
                continue;
            }
            if (chosen == no_chip || d == heading) {
                chosen = n;
                chosen_heading = d;
            }
        }
        // Every chip of the region but the target has a successor in it.
        work.route[static_cast<std::size_t>(c)] |= link_bit(static_cast<direction>(chosen_heading));
        work.parent[static_cast<std::size_t>(chosen)] = c;
        work.heading_in[static_cast<std::size_t>(chosen)] = chosen_heading;
        work.in_tree[static_cast<std::size_t>(chosen)] = 1;
        heading = chosen_heading;
        c = chosen;
    }
}

} // namespace

std::vector<routing_table> build_routes(const board& machine,
                                        const std::vector<multicast_source>& sources) {
    const chip_graph graph(machine);
    check_keys(sources);
    std::vector<std::vector<route_entry>> entries(machine.chips.size());
    scratch work(machine.chips.size());
    std::vector<int> tree;
    for (const multicast_source& s : sources) {
        const int from = routed_core(graph, s.source, "source");
        if (!machine.chips[static_cast<std::size_t>(from)].available) {
            fail("source " + core_name(s.source) + " is on an unavailable chip");
        }
        std::vector<int> target_chips;
        for (const core_location& t : s.targets) {
            const int c = routed_core(graph, t, "target");
            if (work.local[static_cast<std::size_t>(c)] == 0) {
                target_chips.push_back(c);
            }
            work.touch(c);
            work.local[static_cast<std::size_t>(c)] |= core_bit(t.core);
        }
        if (target_chips.empty()) {
            work.reset();
            continue; // nothing to send to: the source's packets need no entry
        }
        std::sort(target_chips.begin(), target_chips.end());
        const std::vector<int> unreached = explore(graph, work, from, target_chips);
        if (!unreached.empty()) {
            const chip& lost = machine.chips[static_cast<std::size_t>(unreached.front())];
            fail("source " + core_name(s.source) + " cannot reach its target chip " +
                 chip_name(lost.coordinates()) +
                 (lost.available ? ": no path over available links" : ": the chip is unavailable"));
        }
        // Nearest targets first: farther ones then find the paths laid to them (on random
        // targets this gives about a tenth fewer hops than farthest first).
        std::stable_sort(target_chips.begin(), target_chips.end(), [&work](int a, int b) {
            return work.distance[static_cast<std::size_t>(a)] <
                   work.distance[static_cast<std::size_t>(b)];
        });
        work.in_tree[static_cast<std::size_t>(from)] = 1;
        for (const int t : target_chips) {
            join_tree(graph, work, t, from);
        }
        // Each tree chip's route: its targets' cores and the links to its children.
        tree.clear();
        for (const int c : work.touched) {
            if (work.in_tree[static_cast<std::size_t>(c)] != 0) {
                tree.push_back(c);
            }
        }
        for (const int c : tree) {
            work.route[static_cast<std::size_t>(c)] |= work.local[static_cast<std::size_t>(c)];
        }
        for (const int c : tree) {
            const auto i = static_cast<std::size_t>(c);
            const bool straight_through =
                c != from && work.route[i] == link_bit(static_cast<direction>(work.heading_in[i]));
            if (!straight_through) {
                entries[i].push_back({s.keys.key, s.keys.mask, work.route[i]});
            }
        }
        work.reset();
    }
    std::vector<routing_table> tables;
    for (std::size_t i = 0; i < machine.chips.size(); ++i) {
        if (!machine.chips[i].available) {
            continue;
        }
        routing_table table;
        table.chip = machine.chips[i].coordinates();
        table.entries = std::move(entries[i]);
        std::sort(table.entries.begin(), table.entries.end(),
                  [](const route_entry& a, const route_entry& b) {
                      return a.key != b.key ? a.key < b.key : a.mask < b.mask;
                  });
        tables.push_back(std::move(table));
    }
    return tables;
}

} // namespace sf::mapper
