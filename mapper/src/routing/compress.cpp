// Ordered covering: order-exploiting routing table minimisation (docs/routing.md,
// "Compression"), after Mundy, Heathcote and Garside, "On-chip order-exploiting routing table
// minimization for a multicast supercomputer network" (2016), written anew.
#include <algorithm>
#include <bitset>
#include <map>
#include <string>

#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/routing_compress.hpp>

namespace sf::mapper {
namespace {

int generality(std::uint32_t mask) { return 32 - static_cast<int>(std::bitset<32>(mask).count()); }

// A table entry being minimised, with the key spaces of the input entries it stands for: the keys
// that can reach it are among them.
struct working_entry {
    key_space keys;
    std::uint32_t route = 0;
    int generality = 0;
    std::vector<key_space> aliases;
};

bool any_overlap(const std::vector<key_space>& spaces, key_space with) {
    return std::any_of(spaces.begin(), spaces.end(),
                       [with](key_space s) { return overlaps(s, with); });
}

class minimiser {
public:
    minimiser(std::vector<working_entry> table, std::vector<key_space> kept_unmatched)
        : table_(std::move(table)), bottom_(std::move(kept_unmatched)) {}

    // Merges until the table has at most `stop_at` entries or no merge is left.
    void run(std::size_t stop_at) {
        while (table_.size() > stop_at) {
            std::vector<int> best = best_merge();
            if (best.size() < 2) {
                return;
            }
            apply(best);
        }
    }

    std::vector<working_entry>& table() { return table_; }

private:
    key_space merged(const std::vector<int>& members) const {
        std::uint32_t all_keys = ~0u;
        std::uint32_t any_key = 0;
        std::uint32_t mask = ~0u;
        for (const int i : members) {
            const key_space k = table_[static_cast<std::size_t>(i)].keys;
            all_keys &= k.key;
            any_key |= k.key;
            mask &= k.mask;
        }
        mask &= ~(all_keys ^ any_key); // bits where the keys differ become free
        return {all_keys & mask, mask};
    }

    // The index the merged entry goes before: after every more specific entry, before those as
    // general as it (which the down check then sees below it).
    std::size_t insertion_point(int g) const {
        return static_cast<std::size_t>(std::lower_bound(table_.begin(), table_.end(), g,
                                                         [](const working_entry& e, int value) {
                                                             return e.generality < value;
                                                         }) -
                                        table_.begin());
    }

    // The largest merge over entries of one route that keeps every key's route, or fewer than two
    // entries when none does better than `beat` (entries merged minus one).
    std::vector<int> best_merge() const {
        std::map<std::uint32_t, std::vector<int>> by_route;
        for (std::size_t i = 0; i < table_.size(); ++i) {
            by_route[table_[i].route].push_back(static_cast<int>(i));
        }
        std::vector<const std::vector<int>*> groups;
        for (const auto& [route, members] : by_route) {
            if (members.size() >= 2) {
                groups.push_back(&members);
            }
        }
        std::stable_sort(groups.begin(), groups.end(),
                         [](const auto* a, const auto* b) { return a->size() > b->size(); });
        std::vector<int> best;
        for (const auto* group : groups) {
            const std::size_t beat = std::max<std::size_t>(best.size(), 1);
            if (group->size() <= beat) {
                break; // no smaller group can do better
            }
            std::vector<int> refined = refine(*group, beat);
            if (refined.size() > beat) {
                best = std::move(refined);
            }
        }
        return best;
    }

    // Drops members until the merged entry, placed at its insertion point, changes no key's route:
    // it must not take keys that now reach an entry below it or no entry (the down check), and no
    // member's keys may be taken on their way down to it by an entry in between (the up check).
    // Gives up, returning nothing, once no more than `beat` members would be left.
    std::vector<int> refine(std::vector<int> members, std::size_t beat) const {
        while (members.size() > beat) {
            const key_space m = merged(members);
            const std::size_t at = insertion_point(generality(m.mask));
            if (const auto covered = covered_below(m, at, members); !covered.empty()) {
                members = exclude(members, m, covered);
                continue;
            }
            std::vector<int> kept;
            for (const int i : members) {
                if (!blocked_on_way_down(i, at, members)) {
                    kept.push_back(i);
                }
            }
            if (kept.size() == members.size()) {
                return members;
            }
            // When too few would be left, rather make the merge more specific, which moves it up
            // past the entries that block its members.
            members = kept.size() <= beat ? narrow(members, m) : std::move(kept);
        }
        return {};
    }

    // The members left after fixing the free bit of the merge, to the value, that keeps the most
    // of them (the lowest bit of those).
    std::vector<int> narrow(const std::vector<int>& members, key_space m) const {
        std::size_t best_kept = 0;
        std::uint32_t best_bit = 0;
        std::uint32_t best_value = 0;
        for (int bit = 0; bit < 32; ++bit) {
            const std::uint32_t b = 1u << bit;
            if ((m.mask & b) != 0) {
                continue;
            }
            for (const std::uint32_t value : {0u, b}) {
                std::size_t kept = 0;
                for (const int i : members) {
                    const key_space k = table_[static_cast<std::size_t>(i)].keys;
                    kept += (k.mask & b) != 0 && (k.key & b) == value ? 1 : 0;
                }
                if (kept > best_kept) {
                    best_kept = kept;
                    best_bit = b;
                    best_value = value;
                }
            }
        }
        std::vector<int> result;
        for (const int i : members) {
            const key_space k = table_[static_cast<std::size_t>(i)].keys;
            if (best_kept > 0 && (k.mask & best_bit) != 0 && (k.key & best_bit) == best_value) {
                result.push_back(i);
            }
        }
        return result;
    }

    // The key spaces, reaching an entry at or after `at` (not a member) or no entry, that `m`
    // would take.
    std::vector<key_space> covered_below(key_space m, std::size_t at,
                                         const std::vector<int>& members) const {
        std::vector<key_space> covered;
        for (std::size_t j = at; j < table_.size(); ++j) {
            if (!overlaps(m, table_[j].keys) ||
                std::binary_search(members.begin(), members.end(), static_cast<int>(j))) {
                continue; // none of its keys can be taken, or they stay on this route
            }
            for (const key_space& a : table_[j].aliases) {
                if (overlaps(m, a)) {
                    covered.push_back(a);
                }
            }
        }
        for (const key_space& a : bottom_) {
            if (overlaps(m, a)) {
                covered.push_back(a);
            }
        }
        return covered;
    }

    // Members left after fixing one free bit of the merge to a value that some covered key space
    // does not have there, so that the merge no longer takes it: of all such choices, the one
    // that keeps the most members, then the one that sets aside the most covered spaces, then the
    // lowest bit. None when no bit can do it.
    std::vector<int> exclude(const std::vector<int>& members, key_space m,
                             const std::vector<key_space>& covered) const {
        std::size_t best_kept = 0;
        std::size_t best_cleared = 0;
        std::uint32_t best_bit = 0;
        std::uint32_t best_value = 0;
        for (int bit = 0; bit < 32; ++bit) {
            const std::uint32_t b = 1u << bit;
            if ((m.mask & b) != 0) {
                continue;
            }
            for (const std::uint32_t value : {0u, b}) {
                std::size_t cleared = 0;
                for (const key_space& c : covered) {
                    cleared += (c.mask & b) != 0 && (c.key & b) != value ? 1 : 0;
                }
                if (cleared == 0) {
                    continue;
                }
                std::size_t kept = 0;
                for (const int i : members) {
                    const key_space k = table_[static_cast<std::size_t>(i)].keys;
                    kept += (k.mask & b) != 0 && (k.key & b) == value ? 1 : 0;
                }
                if (kept > best_kept || (kept == best_kept && kept > 0 && cleared > best_cleared)) {
                    best_kept = kept;
                    best_cleared = cleared;
                    best_bit = b;
                    best_value = value;
                }
            }
        }
        std::vector<int> result;
        if (best_kept == 0) {
            return result;
        }
        for (const int i : members) {
            const key_space k = table_[static_cast<std::size_t>(i)].keys;
            if ((k.mask & best_bit) != 0 && (k.key & best_bit) == best_value) {
                result.push_back(i);
            }
        }
        return result;
    }

    // Whether an entry between member i and the insertion point would take some of i's keys once
    // i is gone.
    bool blocked_on_way_down(int i, std::size_t at, const std::vector<int>& members) const {
        const working_entry& e = table_[static_cast<std::size_t>(i)];
        for (std::size_t j = static_cast<std::size_t>(i) + 1; j < at; ++j) {
            if (!overlaps(e.keys, table_[j].keys)) {
                continue;
            }
            if (std::binary_search(members.begin(), members.end(), static_cast<int>(j))) {
                continue;
            }
            if (any_overlap(e.aliases, table_[j].keys)) {
                return true;
            }
        }
        return false;
    }

    void apply(const std::vector<int>& members) {
        working_entry entry;
        entry.keys = merged(members);
        entry.route = table_[static_cast<std::size_t>(members.front())].route;
        entry.generality = generality(entry.keys.mask);
        const std::size_t at = insertion_point(entry.generality);
        for (const int i : members) {
            const auto& aliases = table_[static_cast<std::size_t>(i)].aliases;
            entry.aliases.insert(entry.aliases.end(), aliases.begin(), aliases.end());
        }
        std::vector<working_entry> next;
        next.reserve(table_.size() - members.size() + 1);
        std::size_t m = 0;
        for (std::size_t i = 0; i <= table_.size(); ++i) {
            if (i == at) {
                next.push_back(std::move(entry));
            }
            if (i == table_.size()) {
                break;
            }
            if (m < members.size() && static_cast<std::size_t>(members[m]) == i) {
                ++m;
                continue;
            }
            next.push_back(std::move(table_[i]));
        }
        table_ = std::move(next);
    }

    std::vector<working_entry> table_;
    std::vector<key_space> bottom_;
};

} // namespace

routing_table minimise(const routing_table& table, const std::vector<key_space>& default_routed,
                       std::size_t stop_at) {
    std::vector<working_entry> work;
    work.reserve(table.entries.size());
    for (const route_entry& e : table.entries) {
        if (well_formed(e.keys())) {
            work.push_back({e.keys(), e.route, generality(e.mask), {e.keys()}});
        }
    }
    // Most specific first; a stable sort keeps the table's meaning when no overlapping pair of
    // different routes has its more general entry first.
    for (std::size_t i = 0; i < work.size(); ++i) {
        for (std::size_t j = i + 1; j < work.size(); ++j) {
            if (work[i].generality > work[j].generality && work[i].route != work[j].route &&
                overlaps(work[i].keys, work[j].keys)) {
                throw compile_error(
                    "", "routing table of chip " + chip_name(table.chip) + ": entry " +
                            key_name(work[i].keys.key) + "/" + key_name(work[i].keys.mask) +
                            " comes before the more specific " + key_name(work[j].keys.key) + "/" +
                            key_name(work[j].keys.mask) +
                            ", which it overlaps; compression sorts entries "
                            "most specific first and would change their routes");
            }
        }
    }
    std::stable_sort(work.begin(), work.end(), [](const working_entry& a, const working_entry& b) {
        return a.generality < b.generality;
    });
    // Keys inside one entry match it, not the default route.
    std::vector<key_space> unmatched;
    for (const key_space& k : default_routed) {
        if (!well_formed(k)) {
            continue;
        }
        const bool inside = std::any_of(
            work.begin(), work.end(), [k](const working_entry& e) { return contains(e.keys, k); });
        if (!inside) {
            unmatched.push_back(k);
        }
    }
    minimiser m(std::move(work), std::move(unmatched));
    m.run(stop_at);
    routing_table result;
    result.chip = table.chip;
    for (const working_entry& e : m.table()) {
        result.entries.push_back({e.keys.key, e.keys.mask, e.route});
    }
    return result;
}

routing_table compress(const routing_table& table, std::size_t limit,
                       const std::vector<key_space>& default_routed) {
    if (table.entries.size() <= limit) {
        return table;
    }
    routing_table result = minimise(table, default_routed, limit);
    if (result.entries.size() > limit) {
        throw capacity_error(
            "", chip_name(table.chip), "routing table entries", result.entries.size(), limit,
            "routing table of chip " + chip_name(table.chip) + " needs " +
                std::to_string(result.entries.size()) + " entries after compression (" +
                std::to_string(table.entries.size()) + " before); the chip has room for " +
                std::to_string(limit));
    }
    return result;
}

std::vector<routing_table> compress_routes(const board& machine,
                                           const std::vector<routing_table>& tables,
                                           const std::vector<multicast_source>& sources) {
    std::vector<routing_table> result;
    result.reserve(tables.size());
    std::vector<std::vector<key_space>> defaults;
    bool defaults_known = false;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        const chip* at = machine.find_chip(tables[i].chip);
        const std::size_t limit =
            at == nullptr ? 0
                          : static_cast<std::size_t>(std::max(at->application_router_entries, 0));
        if (tables[i].entries.size() <= limit) {
            result.push_back(tables[i]);
            continue;
        }
        if (!defaults_known) {
            defaults = default_routed_keys(machine, tables, sources);
            defaults_known = true;
        }
        result.push_back(compress(tables[i], limit, defaults[i]));
    }
    return result;
}

} // namespace sf::mapper
