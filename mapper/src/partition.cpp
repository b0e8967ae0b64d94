#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <sf/firmware/core_config.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace sf::mapper {
namespace {

// What the synaptic matrix of slice `s` takes, given where every source neuron is
// (slice_of_global). A source slice is counted once where stamp[source] != mark, then marked.
std::uint64_t matrix_bytes(const incoming_synapses& in, const partition_result& parts,
                           const std::vector<std::uint32_t>& slice_of_global, const slice& s,
                           std::vector<std::uint32_t>& stamp, std::uint32_t mark) {
    const std::uint32_t first = in.global(s.group, s.first);
    const std::uint64_t begin = in.first[first];
    const std::uint64_t end = in.first[first + static_cast<std::uint32_t>(s.count)];
    std::uint64_t entries = 0;
    std::uint64_t blocks = 0;
    std::uint64_t offsets = 0;
    std::vector<std::uint64_t> held; // (source slice << 32) | hold
    std::vector<std::uint32_t> sources;
    for (std::uint64_t e = begin; e < end; ++e) {
        const std::uint32_t source = slice_of_global[in.source[e]];
        if (in.hold(e) != 0) {
            held.push_back(static_cast<std::uint64_t>(source) << 32 | in.hold(e));
            continue;
        }
        if (stamp[source] != mark) {
            stamp[source] = mark;
            sources.push_back(source);
            ++blocks;
            offsets += static_cast<std::uint64_t>(parts.slices[source].count) + 1;
        }
    }
    std::sort(held.begin(), held.end());
    held.erase(std::unique(held.begin(), held.end()), held.end());
    for (std::uint64_t h : held) {
        const auto source = static_cast<std::uint32_t>(h >> 32);
        ++blocks;
        offsets += static_cast<std::uint64_t>(parts.slices[source].count) + 1;
        if (stamp[source] != mark) {
            stamp[source] = mark;
            sources.push_back(source);
        }
    }
    entries = sources.size();
    return synaptic_bytes(entries, blocks, offsets, end - begin);
}

// Sizes of slices' synaptic matrices as the partition changes: where every source neuron is, and
// a stamp per source slice so that each is counted once per matrix.
class matrix_sizes {
public:
    matrix_sizes(const incoming_synapses& in, const partition_result& parts)
        : in_(in), parts_(parts), slice_of_global_(in.first.size() - 1, 0) {
        locate();
    }

    // Records where every neuron is after the slices changed.
    void locate() {
        for (std::size_t k = 0; k < parts_.slices.size(); ++k) {
            const slice& s = parts_.slices[k];
            for (int n = 0; n < s.count; ++n) {
                slice_of_global_[in_.global(s.group, s.first + n)] = static_cast<std::uint32_t>(k);
            }
        }
    }

    std::uint64_t bytes(const slice& s) {
        if (stamp_.size() < parts_.slices.size()) {
            stamp_.resize(parts_.slices.size(), 0);
        }
        if (++mark_ == 0) { // wrapped: forget every old mark
            std::fill(stamp_.begin(), stamp_.end(), 0);
            mark_ = 1;
        }
        return matrix_bytes(in_, parts_, slice_of_global_, s, stamp_, mark_);
    }

private:
    const incoming_synapses& in_;
    const partition_result& parts_;
    std::vector<std::uint32_t> slice_of_global_;
    std::vector<std::uint32_t> stamp_;
    std::uint32_t mark_ = 0;
};

// Slices of every group by neurons and state memory: as many neurons as fit, in order.
void slice_by_state(const lems::ir::network& net, const compiled_network& compiled,
                    const core_limits& core, partition_result& parts) {
    const int most_neurons =
        std::max(1, std::min(core.neurons, static_cast<int>(firmware::max_neurons)));
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const int neurons = static_cast<int>(net.groups[g].members.size());
        const std::int64_t words = std::max(1, compiled.groups[g].state_words);
        const int by_state =
            static_cast<int>(std::min<std::int64_t>(most_neurons, core.state_memory_words / words));
        if (by_state < 1) {
            throw capacity_error(net.groups[g].label, net.groups[g].label, "state memory words",
                                 static_cast<std::uint64_t>(words),
                                 static_cast<std::uint64_t>(core.state_memory_words),
                                 "one neuron needs " + std::to_string(words) +
                                     " state words; a core holds " +
                                     std::to_string(core.state_memory_words));
        }
        parts.splits.push_back(
            {by_state, 0,
             by_state < most_neurons ? core_bound::state_memory : core_bound::neurons});
        parts.slice_of.emplace_back(static_cast<std::size_t>(neurons), -1);
        for (int first = 0; first < neurons; first += by_state) {
            const int count = std::min(by_state, neurons - first);
            for (int n = first; n < first + count; ++n) {
                parts.slice_of[g][static_cast<std::size_t>(n)] =
                    static_cast<int>(parts.slices.size());
            }
            parts.slices.push_back({static_cast<int>(g), first, count});
        }
    }
}

// Halves every slice whose matrix is over the budget, once; true when one was.
bool halve_oversized(const lems::ir::network& net, std::uint64_t budget, matrix_sizes& sizes,
                     partition_result& parts) {
    bool split = false;
    std::vector<slice> next;
    for (const slice& s : parts.slices) {
        const std::uint64_t bytes = sizes.bytes(s);
        if (bytes <= budget) {
            next.push_back(s);
            continue;
        }
        if (s.count == 1) {
            const std::string& label = net.groups[static_cast<std::size_t>(s.group)].label;
            throw capacity_error(label, label, "synaptic memory bytes", bytes, budget,
                                 "neuron " + std::to_string(s.first) +
                                     " receives synapses needing " + std::to_string(bytes) +
                                     " bytes of synaptic matrix; a core holds " +
                                     std::to_string(budget));
        }
        const int half = s.count / 2;
        parts.splits[static_cast<std::size_t>(s.group)].bound = core_bound::synaptic_memory;
        next.push_back({s.group, s.first, half});
        next.push_back({s.group, s.first + half, s.count - half});
        split = true;
    }
    parts.slices = std::move(next);
    for (std::size_t k = 0; k < parts.slices.size(); ++k) {
        const slice& s = parts.slices[k];
        for (int n = s.first; n < s.first + s.count; ++n) {
            parts.slice_of[static_cast<std::size_t>(s.group)][static_cast<std::size_t>(n)] =
                static_cast<int>(k);
        }
    }
    sizes.locate();
    return split;
}

} // namespace

const char* to_string(core_bound bound) {
    switch (bound) {
    case core_bound::neurons: return "neurons per core";
    case core_bound::state_memory: return "state memory";
    case core_bound::synaptic_memory: return "synaptic memory";
    }
    return "?";
}

int ring_slots(const core_limits& core) {
    int slots = 1;
    const int most = static_cast<int>(firmware::max_delay_slots);
    while (slots * 2 <= std::min(most, std::max(1, core.delay_slots))) {
        slots *= 2;
    }
    return slots;
}

partition_result partition(const lems::ir::network& net, const compiled_network& compiled,
                           const core_limits& core) {
    return partition(net, compiled, index_incoming(net, compiled, ring_slots(core)), core);
}

partition_result partition(const lems::ir::network& net, const compiled_network& compiled,
                           const incoming_synapses& in, const core_limits& core) {
    partition_result parts;
    // First by neurons and state memory; then slices whose matrix is too large are halved until
    // every one fits (a slice's matrix depends on how its sources are split, so until stable).
    slice_by_state(net, compiled, core, parts);
    matrix_sizes sizes(in, parts);
    const auto budget =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, core.synaptic_memory_bytes));
    for (int round = 0; round < 64; ++round) {
        if (!halve_oversized(net, budget, sizes, parts)) {
            break;
        }
    }
    parts.synaptic_bytes.clear();
    for (const slice& s : parts.slices) {
        parts.synaptic_bytes.push_back(sizes.bytes(s));
        ++parts.splits[static_cast<std::size_t>(s.group)].slices;
    }
    return parts;
}

std::vector<slice_traffic> synapses_between_slices(const incoming_synapses& in,
                                                   const partition_result& parts) {
    std::vector<std::uint32_t> slice_of_global(in.first.size() - 1, 0);
    for (std::size_t k = 0; k < parts.slices.size(); ++k) {
        const slice& s = parts.slices[k];
        for (int n = 0; n < s.count; ++n) {
            slice_of_global[in.global(s.group, s.first + n)] = static_cast<std::uint32_t>(k);
        }
    }
    std::vector<slice_traffic> traffic;
    std::vector<std::uint64_t> count(parts.slices.size(), 0);
    std::vector<std::uint32_t> sources;
    for (std::size_t t = 0; t < parts.slices.size(); ++t) {
        const slice& s = parts.slices[t];
        const std::uint32_t first = in.global(s.group, s.first);
        for (std::uint64_t e = in.first[first];
             e < in.first[first + static_cast<std::uint32_t>(s.count)]; ++e) {
            const std::uint32_t source = slice_of_global[in.source[e]];
            if (count[source]++ == 0) {
                sources.push_back(source);
            }
        }
        for (std::uint32_t source : sources) {
            traffic.push_back({static_cast<int>(source), static_cast<int>(t),
                               static_cast<double>(count[source])});
            count[source] = 0;
        }
        sources.clear();
    }
    std::sort(traffic.begin(), traffic.end(), [](const slice_traffic& a, const slice_traffic& b) {
        return a.source != b.source ? a.source < b.source : a.target < b.target;
    });
    return traffic;
}

} // namespace sf::mapper
