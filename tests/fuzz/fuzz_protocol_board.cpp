// libFuzzer target for the protocol's board side fed a series of frames. The input is records of
// [flags u8][length u16 LE][bytes]; flag bit 0 makes the record's header intact (magic, version,
// payload length and CRC set right) so that the fuzzer reaches the requests behind the checks.
// The board must never act on a frame it refuses, never write an image byte twice in one transfer
// or outside it, never compute while running or before an image is loaded, and every reply and
// output frame it writes must fit its buffer and decode.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#include <sf/firmware/protocol/board_side.hpp>
#include <sf/firmware/protocol/messages.hpp>

namespace protocol = sf::firmware::protocol;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_protocol_board: %s\n", what);
    std::abort();
}

using side_type = protocol::board_side<64, 32>;

class checking_board final : public protocol::board_port {
public:
    const side_type* side = nullptr;
    std::uint64_t actions = 0; // every call that changes the board

    protocol::board_info info() const override { return {1, 1, 4, 1u << 16, 1472}; }
    bool begin_image(std::uint32_t total_bytes) override {
        ++actions;
        image_bytes_ = total_bytes;
        written_.clear();
        return total_bytes % 7 != 3; // sometimes the board has no room
    }
    void load_section(std::uint32_t offset, const std::uint8_t*, std::size_t length) override {
        ++actions;
        if (std::uint64_t{offset} + length > image_bytes_ || !written_.insert(offset).second) {
            fail("an image byte written outside the image or twice");
        }
    }
    bool commit_image(std::uint32_t total_bytes) override {
        ++actions;
        step_ = 0;
        return total_bytes % 5 != 1;
    }
    void start() override { compute("start"); }
    void run_for(std::uint64_t) override { compute("run_for"); }
    void stop() override {
        ++actions;
        running_ = false;
    }
    bool running() const override { return running_; }
    std::uint32_t step(std::uint32_t count) override {
        compute("step");
        running_ = false;
        const std::uint32_t done = count < 4 ? count : 4;
        for (std::uint32_t k = 0; k < done; ++k) {
            ++step_;
            out_.push_back(step_ % 3);
        }
        return done;
    }
    std::uint32_t current_step() const override { return step_; }
    std::uint32_t inject_room() const override { return 16; }
    std::size_t inject(std::uint32_t step, const std::uint32_t*, std::size_t count) override {
        ++actions;
        if (!protocol::after(step, step_) || count > 32) {
            fail("spikes injected for a past step or in an oversized batch");
        }
        return count / 2;
    }
    bool pending_spikes(std::uint32_t& step) const override {
        step = step_;
        return !out_.empty();
    }
    std::size_t take_spikes(std::uint32_t, std::uint32_t* keys, std::size_t capacity) override {
        std::size_t n = 0;
        for (; n < capacity && out_.front() > 0; ++n) {
            keys[n] = out_.front()--;
        }
        if (out_.front() == 0) {
            out_.erase(out_.begin());
        }
        return n;
    }
    void watch(const protocol::key_filter* filters, std::size_t count) override {
        if (count > protocol::watch_request::max_filters || (count > 0 && filters == nullptr)) {
            std::abort(); // the board side passes at most a frame's filters
        }
    }
    std::uint64_t spikes_dropped() const override { return 0; }
    std::size_t read_recording(std::uint32_t offset, std::uint8_t* out, std::size_t capacity,
                               std::uint32_t& total) override {
        total = 3000;
        std::size_t n = 0;
        for (; n < capacity && offset + n < total; ++n) {
            out[n] = static_cast<std::uint8_t>(offset + n);
        }
        return n;
    }
    sf::firmware::kernel_counters counters() const override { return {}; }
    void reset() override {
        ++actions;
        running_ = false;
        step_ = 0;
    }

private:
    void compute(const char* what) {
        ++actions;
        const protocol::board_state state = side->state();
        if (state == protocol::board_state::idle || state == protocol::board_state::running) {
            std::fprintf(stderr, "fuzz_protocol_board: %s in state %d\n", what,
                         static_cast<int>(state));
            std::abort();
        }
        running_ = true;
    }

    std::uint32_t image_bytes_ = 0;
    std::set<std::uint32_t> written_;
    std::vector<std::uint32_t> out_;
    std::uint32_t step_ = 0;
    bool running_ = false;
};

// Sets a record's magic, version, payload length and CRC right.
void make_intact(std::vector<std::uint8_t>& frame) {
    if (frame.size() < protocol::header_bytes ||
        frame.size() > protocol::header_bytes + protocol::max_payload) {
        return;
    }
    protocol::header h = protocol::peek_header(frame.data());
    h.payload_length = static_cast<std::uint16_t>(frame.size() - protocol::header_bytes);
    protocol::finish_frame(frame.data(), frame.size(), h);
}

void check_written(const std::uint8_t* out, std::size_t size, std::size_t capacity) {
    protocol::frame f;
    if (size > capacity || protocol::decode_frame(out, size, f) != protocol::decode_status::ok) {
        fail("a frame the board wrote overflows its buffer or does not decode");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    checking_board board;
    side_type side(board);
    board.side = &side;
    static std::uint8_t out[protocol::max_frame];
    std::size_t at = 0;
    while (at + 3 <= size) {
        const std::uint8_t flags = data[at];
        const std::size_t length = std::size_t{data[at + 1]} | std::size_t{data[at + 2]} << 8;
        at += 3;
        const std::size_t take = length < size - at ? length : size - at;
        std::vector<std::uint8_t> frame(data + at, data + at + take);
        at += take;
        if ((flags & 1) != 0) {
            make_intact(frame);
        }
        protocol::frame f;
        const bool intact =
            protocol::decode_frame(frame.data(), frame.size(), f) == protocol::decode_status::ok;
        const std::uint64_t before = board.actions;
        // A capacity the fuzzer picks, down to none, exercises replies that do not fit.
        const std::size_t capacity = (flags & 2) != 0 ? flags * 8u : sizeof out;
        const std::size_t reply = side.handle(frame.data(), frame.size(), out, capacity);
        if (!intact && board.actions != before) {
            fail("the board acted on a frame it refused");
        }
        if (reply != 0) {
            check_written(out, reply, capacity);
        }
        const std::size_t output = side.poll_output(out, capacity);
        if (output != 0) {
            check_written(out, output, capacity);
        }
    }
    return 0;
}
