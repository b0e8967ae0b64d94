#include <algorithm>

#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace sf::mapper {
namespace {

// Connections by target neuron: for each group, offsets into one list of connection indices.
struct incoming_index {
    std::vector<std::vector<std::uint32_t>> offsets; // per group: neurons + 1
    std::vector<std::uint32_t> connections;
};

incoming_index index_incoming(const lems::ir::network& net, const compiled_network& compiled) {
    incoming_index in;
    const std::size_t groups = net.groups.size();
    std::vector<std::vector<std::uint32_t>> counts(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        counts[g].assign(net.groups[g].members.size(), 0);
    }
    for (const auto& c : compiled.connections) {
        ++counts[static_cast<std::size_t>(c.target.group)][static_cast<std::size_t>(c.target.neuron)];
    }
    in.offsets.resize(groups);
    std::uint32_t total = 0;
    for (std::size_t g = 0; g < groups; ++g) {
        in.offsets[g].reserve(counts[g].size() + 1);
        in.offsets[g].push_back(total);
        for (std::uint32_t count : counts[g]) {
            total += count;
            in.offsets[g].push_back(total);
        }
    }
    in.connections.resize(total);
    std::vector<std::vector<std::uint32_t>> fill(groups);
    for (std::size_t g = 0; g < groups; ++g) {
        fill[g].assign(in.offsets[g].begin(), in.offsets[g].end() - 1);
    }
    for (std::size_t k = 0; k < compiled.connections.size(); ++k) {
        const auto& c = compiled.connections[k];
        in.connections[fill[static_cast<std::size_t>(c.target.group)][static_cast<std::size_t>(c.target.neuron)]++] =
            static_cast<std::uint32_t>(k);
    }
    return in;
}

std::uint32_t hold_of(int delay_steps, int delay_slots) {
    return delay_steps > delay_slots ? static_cast<std::uint32_t>(delay_steps - delay_slots) : 0u;
}

// What the synaptic matrix of neurons [first, first + count) of group g takes, given where every
// neuron is (slice_of); slices not yet assigned count as slices of their own.
std::uint64_t matrix_bytes(const compiled_network& compiled, const incoming_index& in, const partition_result& parts,
                           int g, int first, int count, int delay_slots) {
    std::vector<std::uint64_t> blocks; // (source slice << 32) | hold
    std::uint64_t words = 0;
    const auto& o = in.offsets[static_cast<std::size_t>(g)];
    for (int n = first; n < first + count; ++n) {
        for (std::uint32_t k = o[static_cast<std::size_t>(n)]; k < o[static_cast<std::size_t>(n) + 1]; ++k) {
            const auto& c = compiled.connections[in.connections[k]];
            const int source = parts.slice_of[static_cast<std::size_t>(c.source.group)][static_cast<std::size_t>(c.source.neuron)];
            blocks.push_back(static_cast<std::uint64_t>(source) << 32 | hold_of(c.delay_steps, delay_slots));
            ++words;
        }
    }
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    std::uint64_t entries = 0;
    std::uint64_t offsets = 0;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        const auto source = static_cast<std::size_t>(blocks[b] >> 32);
        entries += b == 0 || (blocks[b - 1] >> 32) != (blocks[b] >> 32) ? 1 : 0;
        offsets += static_cast<std::uint64_t>(parts.slices[source].count) + 1;
    }
    return synaptic_bytes(entries, blocks.size(), offsets, words);
}

} // namespace

int ring_slots(const core_limits& core) {
    int slots = 1;
    while (slots * 2 <= std::min(16, std::max(1, core.delay_slots))) {
        slots *= 2;
    }
    return slots;
}

partition_result partition(const lems::ir::network& net, const compiled_network& compiled, const core_limits& core) {
    partition_result parts;
    const int most_neurons = std::max(1, std::min(core.neurons, 256));
    const int delay_slots = ring_slots(core);
    // First by neurons and state memory; then slices whose matrix is too large are halved until
    // every one fits (a slice's matrix depends on how its sources are split, so until stable).
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const int neurons = static_cast<int>(net.groups[g].members.size());
        const std::int64_t words = std::max(1, compiled.groups[g].state_words);
        const int by_state = static_cast<int>(std::min<std::int64_t>(most_neurons, core.state_memory_words / words));
        if (by_state < 1) {
            throw compile_error(net.groups[g].label, "one neuron needs " + std::to_string(words) +
                                                         " state words; a core holds " +
                                                         std::to_string(core.state_memory_words));
        }
        parts.slice_of.emplace_back(static_cast<std::size_t>(neurons), -1);
        for (int first = 0; first < neurons; first += by_state) {
            const int count = std::min(by_state, neurons - first);
            for (int n = first; n < first + count; ++n) {
                parts.slice_of[g][static_cast<std::size_t>(n)] = static_cast<int>(parts.slices.size());
            }
            parts.slices.push_back({static_cast<int>(g), first, count});
        }
    }
    const incoming_index in = index_incoming(net, compiled);
    const auto budget = static_cast<std::uint64_t>(std::max<std::int64_t>(0, core.synaptic_memory_bytes));
    for (int round = 0; round < 64; ++round) {
        bool split = false;
        std::vector<slice> next;
        for (const slice& s : parts.slices) {
            const std::uint64_t bytes = matrix_bytes(compiled, in, parts, s.group, s.first, s.count, delay_slots);
            if (bytes <= budget) {
                next.push_back(s);
                continue;
            }
            if (s.count == 1) {
                throw compile_error(net.groups[static_cast<std::size_t>(s.group)].label,
                                    "neuron " + std::to_string(s.first) + " receives synapses needing " +
                                        std::to_string(bytes) + " bytes of synaptic matrix; a core holds " +
                                        std::to_string(budget));
            }
            const int half = s.count / 2;
            next.push_back({s.group, s.first, half});
            next.push_back({s.group, s.first + half, s.count - half});
            split = true;
        }
        parts.slices = std::move(next);
        for (std::size_t k = 0; k < parts.slices.size(); ++k) {
            const slice& s = parts.slices[k];
            for (int n = s.first; n < s.first + s.count; ++n) {
                parts.slice_of[static_cast<std::size_t>(s.group)][static_cast<std::size_t>(n)] = static_cast<int>(k);
            }
        }
        if (!split) {
            break;
        }
    }
    parts.synaptic_bytes.clear();
    for (const slice& s : parts.slices) {
        parts.synaptic_bytes.push_back(matrix_bytes(compiled, in, parts, s.group, s.first, s.count, delay_slots));
    }
    return parts;
}

} // namespace sf::mapper
