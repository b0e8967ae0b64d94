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
    pending_.resize(cores_.size());
    buffer_.resize(firmware::max_neurons);
    held_.resize(1);
}

void core_array::set_fan_out(std::vector<std::uint32_t> offsets, std::vector<fan_out_target> targets) {
    offsets_ = std::move(offsets);
    targets_ = std::move(targets);
    std::uint32_t longest = 0;
    for (const auto& t : targets_) {
        longest = std::max(longest, t.hold);
    }
    held_.assign(static_cast<std::size_t>(longest) + 1, {});
}

void core_array::deliver(std::uint32_t core, std::uint32_t word) { pending_[core].push_back(word); }

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
    // Words held back earlier that the rings can take now.
    auto& due = held_[step_ % held_.size()];
    for (const auto& [core, word] : due) {
        deliver(core, word);
    }
    due.clear();
    for (std::uint32_t neuron : spiked_) {
        if (static_cast<std::size_t>(neuron) + 1 >= offsets_.size()) {
            continue;
        }
        for (std::uint32_t k = offsets_[neuron]; k < offsets_[neuron + 1]; ++k) {
            const fan_out_target& t = targets_[k];
            if (t.hold == 0) {
                deliver(t.core, t.word);
            } else {
                held_[(step_ + t.hold) % held_.size()].emplace_back(t.core, t.word);
                ++held_words_;
            }
        }
    }
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        auto& words = pending_[c];
        if (!words.empty()) {
            cores_[c].kernel->deliver(words.data(), words.size());
            words.clear();
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
        total.cores.steps = std::max(total.cores.steps, k.steps);
        total.cores.neuron_updates += k.neuron_updates;
        total.cores.instructions += k.instructions;
        total.cores.spikes += k.spikes;
        total.cores.unreported_spikes += k.unreported_spikes;
        total.cores.delivered_words += k.delivered_words;
        total.cores.input_overflows += k.input_overflows;
        total.cores.dropped_words += k.dropped_words;
        total.cores.saturations += k.saturations;
        total.cores.program_faults += k.program_faults;
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
