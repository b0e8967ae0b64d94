// Key spaces and their allocation (docs/routing.md, "Keys").
#include <algorithm>
#include <bitset>
#include <numeric>
#include <string>

#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/routing_keys.hpp>

namespace sf::mapper {
namespace {

int free_bits(std::uint32_t mask) { return 32 - static_cast<int>(std::bitset<32>(mask).count()); }

// Masks of the form 1…10…0: their key spaces are intervals [key, key + size).
bool high_bits_only(std::uint32_t mask) {
    const std::uint32_t low = ~mask;
    return (low & (low + 1u)) == 0;
}

int bits_for(int neurons) {
    int bits = 0;
    while ((1 << bits) < neurons) {
        ++bits;
    }
    return bits;
}

} // namespace

bool well_formed(key_space s) { return (s.key & ~s.mask) == 0; }

bool matches(key_space s, std::uint32_t key) { return (key & s.mask) == s.key; }

std::uint64_t size(key_space s) {
    return well_formed(s) ? std::uint64_t{1} << free_bits(s.mask) : 0;
}

bool overlaps(key_space a, key_space b) {
    return well_formed(a) && well_formed(b) && ((a.key ^ b.key) & a.mask & b.mask) == 0;
}

bool contains(key_space outer, key_space inner) {
    if (!well_formed(inner)) {
        return true;
    }
    // Every bit outer fixes, inner fixes to the same value.
    return well_formed(outer) && (outer.mask & ~inner.mask) == 0 &&
           ((outer.key ^ inner.key) & outer.mask) == 0;
}

std::optional<key_space> intersection(key_space a, key_space b) {
    if (!overlaps(a, b)) {
        return std::nullopt;
    }
    return key_space{a.key | b.key, a.mask | b.mask};
}

std::vector<key_space> subtract(key_space from, key_space taken) {
    std::vector<key_space> pieces;
    if (!well_formed(from)) {
        return pieces;
    }
    if (!overlaps(from, taken)) {
        pieces.push_back(from);
        return pieces;
    }
    // Bits `taken` fixes and `from` leaves free: the keys that differ from `taken` at the first
    // such bit, then those that agree there and differ at the next, and so on.
    key_space rest = from;
    const std::uint32_t split = taken.mask & ~from.mask;
    for (int bit = 0; bit < 32; ++bit) {
        const std::uint32_t b = 1u << bit;
        if ((split & b) == 0) {
            continue;
        }
        pieces.push_back({rest.key | (~taken.key & b), rest.mask | b});
        rest.key |= taken.key & b;
        rest.mask |= b;
    }
    return pieces;
}

std::vector<key_space> allocate_keys(const std::vector<int>& neurons_per_source) {
    std::vector<int> bits(neurons_per_source.size());
    std::uint64_t needed = 0;
    for (std::size_t i = 0; i < neurons_per_source.size(); ++i) {
        const int n = neurons_per_source[i];
        if (n < 1 || n > max_neurons_per_source) {
            const std::string message = "routing keys: source " + std::to_string(i) + " has " +
                                        std::to_string(n) + " neurons; a source has 1 to " +
                                        std::to_string(max_neurons_per_source);
            if (n < 1) {
                throw compile_error("", message);
            }
            throw capacity_error("", "source " + std::to_string(i), "neurons per source",
                                 static_cast<std::uint64_t>(n),
                                 static_cast<std::uint64_t>(max_neurons_per_source), message);
        }
        bits[i] = bits_for(n);
        needed += std::uint64_t{1} << bits[i];
    }
    constexpr std::uint64_t available = std::uint64_t{1} << 32;
    if (needed > available) {
        throw capacity_error("", "network", "routing keys", needed, available,
                             "routing keys: " + std::to_string(neurons_per_source.size()) +
                                 " sources need " + std::to_string(needed) +
                                 " keys; a 32-bit key has " + std::to_string(available));
    }
    // Largest spaces first: each then starts at a multiple of its own size.
    std::vector<std::size_t> order(bits.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&bits](std::size_t a, std::size_t b) { return bits[a] > bits[b]; });
    std::vector<key_space> result(bits.size());
    std::uint64_t next = 0;
    for (const std::size_t i : order) {
        const std::uint64_t span = std::uint64_t{1} << bits[i];
        result[i].key = static_cast<std::uint32_t>(next);
        result[i].mask = static_cast<std::uint32_t>(~(span - 1));
        next += span;
    }
    return result;
}

std::optional<std::pair<std::size_t, std::size_t>>
find_overlap(const std::vector<key_space>& spaces) {
    std::optional<std::pair<std::size_t, std::size_t>> found;
    const auto note = [&found](std::size_t a, std::size_t b) {
        const std::pair<std::size_t, std::size_t> pair{std::min(a, b), std::max(a, b)};
        if (!found || pair < *found) {
            found = pair;
        }
    };
    std::vector<std::size_t> intervals;
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < spaces.size(); ++i) {
        if (!well_formed(spaces[i])) {
            continue; // holds no key
        }
        (high_bits_only(spaces[i].mask) ? intervals : others).push_back(i);
    }
    // Intervals sorted by start: one overlaps an earlier one exactly when it starts before the
    // furthest end so far; the lowest pair among those seen is reported.
    std::sort(intervals.begin(), intervals.end(), [&spaces](std::size_t a, std::size_t b) {
        return spaces[a].key != spaces[b].key ? spaces[a].key < spaces[b].key : a < b;
    });
    std::size_t reach_owner = 0;
    std::uint64_t reach = 0;
    bool any = false;
    for (const std::size_t i : intervals) {
        const std::uint64_t start = spaces[i].key;
        const std::uint64_t end = start + size(spaces[i]);
        if (any && start < reach) {
            note(reach_owner, i);
        }
        if (!any || end > reach) {
            reach = end;
            reach_owner = i;
            any = true;
        }
    }
    for (const std::size_t i : others) {
        for (std::size_t j = 0; j < spaces.size(); ++j) {
            if (j != i && overlaps(spaces[i], spaces[j])) {
                note(i, j);
            }
        }
    }
    return found;
}

} // namespace sf::mapper
