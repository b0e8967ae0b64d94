// Routing tables replayed as the routers run them: the checker, link loads and the keys that the
// default route carries (docs/routing.md, "The checker").
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing_check.hpp>
#include <sf/mapper/routing_compress.hpp>
#include <sf/mapper/routing_load.hpp>

namespace sf::mapper {
namespace {

constexpr int none = -1;
constexpr int from_core = -1; // a key's side of entry into a router when a core sent it
// Router visits one source may take before the replay calls it a loop, whatever else it finds.
constexpr std::size_t max_visits = 1u << 22;

// Where a piece of a source's keys is: the router of `chip`, entered from a core or by a link
// heading `arrived`.
struct position {
    int chip = none;
    int arrived = from_core;
    key_space keys;
};

struct delivery {
    core_location core;
    key_space keys;
};

// What one source's keys do.
struct trace {
    std::vector<std::pair<std::size_t, key_space>> hops; // board link index, keys sent on it
    std::vector<delivery> deliveries;
    std::vector<std::pair<int, key_space>> defaults; // chip index, keys the default route took
    route_check fault;
};

class replayer {
public:
    replayer(const board& machine, const std::vector<routing_table>& tables)
        : machine_(machine), table_of_(machine.chips.size(), nullptr),
          link_of_(machine.chips.size() * 6, none) {
        for (std::size_t i = 0; i < machine.chips.size(); ++i) {
            index_[key(machine.chips[i].coordinates())] = static_cast<int>(i);
        }
        for (std::size_t l = 0; l < machine.links.size(); ++l) {
            const int from = chip_index(machine.links[l].from);
            if (from != none) {
                link_of_[static_cast<std::size_t>(from) * 6 +
                         static_cast<std::size_t>(machine.links[l].heading)] = static_cast<int>(l);
            }
        }
        for (const routing_table& t : tables) {
            const int c = chip_index(t.chip);
            if (c == none) {
                note_input("a routing table is for chip " + chip_name(t.chip) + ", which board " +
                               machine.name + " does not have",
                           t.chip);
            } else if (table_of_[static_cast<std::size_t>(c)] != nullptr) {
                note_input("chip " + chip_name(t.chip) + " has two routing tables", t.chip);
            } else {
                table_of_[static_cast<std::size_t>(c)] = &t;
            }
        }
    }

    const route_check& input_fault() const { return input_fault_; }

    int chip_index(chip_coordinates c) const {
        const auto it = index_.find(key(c));
        return it == index_.end() ? none : it->second;
    }

    // An application core of a chip the board has, or a description of why not.
    std::string core_problem(core_location where) const {
        const int c = chip_index(where.chip);
        if (c == none) {
            return core_name(where) + " is not on board " + machine_.name + "'s chips";
        }
        const chip& on = machine_.chips[static_cast<std::size_t>(c)];
        if (where.core < 0 || where.core >= on.application_cores ||
            where.core >= max_routed_cores) {
            return core_name(where) + " is not an application core that routes reach";
        }
        return {};
    }

    // Follows every key of one source; with `first_fault_only`, stops at the first fault.
    trace follow(const multicast_source& s, bool first_fault_only) const {
        follower f(*this, s);
        f.run(first_fault_only);
        return f.take();
    }

private:
    static long key(chip_coordinates c) { return static_cast<long>(c.y) * 65536L + c.x; }

    static std::string side(int arrived) {
        return arrived == from_core
                   ? std::string("a core")
                   : "the link heading " + std::string(to_string(static_cast<direction>(arrived)));
    }

    // One source's keys on their way through the routers: the pieces still travelling, where
    // each has been, and what they did.
    class follower {
    public:
        follower(const replayer& routers, const multicast_source& s)
            : routers_(routers), source_(s),
              has_targets_(!s.targets.empty()), pending_{{routers.chip_index(s.source.chip),
                                                          from_core, s.keys}} {}

        void run(bool first_fault_only) {
            std::size_t visits = 0;
            while (!pending_.empty() && !(first_fault_only && !result_.fault.ok())) {
                const position here = pending_.back();
                pending_.pop_back();
                std::vector<key_space>& before = seen_[{here.chip, here.arrived}];
                const bool looped = reached_before(before, here);
                if (++visits > max_visits) {
                    fault(route_fault::loop, where(here.chip), here.keys.key,
                          "still travelling after " + std::to_string(max_visits) +
                              " router visits");
                    break;
                }
                if (looped) {
                    continue;
                }
                before.push_back(here.keys);
                route(here);
            }
        }

        trace take() { return std::move(result_); }

    private:
        chip_coordinates where(int chip) const {
            return routers_.machine_.chips[static_cast<std::size_t>(chip)].coordinates();
        }

        // Records the first fault only.
        void fault(route_fault kind, chip_coordinates at, std::uint32_t k,
                   const std::string& what) {
            if (result_.fault.ok()) {
                result_.fault.fault = kind;
                result_.fault.chip = at;
                result_.fault.key = k;
                result_.fault.what = "chip " + chip_name(at) + ": key " + key_name(k) + " of " +
                                     core_name(source_.source) + ": " + what;
            }
        }

        // Whether some of the keys reached this router from the same side before (a loop).
        bool reached_before(const std::vector<key_space>& before, const position& here) {
            for (const key_space& b : before) {
                if (const auto both = intersection(b, here.keys)) {
                    fault(route_fault::loop, where(here.chip), both->key,
                          "reaches the router again from " + side(here.arrived));
                    return true;
                }
            }
            return false;
        }

        // The router: the first matching entry takes each key; the rest take the default route.
        void route(const position& here) {
            std::vector<key_space> unmatched{here.keys};
            std::vector<std::pair<key_space, std::uint32_t>> routed;
            if (const routing_table* table =
                    routers_.table_of_[static_cast<std::size_t>(here.chip)]) {
                match(*table, unmatched, routed);
            }
            for (const auto& [keys, route] : routed) {
                forward(here.chip, keys, route);
            }
            for (const key_space& keys : unmatched) {
                take_default(here, keys);
            }
        }

        // Splits `unmatched` between the table's entries, first match first.
        static void match(const routing_table& table, std::vector<key_space>& unmatched,
                          std::vector<std::pair<key_space, std::uint32_t>>& routed) {
            for (const route_entry& e : table.entries) {
                if (unmatched.empty()) {
                    break;
                }
                if (!well_formed(e.keys())) {
                    continue;
                }
                std::vector<key_space> rest;
                for (const key_space& u : unmatched) {
                    if (const auto taken = intersection(u, e.keys())) {
                        routed.emplace_back(*taken, e.route);
                        for (const key_space& piece : subtract(u, e.keys())) {
                            rest.push_back(piece);
                        }
                    } else {
                        rest.push_back(u);
                    }
                }
                unmatched = std::move(rest);
            }
        }

        // Sends keys on the route's links and delivers them to its cores.
        void forward(int chip_index, key_space keys, std::uint32_t route) {
            for (int d = 0; d < route_link_bits; ++d) {
                if ((route & (1u << d)) != 0) {
                    send(chip_index, d, keys, "its route sends it");
                }
            }
            const chip& at = routers_.machine_.chips[static_cast<std::size_t>(chip_index)];
            for (int c = 0; c < max_routed_cores; ++c) {
                if ((route & core_bit(c)) == 0) {
                    continue;
                }
                if (c >= at.application_cores) {
                    fault(route_fault::no_such_core, at.coordinates(), keys.key,
                          "its route delivers to core " + std::to_string(c) +
                              ", which the chip does not have (" +
                              std::to_string(at.application_cores) + " application cores)");
                    continue;
                }
                result_.deliveries.push_back({{at.coordinates(), c}, keys});
            }
        }

        // Keys no entry matches: dropped on the source's chip, else on along their way.
        void take_default(const position& here, key_space keys) {
            if (here.arrived == from_core) {
                if (has_targets_) {
                    fault(route_fault::dropped, where(here.chip), keys.key,
                          "matches no entry on its source's chip and is dropped");
                }
                return;
            }
            result_.defaults.emplace_back(here.chip, keys);
            send(here.chip, here.arrived, keys, "matches no entry; the default route sends it");
        }

        void send(int from, int heading, key_space keys, const std::string& why) {
            const int l = routers_.link_of_[static_cast<std::size_t>(from) * 6 +
                                            static_cast<std::size_t>(heading)];
            const chip_coordinates at = where(from);
            const char* way = to_string(static_cast<direction>(heading));
            if (l == none) {
                fault(route_fault::dropped, at, keys.key,
                      why + " " + way + ", where the chip has no link, and it is lost");
                return;
            }
            const link& out = routers_.machine_.links[static_cast<std::size_t>(l)];
            if (!out.available) {
                const chip* next = routers_.machine_.find_chip(out.to);
                fault(route_fault::dead_link, at, keys.key,
                      why + " " + way + " on a dead link" +
                          (next != nullptr && !next->available
                               ? " into failed chip " + chip_name(out.to)
                               : std::string()) +
                          ", and it is lost");
                return;
            }
            result_.hops.emplace_back(static_cast<std::size_t>(l), keys);
            pending_.push_back({routers_.chip_index(out.to), heading, keys});
        }

        const replayer& routers_;
        const multicast_source& source_;
        const bool has_targets_;
        std::vector<position> pending_;
        std::map<std::pair<int, int>, std::vector<key_space>> seen_;
        trace result_;
    };

    void note_input(const std::string& what, chip_coordinates at) {
        if (input_fault_.ok()) {
            input_fault_.fault = route_fault::bad_input;
            input_fault_.chip = at;
            input_fault_.what = what;
        }
    }

    const board& machine_;
    std::map<long, int> index_;
    std::vector<const routing_table*> table_of_;
    std::vector<int> link_of_;
    route_check input_fault_;
};

route_check bad_input(chip_coordinates at, std::uint32_t key, const std::string& what) {
    route_check result;
    result.fault = route_fault::bad_input;
    result.chip = at;
    result.key = key;
    result.what = what;
    return result;
}

// The lowest key of `whole` that no piece covers, when pieces are all in `whole`.
std::optional<std::uint32_t> uncovered(key_space whole, const std::vector<key_space>& pieces) {
    std::vector<key_space> rest{whole};
    for (const key_space& p : pieces) {
        std::vector<key_space> next;
        for (const key_space& r : rest) {
            for (const key_space& piece : subtract(r, p)) {
                next.push_back(piece);
            }
        }
        rest = std::move(next);
    }
    if (rest.empty()) {
        return std::nullopt;
    }
    return std::min_element(rest.begin(), rest.end(),
                            [](key_space a, key_space b) { return a.key < b.key; })
        ->key;
}

// A source the replay can start from, or the bad-input check saying why not.
route_check check_source(const replayer& routers, const board& machine, const multicast_source& s) {
    if (const std::string problem = routers.core_problem(s.source); !problem.empty()) {
        return bad_input(s.source.chip, s.keys.key, "source " + problem);
    }
    if (!machine.chips[static_cast<std::size_t>(routers.chip_index(s.source.chip))].available) {
        return bad_input(s.source.chip, s.keys.key,
                         "source " + core_name(s.source) + " is on a failed chip");
    }
    if (!well_formed(s.keys)) {
        return bad_input(s.source.chip, s.keys.key,
                         "the key space of " + core_name(s.source) +
                             " has key bits outside its mask " + key_name(s.keys.mask));
    }
    for (const core_location& t : s.targets) {
        if (const std::string problem = routers.core_problem(t); !problem.empty()) {
            return bad_input(t.chip, s.keys.key,
                             "target of " + core_name(s.source) + ": " + problem);
        }
    }
    return {};
}

} // namespace

const char* to_string(route_fault fault) {
    switch (fault) {
    case route_fault::none: return "none";
    case route_fault::bad_input: return "bad input";
    case route_fault::dropped: return "dropped";
    case route_fault::dead_link: return "dead link";
    case route_fault::no_such_core: return "no such core";
    case route_fault::loop: return "loop";
    case route_fault::missed: return "missed";
    case route_fault::duplicate: return "duplicate";
    case route_fault::stray: return "stray";
    }
    return "?";
}

route_check check_routes(const board& machine, const std::vector<routing_table>& tables,
                         const std::vector<multicast_source>& sources) {
    const replayer routers(machine, tables);
    if (!routers.input_fault().ok()) {
        return routers.input_fault();
    }
    std::vector<key_space> spaces;
    for (const multicast_source& s : sources) {
        if (route_check problem = check_source(routers, machine, s); !problem.ok()) {
            return problem;
        }
        spaces.push_back(s.keys);
    }
    if (const auto pair = find_overlap(spaces)) {
        const multicast_source& a = sources[pair->first];
        const multicast_source& b = sources[pair->second];
        return bad_input(a.source.chip, intersection(a.keys, b.keys)->key,
                         "the keys of " + core_name(a.source) + " and " + core_name(b.source) +
                             " overlap");
    }
    for (const multicast_source& s : sources) {
        trace t = routers.follow(s, true);
        if (!t.fault.ok()) {
            return t.fault;
        }
        std::map<core_location, std::vector<key_space>> received;
        for (const delivery& d : t.deliveries) {
            received[d.core].push_back(d.keys);
        }
        std::vector<core_location> targets = s.targets;
        std::sort(targets.begin(), targets.end());
        targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
        const auto describe = [&s](chip_coordinates at, std::uint32_t k, const std::string& what) {
            route_check c;
            c.chip = at;
            c.key = k;
            c.what = "chip " + chip_name(at) + ": key " + key_name(k) + " of " +
                     core_name(s.source) + ": " + what;
            return c;
        };
        for (const auto& [core, pieces] : received) {
            if (!std::binary_search(targets.begin(), targets.end(), core)) {
                route_check c = describe(core.chip, pieces.front().key,
                                         "reaches core " + std::to_string(core.core) +
                                             ", which is not one of its targets");
                c.fault = route_fault::stray;
                return c;
            }
            for (std::size_t i = 0; i < pieces.size(); ++i) {
                for (std::size_t j = i + 1; j < pieces.size(); ++j) {
                    if (const auto both = intersection(pieces[i], pieces[j])) {
                        route_check c =
                            describe(core.chip, both->key,
                                     "reaches target core " + std::to_string(core.core) + " twice");
                        c.fault = route_fault::duplicate;
                        return c;
                    }
                }
            }
        }
        for (const core_location& target : targets) {
            const auto it = received.find(target);
            const std::vector<key_space> nothing;
            if (const auto missing =
                    uncovered(s.keys, it == received.end() ? nothing : it->second)) {
                route_check c =
                    describe(target.chip, *missing,
                             "never reaches target core " + std::to_string(target.core));
                c.fault = route_fault::missed;
                return c;
            }
        }
    }
    return {};
}

std::vector<link_load> link_loads(const board& machine, const std::vector<routing_table>& tables,
                                  const std::vector<multicast_source>& sources,
                                  const std::vector<double>& packets_per_step) {
    if (!packets_per_step.empty() && packets_per_step.size() != sources.size()) {
        throw compile_error("", "link loads: " + std::to_string(packets_per_step.size()) +
                                    " packet rates for " + std::to_string(sources.size()) +
                                    " sources");
    }
    std::vector<link_load> loads;
    loads.reserve(machine.links.size());
    for (const link& l : machine.links) {
        loads.push_back({l.from, l.heading, 0.0});
    }
    const replayer routers(machine, tables);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        const multicast_source& s = sources[i];
        if (!check_source(routers, machine, s).ok()) {
            continue; // sends nothing anywhere the board has
        }
        const double rate = packets_per_step.empty() ? 1.0 : packets_per_step[i];
        const double keys = static_cast<double>(size(s.keys));
        for (const auto& [l, part] : routers.follow(s, false).hops) {
            loads[l].packets_per_step += rate * static_cast<double>(size(part)) / keys;
        }
    }
    return loads;
}

std::vector<std::vector<key_space>>
default_routed_keys(const board& machine, const std::vector<routing_table>& tables,
                    const std::vector<multicast_source>& sources) {
    const replayer routers(machine, tables);
    std::vector<std::vector<key_space>> by_chip(machine.chips.size());
    for (const multicast_source& s : sources) {
        if (!check_source(routers, machine, s).ok()) {
            continue;
        }
        for (const auto& [chip, keys] : routers.follow(s, false).defaults) {
            by_chip[static_cast<std::size_t>(chip)].push_back(keys);
        }
    }
    std::vector<std::vector<key_space>> result;
    result.reserve(tables.size());
    for (const routing_table& t : tables) {
        const int c = routers.chip_index(t.chip);
        std::vector<key_space> keys;
        if (c != none) {
            keys = by_chip[static_cast<std::size_t>(c)];
        }
        std::sort(keys.begin(), keys.end(), [](key_space a, key_space b) {
            return a.key != b.key ? a.key < b.key : a.mask < b.mask;
        });
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        result.push_back(std::move(keys));
    }
    return result;
}

} // namespace sf::mapper
