#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

// Multicast keys (docs/routing.md, "Keys"): every packet carries a 32-bit key; a source core owns
// a key space and its neuron n sends key | n.
namespace sf::mapper {

// The neurons one key space can number: 16 bits of neuron index, the most neurons a board's core
// may have (docs/boards.md). SpiNNaker-like boards have 256 (8 bits).
constexpr int max_neurons_per_source = 1 << 16;

// The keys k with (k & mask) == key. Well formed when key has no bit outside mask; a router entry
// or key space that is not matches no key.
struct key_space {
    std::uint32_t key = 0;
    std::uint32_t mask = 0;

    friend bool operator==(key_space a, key_space b) { return a.key == b.key && a.mask == b.mask; }
    friend bool operator!=(key_space a, key_space b) { return !(a == b); }
};

bool well_formed(key_space s);
bool matches(key_space s, std::uint32_t key);
// Keys in the space: 2^(bits outside the mask); 0 when not well formed.
std::uint64_t size(key_space s);
// Whether some key is in both (false when either is not well formed).
bool overlaps(key_space a, key_space b);
// Whether every key of `inner` is in `outer` (an empty inner is in everything).
bool contains(key_space outer, key_space inner);
// The keys in both, itself a key space, or nothing.
std::optional<key_space> intersection(key_space a, key_space b);
// The keys of `from` that are not in `taken`, as disjoint key spaces (at most 32), lowest bit
// first.
std::vector<key_space> subtract(key_space from, key_space taken);

// One key space per source, in the sources' order: source i gets the smallest power of two of
// keys that numbers its neurons. Larger spaces come first in key order, so every space is aligned
// to its size and the spaces tile the key range without gaps or overlap; sources of one size sit
// next to each other in source order, which keeps their keys mergeable. Throws compile_error when
// a source has fewer than 1 neurons, and capacity_error when one has more than
// max_neurons_per_source or the sources need more than the 2^32 keys there are.
std::vector<key_space> allocate_keys(const std::vector<int>& neurons_per_source);

// Two sources whose key spaces overlap (lower index first), or nothing. Takes n log n for key
// spaces whose masks are high bits only (as allocate_keys makes), longer for others.
std::optional<std::pair<std::size_t, std::size_t>>
find_overlap(const std::vector<key_space>& spaces);

} // namespace sf::mapper
