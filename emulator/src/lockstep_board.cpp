#include <chrono>

#include <sf/emulator/lockstep_board.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

lockstep_board::lockstep_board(std::vector<std::unique_ptr<neuron_core>> cores,
                               spike_router& router)
    : cores_(std::move(cores)), router_(router), buffer_(firmware::max_neurons) {}

void lockstep_board::step() {
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    ++step_;
    compute_cores();
    const auto updated = clock::now();
    held_.release(step_,
                  [this](const held_rows::row& r) { cores_[r.core]->deliver(r.words, r.count); });
    for (const spike& s : spikes_) {
        router_.send(s.core, s.neuron, *this);
    }
    const auto delivered = clock::now();
    update_seconds_ += std::chrono::duration<double>(updated - started).count();
    delivery_seconds_ += std::chrono::duration<double>(delivered - updated).count();
}

void lockstep_board::inject(const spike& s) {
    SF_ASSERT(s.core < cores_.size());
    injected_.add(s);
}

void lockstep_board::compute_cores() {
    spikes_.clear();
    injected_.start_step();
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        const std::size_t count = cores_[c]->step(buffer_.data(), buffer_.size());
        for (std::size_t k = 0; k < count; ++k) {
            spikes_.push_back({static_cast<std::uint32_t>(c), buffer_[k]});
        }
        injected_.take(c, [this](const spike& s) { spikes_.push_back(s); });
    }
    injected_.end_step();
}

void lockstep_board::deliver_row(std::size_t core, const firmware::synaptic_row& row) {
    SF_ASSERT(core < cores_.size());
    if (row.hold == 0) {
        cores_[core]->deliver(row.words, row.count);
    } else {
        held_.hold(step_ + row.hold, {core, row.words, row.count});
    }
}

board_counters lockstep_board::counters() const {
    board_counters total = core_counters();
    total.held_rows = held_.rows_held();
    total.held_words = held_.words_held();
    total.update_seconds = update_seconds_;
    total.delivery_seconds = delivery_seconds_;
    return total;
}

} // namespace sf::emulator
