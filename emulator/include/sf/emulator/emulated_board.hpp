#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/served_board.hpp>
#include <sf/firmware/protocol/messages.hpp>

// A board as the protocol sees it (docs/protocol.md, "The emulator server"), computed by the
// functional emulator: image memory, stepping, spikes injected by the host and sent back to it,
// and the recordings as one blob (recording_blob.hpp).
namespace sf::emulator {

struct emulated_board_options {
    std::uint32_t board_id = 0;
    std::uint16_t max_frame = 1472;              // 1472 as over UDP, 4096 as over USB
    std::uint32_t max_image_bytes = 0x80000000u; // 2 GiB; only an image's own size is allocated
    std::size_t input_capacity = std::size_t{1} << 20;  // keys
    std::size_t output_capacity = std::size_t{1} << 20; // keys (and steps) waiting to go out
    // What steps each image's cores (functional_emulator); empty: untimed, in lockstep. An image
    // the maker refuses is refused with its problem.
    board_maker make_board;
};

class emulated_board final : public served_board {
public:
    explicit emulated_board(const emulated_board_options& options = {});
    ~emulated_board() override;

    firmware::protocol::board_info info() const override;
    bool begin_image(std::uint32_t total_bytes) override;
    void load_section(std::uint32_t offset, const std::uint8_t* bytes, std::size_t length) override;
    bool commit_image(std::uint32_t total_bytes) override;

    void start() override;
    void run_for(std::uint64_t microseconds) override;
    void stop() override;
    bool running() const override { return running_; }
    std::uint32_t step(std::uint32_t count) override;
    std::uint32_t current_step() const override { return static_cast<std::uint32_t>(computed_); }

    std::uint32_t inject_room() const override;
    std::size_t inject(std::uint32_t step, const std::uint32_t* keys, std::size_t count) override;

    bool pending_spikes(std::uint32_t& step) const override;
    std::size_t take_spikes(std::uint32_t step, std::uint32_t* keys, std::size_t capacity) override;
    void watch(const firmware::protocol::key_filter* filters, std::size_t count) override;
    std::uint64_t spikes_dropped() const override { return spikes_dropped_; }

    std::size_t read_recording(std::uint32_t offset, std::uint8_t* out, std::size_t capacity,
                               std::uint32_t& total) override;
    firmware::kernel_counters counters() const override;
    std::uint64_t compute_microseconds() const override {
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(compute_time_).count());
    }
    void reset() override;

    double dt() const override;
    bool input_ready(std::uint32_t step) const override;
    bool free_step() override;
    const std::string& image_problem() const override { return problem_; }

    // Injected keys no core sends, dropped.
    std::uint64_t unowned_keys() const { return unowned_keys_; }
    // Injected keys for a step already computed, dropped.
    std::uint64_t late_keys() const { return late_keys_; }
    // The emulator of the committed image; null before.
    const functional_emulator* emulator() const { return emulator_.get(); }

private:
    struct output_step {
        std::uint32_t step = 0;
        std::vector<std::uint32_t> keys;
        std::size_t taken = 0;
    };

    void compute(std::uint64_t steps);
    void compute_steps(std::uint64_t steps);
    void compute_one();
    void inject_due();
    void collect_output();
    void push_output(output_step out);
    void drop_oldest_output();
    void discard_queues();
    void discard_image();

    emulated_board_options options_;
    std::vector<std::uint8_t> image_bytes_; // while loading
    std::unique_ptr<functional_emulator> emulator_;
    std::string problem_;
    std::uint64_t computed_ = 0;
    std::chrono::steady_clock::duration compute_time_{};
    bool running_ = false;
    bool bounded_run_ = false;
    std::uint64_t run_left_ = 0; // steps of a run_for still to compute

    std::map<std::uint64_t, std::vector<std::uint32_t>> input_; // by absolute step
    std::size_t input_keys_ = 0;
    bool input_seen_ = false;
    std::uint64_t input_until_ = 0; // the latest step the host gave input for
    std::uint64_t unowned_keys_ = 0;
    std::uint64_t late_keys_ = 0;

    std::vector<firmware::protocol::key_filter> filters_;
    std::deque<output_step> output_;
    std::size_t output_keys_ = 0;
    std::uint64_t spikes_dropped_ = 0;

    std::vector<std::uint8_t> recording_;
    bool recording_fresh_ = false;
};

} // namespace sf::emulator
