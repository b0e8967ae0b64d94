#include <algorithm>
#include <limits>
#include <string>

#include <sf/firmware/synapse.hpp>
#include <sf/lems/parallel_items.hpp>
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

// Blocks of one target slice: (source slice, hold) pairs, each with a place in a table of source
// slices x hold numbers.
class block_finder {
public:
    block_finder(std::size_t slices, const hold_numbers& holds)
        : holds_(holds), hold_count_(holds.count()), block_(slices * holds.count(), none) {}

    void add(std::uint32_t source, std::uint64_t e, std::uint32_t hold) {
        std::uint32_t& block = block_[source * hold_count_ + holds_.of(e)];
        if (block == none) {
            block = 0;
            pairs_.emplace_back(source, hold);
        }
    }
    // Numbers the blocks in (source, hold) order; returns the pairs in that order.
    const std::vector<std::pair<std::uint32_t, std::uint32_t>>& number() {
        std::sort(pairs_.begin(), pairs_.end());
        for (std::size_t b = 0; b < pairs_.size(); ++b) {
            block_[slot(pairs_[b])] = static_cast<std::uint32_t>(b);
        }
        return pairs_;
    }
    std::uint32_t block(std::uint32_t source, std::uint64_t e) const {
        return block_[source * hold_count_ + holds_.of(e)];
    }
    void clear() {
        for (const auto& pair : pairs_) {
            block_[slot(pair)] = none;
        }
        pairs_.clear();
    }

private:
    std::size_t slot(const std::pair<std::uint32_t, std::uint32_t>& pair) const {
        return pair.first * hold_count_ + holds_.of_hold(pair.second);
    }

    const hold_numbers& holds_;
    const std::size_t hold_count_;
    std::vector<std::uint32_t> block_; // per (source slice, hold number): its block, or none
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs_;
};

// Builds matrices slice by slice, reusing its scratch vectors: one builder per thread.
class matrix_builder {
public:
    matrix_builder(const incoming_synapses& in, const partition_result& parts,
                   const slice_map& where, const hold_numbers& holds)
        : in_(in), parts_(parts), where_(where), blocks_(parts.slices.size(), holds) {}

    // The matrix of target slice t, its sources' spikes sent with the keys and masks given.
    synaptic_matrix build(std::size_t t, const std::vector<std::uint32_t>& slice_keys,
                          const std::vector<std::uint32_t>& slice_masks) {
        synaptic_matrix m;
        const slice& target = parts_.slices[t];
        begin_ = in_.first[in_.global(target.group, target.first)];
        end_ = in_.first[in_.global(target.group, target.first) +
                         static_cast<std::uint32_t>(target.count)];
        if (begin_ == end_) {
            return m;
        }
        check_targets(t);
        for (std::uint64_t e = begin_; e < end_; ++e) {
            blocks_.add(where_.slice[in_.source[e]], e, in_.hold(e));
        }
        const auto& pairs = blocks_.number();
        const std::uint32_t rows = number_rows(pairs);
        count_rows(rows);
        fill_words(target, m);
        add_blocks(pairs, slice_keys, slice_masks, m);
        blocks_.clear();
        return m;
    }

private:
    void check_targets(std::size_t t) const {
        const slice& target = parts_.slices[t];
        if (target.count - 1 > static_cast<int>(firmware::synapse::max_target)) {
            throw capacity_error("", "slice " + std::to_string(t), "neurons per core",
                                 static_cast<std::uint64_t>(target.count),
                                 std::uint64_t{firmware::synapse::max_target} + 1,
                                 "a connection does not fit a synaptic word (weight " +
                                     std::to_string(firmware::synapse::weight(in_.word[end_ - 1])) +
                                     ", target neuron " + std::to_string(target.count - 1) +
                                     " of a core of at most " +
                                     std::to_string(firmware::synapse::max_target + 1) + ")");
        }
    }

    // Each block's first row (row_base_): a row per neuron of its source slice. Returns the rows.
    std::uint32_t number_rows(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
        row_base_.clear();
        std::uint32_t rows = 0;
        for (const auto& pair : pairs) {
            row_base_.push_back(rows);
            rows += static_cast<std::uint32_t>(parts_.slices[pair.first].count);
        }
        return rows;
    }

    // The row of every incoming word (row_of_) and where each row starts (offsets_).
    void count_rows(std::uint32_t rows) {
        offsets_.assign(static_cast<std::size_t>(rows) + 1, 0);
        row_of_.resize(end_ - begin_);
        for (std::uint64_t e = begin_; e < end_; ++e) {
            const std::uint32_t source = in_.source[e];
            const std::uint32_t row =
                row_base_[blocks_.block(where_.slice[source], e)] + where_.local[source];
            row_of_[e - begin_] = row;
            ++offsets_[row + 1];
        }
        for (std::size_t r = 1; r < offsets_.size(); ++r) {
            offsets_[r] += offsets_[r - 1];
        }
    }

    // Words by row (a counting sort), each row then in ascending order.
    void fill_words(const slice& target, synaptic_matrix& m) {
        m.words.resize(end_ - begin_);
        {
            std::vector<std::uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
            for (int n = 0; n < target.count; ++n) {
                const std::uint32_t g = in_.global(target.group, target.first + n);
                for (std::uint64_t e = in_.first[g]; e < in_.first[g + 1]; ++e) {
                    m.words[fill[row_of_[e - begin_]]++] =
                        in_.word[e] | static_cast<std::uint32_t>(n);
                }
            }
        }
        for (std::size_t r = 0; r + 1 < offsets_.size(); ++r) {
            std::sort(m.words.begin() + offsets_[r], m.words.begin() + offsets_[r + 1]);
        }
    }

    // One master entry per source slice, with a block per hold.
    void add_blocks(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs,
                    const std::vector<std::uint32_t>& slice_keys,
                    const std::vector<std::uint32_t>& slice_masks, synaptic_matrix& m) const {
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
            block.neurons = static_cast<std::uint32_t>(parts_.slices[source].count);
            block.first_offset = static_cast<std::uint32_t>(m.row_offsets.size());
            m.row_offsets.insert(m.row_offsets.end(), offsets_.begin() + row_base_[b],
                                 offsets_.begin() + row_base_[b] + block.neurons + 1);
            m.blocks.push_back(block);
        }
        std::sort(m.master.begin(), m.master.end(),
                  [](const master_entry& a, const master_entry& b) { return a.key < b.key; });
    }

    const incoming_synapses& in_;
    const partition_result& parts_;
    const slice_map& where_;
    block_finder blocks_;
    std::uint64_t begin_ = 0; // the target slice's incoming words
    std::uint64_t end_ = 0;
    std::vector<std::uint32_t> row_of_;   // per incoming word of the slice
    std::vector<std::uint32_t> row_base_; // per block: its first row
    std::vector<std::uint32_t> offsets_;  // per row + 1
};

} // namespace

std::uint64_t synaptic_bytes(std::uint64_t master_entries, std::uint64_t blocks,
                             std::uint64_t row_offsets, std::uint64_t words) {
    return 16 * master_entries + 12 * blocks + 4 * row_offsets + 4 * words;
}

std::uint64_t synaptic_matrix::bytes() const {
    return synaptic_bytes(master.size(), blocks.size(), row_offsets.size(), words.size());
}

std::vector<synaptic_matrix> build_synaptic_matrices(const incoming_synapses& in,
                                                     const partition_result& parts,
                                                     const std::vector<std::uint32_t>& slice_keys,
                                                     const std::vector<std::uint32_t>& slice_masks,
                                                     const lems::progress_callback& progress,
                                                     std::size_t threads) {
    const slice_map where = map_slices(in, parts);
    const hold_numbers holds(in);
    const std::size_t slices = parts.slices.size();
    threads = lems::threads_for(threads, slices);
    std::vector<matrix_builder> builders(threads, matrix_builder(in, parts, where, holds));
    std::vector<synaptic_matrix> matrices(slices);
    lems::report_progress(progress, "building cores", 0, slices, "cores");
    lems::for_each_item(
        slices, threads,
        [&](std::size_t t, std::size_t worker) {
            matrices[t] = builders[worker].build(t, slice_keys, slice_masks);
        },
        [&](std::size_t done) {
            lems::report_progress(progress, "building cores", done, slices, "cores");
        });
    return matrices;
}

} // namespace sf::mapper
