#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <sf/firmware/core_config.hpp>
#include <sf/lems/parallel_items.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace sf::mapper {
namespace {

// A thread's marks of what it has counted in the matrix being measured: per source slice, and per
// (source slice, hold number).
struct counted_marks {
    std::vector<std::uint32_t> source;
    std::vector<std::uint32_t> pair;
};

// What the synaptic matrix of slice `s` takes, given where every source neuron is
// (slice_of_global): a master entry per source slice, a block per (source slice, hold). Each is
// counted once, where its mark is not yet `mark`.
std::uint64_t matrix_bytes(const incoming_synapses& in, const hold_numbers& holds,
                           const partition_result& parts,
                           const std::vector<std::uint32_t>& slice_of_global, const slice& s,
                           counted_marks& marks, std::uint32_t mark) {
    const std::uint32_t first = in.global(s.group, s.first);
    const std::uint64_t begin = in.first[first];
    const std::uint64_t end = in.first[first + static_cast<std::uint32_t>(s.count)];
    const std::size_t hold_count = holds.count();
    std::uint64_t entries = 0;
    std::uint64_t blocks = 0;
    std::uint64_t offsets = 0;
    for (std::uint64_t e = begin; e < end; ++e) {
        const std::uint32_t source = slice_of_global[in.source[e]];
        std::uint32_t& pair = marks.pair[source * hold_count + holds.of(e)];
        if (pair == mark) {
            continue;
        }
        pair = mark;
        ++blocks;
        offsets += static_cast<std::uint64_t>(parts.slices[source].count) + 1;
        if (marks.source[source] != mark) {
            marks.source[source] = mark;
            ++entries;
        }
    }
    return synaptic_bytes(entries, blocks, offsets, end - begin);
}

// Sizes of slices' synaptic matrices as the partition changes: where every source neuron is, and
// per thread the marks of what is counted.
class matrix_sizes {
public:
    matrix_sizes(const incoming_synapses& in, const partition_result& parts, std::size_t threads)
        : in_(in), holds_(in), parts_(parts), threads_(threads),
          slice_of_global_(in.first.size() - 1, 0) {
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

    // The matrix bytes of every slice, slice by slice.
    std::vector<std::uint64_t> bytes() {
        const std::size_t slices = parts_.slices.size();
        const std::size_t threads = lems::threads_for(threads_, slices);
        std::vector<counted_marks> marks(threads,
                                         {std::vector<std::uint32_t>(slices, 0),
                                          std::vector<std::uint32_t>(slices * holds_.count(), 0)});
        std::vector<std::uint64_t> bytes(slices, 0);
        lems::for_each_item(slices, threads, [&](std::size_t k, std::size_t worker) {
            bytes[k] = matrix_bytes(in_, holds_, parts_, slice_of_global_, parts_.slices[k],
                                    marks[worker], static_cast<std::uint32_t>(k + 1));
        });
        return bytes;
    }

private:
    const incoming_synapses& in_;
    const hold_numbers holds_;
    const partition_result& parts_;
    const std::size_t threads_;
    std::vector<std::uint32_t> slice_of_global_;
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
    const std::vector<std::uint64_t> all_bytes = sizes.bytes();
    for (std::size_t k = 0; k < parts.slices.size(); ++k) {
        const slice& s = parts.slices[k];
        const std::uint64_t bytes = all_bytes[k];
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
                           const core_limits& core, std::size_t threads) {
    return partition(net, compiled, index_incoming(net, compiled, ring_slots(core), {}, threads),
                     core, threads);
}

partition_result partition(const lems::ir::network& net, const compiled_network& compiled,
                           const incoming_synapses& in, const core_limits& core,
                           std::size_t threads) {
    partition_result parts;
    // First by neurons and state memory; then slices whose matrix is too large are halved until
    // every one fits (a slice's matrix depends on how its sources are split, so until stable).
    slice_by_state(net, compiled, core, parts);
    matrix_sizes sizes(in, parts, threads);
    const auto budget =
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, core.synaptic_memory_bytes));
    for (int round = 0; round < 64; ++round) {
        if (!halve_oversized(net, budget, sizes, parts)) {
            break;
        }
    }
    parts.synaptic_bytes = sizes.bytes();
    for (const slice& s : parts.slices) {
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
