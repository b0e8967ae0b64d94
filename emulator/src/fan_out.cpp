#include <algorithm>

#include <sf/emulator/fan_out.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

fan_out::fan_out(std::vector<std::uint32_t> first_neuron, const std::vector<std::uint32_t>& offsets,
                 std::vector<fan_out_target> targets)
    : first_neuron_(std::move(first_neuron)) {
    row_offsets_.assign(1, 0);
    words_.reserve(targets.size());
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
        SF_ASSERT(offsets[k] <= offsets[k + 1] && offsets[k + 1] <= targets.size());
        auto begin = targets.begin() + offsets[k];
        auto end = targets.begin() + offsets[k + 1];
        std::stable_sort(begin, end, [](const fan_out_target& a, const fan_out_target& b) {
            return a.hold != b.hold ? a.hold < b.hold : a.core < b.core;
        });
        for (auto it = begin; it != end; ++it) {
            if (rows_.size() == row_offsets_.back() || rows_.back().core != it->core ||
                rows_.back().hold != it->hold) {
                rows_.push_back(
                    row{it->core, it->hold, static_cast<std::uint32_t>(words_.size()), 0});
            }
            words_.push_back(it->word);
            ++rows_.back().count;
        }
        row_offsets_.push_back(static_cast<std::uint32_t>(rows_.size()));
    }
}

void fan_out::send(std::size_t core, std::uint32_t neuron, row_sink& rows) {
    const std::size_t k = first_neuron_[core] + neuron;
    if (k + 1 >= row_offsets_.size()) {
        return;
    }
    for (std::uint32_t r = row_offsets_[k]; r < row_offsets_[k + 1]; ++r) {
        const row& to = rows_[r];
        rows.deliver_row(to.core,
                         firmware::synaptic_row{to.hold, words_.data() + to.begin, to.count});
    }
}

} // namespace sf::emulator
