#include <algorithm>

#include <sf/emulator/emulated_board.hpp>
#include <sf/emulator/recording_blob.hpp>
#include <sf/firmware/assert.hpp>

// The emulated board's output: the watched spikes waiting to go out, the recordings, reset.
namespace sf::emulator {

namespace protocol = firmware::protocol;

void emulated_board::watch(const protocol::key_filter* filters, std::size_t count) {
    filters_.assign(filters, filters + count);
}

// The last step's watched spikes join the output queue; a step without any is queued too, so
// that the host sees the board's progress.
void emulated_board::collect_output() {
    output_step out;
    out.step = static_cast<std::uint32_t>(computed_);
    for (const spike& s : emulator_->last_spikes()) {
        const std::uint32_t key = emulator_->key_of(s.core, s.neuron);
        for (const protocol::key_filter& f : filters_) {
            if ((key & f.mask) == f.key) {
                out.keys.push_back(key);
                break;
            }
        }
    }
    push_output(std::move(out));
}

void emulated_board::push_output(output_step out) {
    const std::size_t capacity = options_.output_capacity;
    // More keys than the whole queue holds: the oldest of them go at once.
    if (out.keys.size() > capacity) {
        spikes_dropped_ += out.keys.size() - capacity;
        out.taken = out.keys.size() - capacity;
    }
    const std::size_t keys = out.keys.size() - out.taken;
    while (!output_.empty() && (output_keys_ + keys > capacity || output_.size() >= capacity)) {
        drop_oldest_output();
    }
    output_keys_ += keys;
    output_.push_back(std::move(out));
}

void emulated_board::drop_oldest_output() {
    const output_step& oldest = output_.front();
    const std::size_t left = oldest.keys.size() - oldest.taken;
    spikes_dropped_ += left;
    output_keys_ -= left;
    output_.pop_front();
}

bool emulated_board::pending_spikes(std::uint32_t& step) const {
    if (output_.empty()) {
        return false;
    }
    step = output_.front().step;
    return true;
}

std::size_t emulated_board::take_spikes(std::uint32_t step, std::uint32_t* keys,
                                        std::size_t capacity) {
    if (output_.empty() || output_.front().step != step) {
        return 0;
    }
    output_step& front = output_.front();
    const std::size_t n = std::min(capacity, front.keys.size() - front.taken);
    std::copy_n(front.keys.begin() + static_cast<std::ptrdiff_t>(front.taken), n, keys);
    front.taken += n;
    output_keys_ -= n;
    if (front.taken == front.keys.size()) {
        output_.pop_front();
    }
    return n;
}

std::size_t emulated_board::read_recording(std::uint32_t offset, std::uint8_t* out,
                                           std::size_t capacity, std::uint32_t& total) {
    if (emulator_ && offset == 0 && !recording_fresh_) {
        recording_ = encode_recording(emulator_->traces(), emulator_->events());
        recording_fresh_ = true;
    }
    SF_ASSERT(recording_.size() <= 0xFFFFFFFFu);
    total = static_cast<std::uint32_t>(recording_.size());
    if (offset >= recording_.size()) {
        return 0;
    }
    const std::size_t n = std::min(capacity, recording_.size() - offset);
    std::copy_n(recording_.begin() + offset, n, out);
    return n;
}

firmware::kernel_counters emulated_board::counters() const {
    return emulator_ ? emulator_->counters().cores : firmware::kernel_counters{};
}

void emulated_board::discard_queues() {
    input_.clear();
    input_keys_ = 0;
    input_seen_ = false;
    input_until_ = 0;
    output_.clear();
    output_keys_ = 0;
    recording_.clear();
    recording_fresh_ = false;
}

void emulated_board::reset() {
    discard_image();
    filters_.clear();
}

void emulated_board::discard_image() {
    emulator_.reset();
    image_bytes_.clear();
    image_bytes_.shrink_to_fit();
    computed_ = 0;
    compute_time_ = {};
    running_ = false;
    bounded_run_ = false;
    run_left_ = 0;
    discard_queues();
    spikes_dropped_ = 0;
}

} // namespace sf::emulator
