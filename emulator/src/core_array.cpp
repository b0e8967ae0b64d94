#include <algorithm>
#include <chrono>

#include <sf/emulator/core_array.hpp>

namespace sf::emulator {

core_array::core_array(std::vector<core_image> images) {
    cores_.reserve(images.size());
    std::size_t first = 0;
    for (std::size_t c = 0; c < images.size(); ++c) {
        running_core rc;
        rc.image = std::move(images[c]);
        for (const auto& t : rc.image.tables) {
            rc.tables.push_back(firmware::isa::lookup_table{t.x0, t.step, t.log2_intervals, t.samples.data()});
        }
        firmware::core_config config;
        config.program = rc.image.program.data();
        config.program_length = rc.image.program.size();
        config.constants = rc.image.constants.data();
        config.constant_count = rc.image.constants.size();
        config.tables = rc.tables.data();
        config.table_count = rc.tables.size();
        config.neuron_count = rc.image.neurons;
        config.state_words = rc.image.state_words;
        config.input_channels = rc.image.input_channels;
        config.delay_slots = rc.image.delay_slots;
        config.initial_state = rc.image.initial_state.empty() ? nullptr : rc.image.initial_state.data();
        config.seed = rc.image.seed;
        config.first_neuron = rc.image.first_neuron;
        const std::size_t words = firmware::words_needed(config);
        rc.arena.assign(std::max<std::size_t>(words, 1), 0);
        rc.kernel = std::make_unique<firmware::kernel>();
        const firmware::init_status status = rc.kernel->init(config, rc.arena.data(), rc.arena.size());
        if (status != firmware::init_status::ok && problem_.empty()) {
            problem_ = "core " + std::to_string(c) + " (" + rc.image.label + ") refuses its image: " +
                       firmware::describe(status);
        }
        first_.push_back(first);
        first += rc.image.neurons;
        cores_.push_back(std::move(rc));
    }
    first_.push_back(first);
    buffer_.resize(firmware::max_neurons);
    held_.resize(1);
}

void core_array::set_fan_out(std::vector<std::uint32_t> offsets, std::vector<fan_out_target> targets) {
    // Each neuron's targets grouped by hold and core into rows the kernels take whole.
    row_offsets_.assign(1, 0);
    rows_.clear();
    words_.clear();
    words_.reserve(targets.size());
    std::uint32_t longest = 0;
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k) {
        auto begin = targets.begin() + offsets[k];
        auto end = targets.begin() + offsets[k + 1];
        std::stable_sort(begin, end, [](const fan_out_target& a, const fan_out_target& b) {
            return a.hold != b.hold ? a.hold < b.hold : a.core < b.core;
        });
        for (auto it = begin; it != end; ++it) {
            if (rows_.size() == row_offsets_.back() || rows_.back().core != it->core || rows_.back().hold != it->hold) {
                rows_.push_back(row{it->core, it->hold, static_cast<std::uint32_t>(words_.size()), 0});
            }
            words_.push_back(it->word);
            ++rows_.back().count;
            longest = std::max(longest, it->hold);
        }
        row_offsets_.push_back(static_cast<std::uint32_t>(rows_.size()));
    }
    held_.assign(static_cast<std::size_t>(longest) + 1, {});
}

void core_array::step() {
    if (!ready()) {
        return;
    }
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    ++step_;
    spiked_.clear();
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        const std::size_t count = cores_[c].kernel->step(buffer_.data(), buffer_.size());
        for (std::size_t k = 0; k < count; ++k) {
            spiked_.push_back(static_cast<std::uint32_t>(first_[c] + buffer_[k]));
        }
    }
    const auto updated = clock::now();
    // Rows held back earlier that the rings can take now, then this step's spikes.
    auto& due = held_[step_ % held_.size()];
    for (const row& r : due) {
        cores_[r.core].kernel->deliver(words_.data() + r.begin, r.count);
    }
    due.clear();
    for (std::uint32_t neuron : spiked_) {
        if (static_cast<std::size_t>(neuron) + 1 >= row_offsets_.size()) {
            continue;
        }
        for (std::uint32_t k = row_offsets_[neuron]; k < row_offsets_[neuron + 1]; ++k) {
            const row& r = rows_[k];
            if (r.hold == 0) {
                cores_[r.core].kernel->deliver(words_.data() + r.begin, r.count);
            } else {
                held_[(step_ + r.hold) % held_.size()].push_back(r);
                held_words_ += r.count;
            }
        }
    }
    const auto delivered = clock::now();
    update_seconds_ += std::chrono::duration<double>(updated - started).count();
    delivery_seconds_ += std::chrono::duration<double>(delivered - updated).count();
}

array_counters core_array::counters() const {
    array_counters total;
    for (const auto& rc : cores_) {
        const firmware::kernel_counters& k = rc.kernel->counters();
        firmware::accumulate(total.cores, k);
    }
    total.held_words = held_words_;
    total.update_seconds = update_seconds_;
    total.delivery_seconds = delivery_seconds_;
    return total;
}

std::pair<std::size_t, firmware::fault_report> core_array::first_fault() const {
    std::pair<std::size_t, firmware::fault_report> first{0, {}};
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        const firmware::fault_report& f = cores_[c].kernel->first_fault();
        if (f.happened && (!first.second.happened || f.step < first.second.step)) {
            first = {c, f};
        }
    }
    return first;
}

} // namespace sf::emulator
