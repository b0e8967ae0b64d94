#include <algorithm>
#include <tuple>

#include <sf/firmware/synapse.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace sf::mapper {

std::uint64_t synaptic_bytes(std::uint64_t master_entries, std::uint64_t blocks, std::uint64_t row_offsets,
                             std::uint64_t words) {
    return 16 * master_entries + 12 * blocks + 4 * row_offsets + 4 * words;
}

std::uint64_t synaptic_matrix::bytes() const {
    return synaptic_bytes(master.size(), blocks.size(), row_offsets.size(), words.size());
}

std::vector<synaptic_matrix> build_synaptic_matrices(const compiled_network& compiled, const partition_result& parts,
                                                     const std::vector<std::uint32_t>& slice_keys,
                                                     const std::vector<std::uint32_t>& slice_masks, int delay_slots) {
    // Every connection as (target slice, source slice, hold, source neuron, word), then sorted.
    struct placed {
        std::uint32_t target;
        std::uint32_t source;
        std::uint32_t hold;
        std::uint32_t neuron; // within the source slice
        std::uint32_t word;
    };
    std::vector<placed> all;
    all.reserve(compiled.connections.size());
    for (const auto& c : compiled.connections) {
        const int source = parts.slice_of[static_cast<std::size_t>(c.source.group)][static_cast<std::size_t>(c.source.neuron)];
        const int target = parts.slice_of[static_cast<std::size_t>(c.target.group)][static_cast<std::size_t>(c.target.neuron)];
        const slice& s = parts.slices[static_cast<std::size_t>(source)];
        const slice& t = parts.slices[static_cast<std::size_t>(target)];
        firmware::synapse::fields f;
        f.weight = c.weight;
        const int ring_delay = std::min(c.delay_steps, delay_slots);
        f.delay = static_cast<std::uint32_t>(ring_delay);
        f.channel = static_cast<std::uint32_t>(c.channel);
        f.target = static_cast<std::uint32_t>(c.target.neuron - t.first);
        std::uint32_t word = 0;
        if (!firmware::synapse::encode(f, word)) {
            throw compile_error("", "a connection does not fit a synaptic word (weight " + std::to_string(c.weight) +
                                        ", delay " + std::to_string(ring_delay) + ", channel " +
                                        std::to_string(c.channel) + ")");
        }
        all.push_back({static_cast<std::uint32_t>(target), static_cast<std::uint32_t>(source),
                       static_cast<std::uint32_t>(c.delay_steps - ring_delay),
                       static_cast<std::uint32_t>(c.source.neuron - s.first), word});
    }
    std::sort(all.begin(), all.end(), [](const placed& a, const placed& b) {
        return std::tie(a.target, a.source, a.hold, a.neuron, a.word) < std::tie(b.target, b.source, b.hold, b.neuron, b.word);
    });

    std::vector<synaptic_matrix> matrices(parts.slices.size());
    std::size_t at = 0;
    while (at < all.size()) {
        synaptic_matrix& m = matrices[all[at].target];
        const std::uint32_t target = all[at].target;
        while (at < all.size() && all[at].target == target) {
            // One master entry per source slice, with a block per hold.
            const std::uint32_t source = all[at].source;
            master_entry entry;
            entry.key = slice_keys[source];
            entry.mask = slice_masks[source];
            entry.first_block = static_cast<std::uint32_t>(m.blocks.size());
            while (at < all.size() && all[at].target == target && all[at].source == source) {
                row_block block;
                block.hold = all[at].hold;
                block.neurons = static_cast<std::uint32_t>(parts.slices[source].count);
                block.first_offset = static_cast<std::uint32_t>(m.row_offsets.size());
                std::uint32_t neuron = 0;
                while (at < all.size() && all[at].target == target && all[at].source == source &&
                       all[at].hold == block.hold) {
                    while (neuron <= all[at].neuron) {
                        m.row_offsets.push_back(static_cast<std::uint32_t>(m.words.size()));
                        ++neuron;
                    }
                    m.words.push_back(all[at].word);
                    ++at;
                }
                while (neuron <= block.neurons) {
                    m.row_offsets.push_back(static_cast<std::uint32_t>(m.words.size()));
                    ++neuron;
                }
                m.blocks.push_back(block);
            }
            entry.block_count = static_cast<std::uint32_t>(m.blocks.size()) - entry.first_block;
            m.master.push_back(entry);
        }
    }
    for (auto& m : matrices) {
        std::sort(m.master.begin(), m.master.end(),
                  [](const master_entry& a, const master_entry& b) { return a.key < b.key; });
    }
    return matrices;
}

} // namespace sf::mapper
