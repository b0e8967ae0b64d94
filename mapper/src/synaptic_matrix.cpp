#include <algorithm>
#include <limits>
#include <map>
#include <string>

#include <sf/firmware/synapse.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace sf::mapper {
namespace {

constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

// Where every global neuron is: its slice and its index there.
struct slice_map {
    std::vector<std::uint32_t> slice;
    std::vector<std::uint32_t> local;
};

slice_map map_slices(const incoming_synapses& in, const partition_result& parts) {
    slice_map where;
    where.slice.assign(in.first.size() - 1, none);
    where.local.assign(where.slice.size(), 0);
    for (std::size_t s = 0; s < parts.slices.size(); ++s) {
        const slice& sl = parts.slices[s];
        for (int n = 0; n < sl.count; ++n) {
            const std::uint32_t g = in.global(sl.group, sl.first + n);
            where.slice[g] = static_cast<std::uint32_t>(s);
            where.local[g] = static_cast<std::uint32_t>(n);
        }
    }
    return where;
}

// Blocks of one target slice: (source slice, hold) pairs, found without a search for the common
// hold 0 and through a small map for the others.
class block_finder {
public:
    explicit block_finder(std::size_t slices) : zero_(slices, none) {}

    void add(std::uint32_t source, std::uint32_t hold) {
        if (hold == 0) {
            if (zero_[source] == none) {
                zero_[source] = 0;
                pairs_.emplace_back(source, 0);
            }
        } else if (held_.emplace(std::make_pair(source, hold), 0).second) {
            pairs_.emplace_back(source, hold);
        }
    }
    // Numbers the blocks in (source, hold) order; returns the pairs in that order.
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& number() {
        std::sort(pairs_.begin(), pairs_.end());
        for (std::size_t b = 0; b < pairs_.size(); ++b) {
            const auto [source, hold] = pairs_[b];
            (hold == 0 ? zero_[source] : held_[pairs_[b]]) = static_cast<std::uint32_t>(b);
        }
        return pairs_;
    }
    std::uint32_t block(std::uint32_t source, std::uint32_t hold) const {
        return hold == 0 ? zero_[source] : held_.at({source, hold});
    }
    void clear() {
        for (const auto& [source, hold] : pairs_) {
            if (hold == 0) {
                zero_[source] = none;
            }
        }
        pairs_.clear();
        held_.clear();
    }

private:
    std::vector<std::uint32_t> zero_;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> held_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs_;
};

} // namespace

std::uint64_t synaptic_bytes(std::uint64_t master_entries, std::uint64_t blocks,
                             std::uint64_t row_offsets, std::uint64_t words) {
    return 16 * master_entries + 12 * blocks + 4 * row_offsets + 4 * words;
}

std::uint64_t synaptic_matrix::bytes() const {
    return synaptic_bytes(master.size(), blocks.size(), row_offsets.size(), words.size());
}

std::vector<synaptic_matrix>
build_synaptic_matrices(const incoming_synapses& in, const partition_result& parts,
                        const std::vector<std::uint32_t>& slice_keys,
                        const std::vector<std::uint32_t>& slice_masks) {
    const slice_map where = map_slices(in, parts);
    std::vector<synaptic_matrix> matrices(parts.slices.size());
    block_finder blocks(parts.slices.size());
    std::vector<std::uint32_t> row_of;   // per incoming word of the slice
    std::vector<std::uint32_t> row_base; // per block: its first row
    std::vector<std::uint32_t> offsets;  // per row + 1
    for (std::size_t t = 0; t < parts.slices.size(); ++t) {
        const slice& target = parts.slices[t];
        const std::uint64_t begin = in.first[in.global(target.group, target.first)];
        const std::uint64_t end = in.first[in.global(target.group, target.first) +
                                           static_cast<std::uint32_t>(target.count)];
        if (begin == end) {
            continue;
        }
        if (target.count - 1 > static_cast<int>(firmware::synapse::max_target)) {
            throw capacity_error("", "slice " + std::to_string(t), "neurons per core",
                                 static_cast<std::uint64_t>(target.count),
                                 std::uint64_t{firmware::synapse::max_target} + 1,
                                 "a connection does not fit a synaptic word (weight " +
                                     std::to_string(firmware::synapse::weight(in.word[end - 1])) +
                                     ", target neuron " + std::to_string(target.count - 1) +
                                     " of a core of at most " +
                                     std::to_string(firmware::synapse::max_target + 1) + ")");
        }
        for (std::uint64_t e = begin; e < end; ++e) {
            blocks.add(where.slice[in.source[e]], in.hold[e]);
        }
        const auto& pairs = blocks.number();
        row_base.clear();
        std::uint32_t rows = 0;
        for (const auto& pair : pairs) {
            row_base.push_back(rows);
            rows += static_cast<std::uint32_t>(parts.slices[pair.first].count);
        }

        // Words by row (a counting sort), each row then in ascending order.
        offsets.assign(static_cast<std::size_t>(rows) + 1, 0);
        row_of.resize(end - begin);
        for (std::uint64_t e = begin; e < end; ++e) {
            const std::uint32_t source = in.source[e];
            const std::uint32_t row =
                row_base[blocks.block(where.slice[source], in.hold[e])] + where.local[source];
            row_of[e - begin] = row;
            ++offsets[row + 1];
        }
        for (std::size_t r = 1; r < offsets.size(); ++r) {
            offsets[r] += offsets[r - 1];
        }
        synaptic_matrix& m = matrices[t];
        m.words.resize(end - begin);
        {
            std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
            for (int n = 0; n < target.count; ++n) {
                const std::uint32_t g = in.global(target.group, target.first + n);
                for (std::uint64_t e = in.first[g]; e < in.first[g + 1]; ++e) {
                    m.words[fill[row_of[e - begin]]++] = in.word[e] | static_cast<std::uint32_t>(n);
                }
            }
        }
        for (std::size_t r = 0; r + 1 < offsets.size(); ++r) {
            std::sort(m.words.begin() + offsets[r], m.words.begin() + offsets[r + 1]);
        }

        // One master entry per source slice, with a block per hold.
        for (std::size_t b = 0; b < pairs.size(); ++b) {
            const auto [source, hold] = pairs[b];
            if (b == 0 || pairs[b - 1].first != source) {
                master_entry entry;
                entry.key = slice_keys[source];
                entry.mask = slice_masks[source];
                entry.first_block = static_cast<std::uint32_t>(m.blocks.size());
                m.master.push_back(entry);
            }
            ++m.master.back().block_count;
            row_block block;
            block.hold = hold;
            block.neurons = static_cast<std::uint32_t>(parts.slices[source].count);
            block.first_offset = static_cast<std::uint32_t>(m.row_offsets.size());
            m.row_offsets.insert(m.row_offsets.end(), offsets.begin() + row_base[b],
                                 offsets.begin() + row_base[b] + block.neurons + 1);
            m.blocks.push_back(block);
        }
        std::sort(m.master.begin(), m.master.end(),
                  [](const master_entry& a, const master_entry& b) { return a.key < b.key; });
        blocks.clear();
    }
    return matrices;
}

} // namespace sf::mapper
