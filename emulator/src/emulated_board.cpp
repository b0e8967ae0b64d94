#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <new>

#include <sf/emulator/emulated_board.hpp>
#include <sf/emulator/recording_blob.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

namespace protocol = firmware::protocol;

emulated_board::emulated_board(const emulated_board_options& options) : options_(options) {}
emulated_board::~emulated_board() = default;

protocol::board_info emulated_board::info() const {
    protocol::board_info i;
    i.board_id = options_.board_id;
    i.chips = emulator_ ? static_cast<std::uint32_t>(emulator_->chip_count()) : 0;
    i.cores = emulator_ ? static_cast<std::uint32_t>(emulator_->core_count()) : 0;
    i.max_image_bytes = options_.max_image_bytes;
    i.max_frame = options_.max_frame;
    return i;
}

bool emulated_board::begin_image(std::uint32_t total_bytes) {
    discard_image();
    if (total_bytes > options_.max_image_bytes) {
        return false;
    }
    try {
        image_bytes_.assign(total_bytes, 0);
    } catch (const std::bad_alloc&) {
        image_bytes_.clear();
        return false;
    }
    return true;
}

void emulated_board::load_section(std::uint32_t offset, const std::uint8_t* bytes,
                                  std::size_t length) {
    SF_ASSERT(offset <= image_bytes_.size() && length <= image_bytes_.size() - offset);
    std::memcpy(image_bytes_.data() + offset, bytes, length);
}

bool emulated_board::commit_image(std::uint32_t total_bytes) {
    if (total_bytes != image_bytes_.size() || total_bytes % 4 != 0) {
        problem_ = "the image is " + std::to_string(total_bytes) +
                   " bytes, not a whole number of 32-bit words";
        image_bytes_.clear();
        return false;
    }
    std::vector<std::uint32_t> words(total_bytes / 4);
    for (std::size_t w = 0; w < words.size(); ++w) {
        const std::uint8_t* b = image_bytes_.data() + 4 * w;
        words[w] = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
                   std::uint32_t{b[3]} << 24;
    }
    image_bytes_.clear();
    image_bytes_.shrink_to_fit();
    auto loaded =
        std::make_unique<functional_emulator>(words.data(), words.size(), options_.make_board);
    if (!loaded->ready()) {
        problem_ = loaded->problem();
        return false;
    }
    problem_.clear();
    emulator_ = std::move(loaded);
    computed_ = 0;
    compute_time_ = {};
    running_ = false;
    discard_queues();
    spikes_dropped_ = 0;
    return true;
}

void emulated_board::start() {
    running_ = emulator_ != nullptr;
    bounded_run_ = false;
}

void emulated_board::run_for(std::uint64_t microseconds) {
    const double step_us = dt() * 1e6;
    // A tiny allowance, so that a duration of whole steps is not cut short by rounding.
    run_left_ = step_us > 0.0 ? static_cast<std::uint64_t>(
                                    std::floor(static_cast<double>(microseconds) / step_us + 1e-9))
                              : 0;
    bounded_run_ = true;
    running_ = emulator_ != nullptr && run_left_ > 0;
}

void emulated_board::stop() { running_ = false; }

std::uint32_t emulated_board::step(std::uint32_t count) {
    if (!emulator_) {
        return 0;
    }
    compute(count);
    return count;
}

bool emulated_board::free_step() {
    if (!running_) {
        return false;
    }
    compute(1);
    if (bounded_run_ && --run_left_ == 0) {
        running_ = false;
    }
    return true;
}

double emulated_board::dt() const { return emulator_ ? emulator_->dt() : 0.0; }

// Steps without input to inject or output to collect run in one go, at the emulator's own speed.
void emulated_board::compute(std::uint64_t steps) {
    const auto started = std::chrono::steady_clock::now();
    compute_steps(steps);
    compute_time_ += std::chrono::steady_clock::now() - started;
}

void emulated_board::compute_steps(std::uint64_t steps) {
    recording_fresh_ = false;
    while (steps > 0) {
        if (filters_.empty()) {
            // Up to the next step with input, nothing but the emulator's own work is due.
            const std::uint64_t quiet =
                input_.empty() ? steps : std::min(steps, input_.begin()->first - computed_ - 1);
            if (quiet > 0) {
                emulator_->run(quiet);
                computed_ += quiet;
                steps -= quiet;
                continue;
            }
        }
        compute_one();
        --steps;
    }
}

void emulated_board::compute_one() {
    inject_due();
    emulator_->run(1);
    ++computed_;
    if (!filters_.empty()) {
        collect_output();
    }
}

// The host's keys for the step about to be computed become spikes of the cores that send them.
void emulated_board::inject_due() {
    const std::uint64_t next = computed_ + 1;
    while (!input_.empty() && input_.begin()->first <= next) {
        for (const std::uint32_t key : input_.begin()->second) {
            std::size_t core = 0;
            std::uint32_t neuron = 0;
            if (emulator_->owner_of(key, core, neuron)) {
                emulator_->inject(core, neuron);
            } else {
                ++unowned_keys_;
            }
        }
        input_keys_ -= input_.begin()->second.size();
        input_.erase(input_.begin());
    }
}

std::uint32_t emulated_board::inject_room() const {
    return static_cast<std::uint32_t>(
        std::min<std::size_t>(options_.input_capacity - input_keys_, 0xFFFFFFFFu));
}

std::size_t emulated_board::inject(std::uint32_t step, const std::uint32_t* keys,
                                   std::size_t count) {
    const std::uint32_t ahead = step - static_cast<std::uint32_t>(computed_);
    if (ahead == 0 || ahead >= 0x80000000u) {
        late_keys_ += count;
        return count;
    }
    const std::uint64_t at = computed_ + ahead;
    if (!input_seen_ || at > input_until_) {
        input_until_ = at;
    }
    input_seen_ = true;
    const std::size_t taken = std::min(count, options_.input_capacity - input_keys_);
    if (taken > 0) {
        auto& queued = input_[at];
        queued.insert(queued.end(), keys, keys + taken);
        input_keys_ += taken;
    }
    return taken;
}

bool emulated_board::input_ready(std::uint32_t step) const {
    const std::uint32_t ahead = step - static_cast<std::uint32_t>(computed_);
    if (ahead >= 0x80000000u) {
        return true; // a step already computed
    }
    return input_seen_ && input_until_ >= computed_ + ahead;
}

} // namespace sf::emulator
