#pragma once

// A board for the host runtime's tests, reached in memory or over UDP on loopback: the firmware's
// board side over a board port that keeps what the host did to it (image bytes and how often each
// chunk was written, steps computed, spikes injected per step) and sends a few spikes per step.
// No Catch2 macros here: the UDP responder runs it on a thread of its own.
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio.hpp>

#include <sf/firmware/protocol/board_side.hpp>
#include <sf/host/frame_link.hpp>

namespace sf_host_test {

namespace protocol = sf::firmware::protocol;
using bytes = std::vector<std::uint8_t>;

class test_board final : public protocol::board_port {
public:
    protocol::board_info info() const override { return {7, 4, 72, 1u << 22, max_frame}; }
    bool begin_image(std::uint32_t total_bytes) override {
        image.assign(total_bytes, 0);
        writes.clear();
        return true;
    }
    void load_section(std::uint32_t offset, const std::uint8_t* data, std::size_t length) override {
        ++writes[offset];
        std::copy(data, data + length, image.begin() + offset);
    }
    bool commit_image(std::uint32_t total_bytes) override {
        committed = total_bytes == image.size() && accept_image;
        step_ = 0;
        return committed;
    }
    void start() override { running_ = true; }
    void run_for(std::uint64_t microseconds) override {
        running_ = true;
        run_microseconds = microseconds;
    }
    void stop() override { running_ = false; }
    bool running() const override { return running_; }
    std::uint32_t step(std::uint32_t count) override {
        ++step_requests;
        std::this_thread::sleep_for(step_time * count);
        for (std::uint32_t k = 0; k < count; ++k) {
            ++step_;
            out.push_back({step_, spikes_per_step});
        }
        queued = 0; // the steps took their input
        return count;
    }
    std::uint32_t current_step() const override { return step_; }
    std::uint32_t inject_room() const override {
        return static_cast<std::uint32_t>(queue_capacity - queued);
    }
    std::size_t inject(std::uint32_t step, const std::uint32_t* keys, std::size_t count) override {
        ++input_frames[step];
        std::size_t taken = 0;
        for (; taken < count && queued < queue_capacity; ++taken) {
            injected[step].push_back(keys[taken]);
            ++queued;
        }
        return taken;
    }
    bool pending_spikes(std::uint32_t& step) const override {
        if (out.empty()) {
            return false;
        }
        step = out.front().step;
        return true;
    }
    std::size_t take_spikes(std::uint32_t step, std::uint32_t* keys,
                            std::size_t capacity) override {
        std::size_t n = 0;
        if (out.empty() || out.front().step != step) {
            return 0;
        }
        for (; n < capacity && out.front().left > 0; ++n) {
            keys[n] = key_of(step, out.front().left--);
        }
        if (out.front().left == 0) {
            out.pop_front();
        }
        return n;
    }
    static std::uint32_t key_of(std::uint32_t step, std::uint32_t k) {
        return 0x10000u | (step % 256) << 8 | k;
    }
    void watch(const protocol::key_filter* filters, std::size_t count) override {
        watched.assign(filters, filters + count);
    }
    std::uint64_t spikes_dropped() const override { return 0; }
    std::size_t read_recording(std::uint32_t offset, std::uint8_t* to, std::size_t capacity,
                               std::uint32_t& total) override {
        total = static_cast<std::uint32_t>(recording.size());
        std::size_t n = 0;
        for (; n < capacity && offset + n < recording.size(); ++n) {
            to[n] = recording[offset + n];
        }
        return n;
    }
    sf::firmware::kernel_counters counters() const override {
        sf::firmware::kernel_counters k;
        k.steps = step_;
        return k;
    }
    void reset() override {
        running_ = false;
        step_ = 0;
        image.clear();
    }
    // Ends a free run, computing the steps it lasted (0.1 ms each).
    void finish_run() {
        if (running_) {
            step(static_cast<std::uint32_t>(run_microseconds / 100));
            running_ = false;
        }
    }

    struct pending_step {
        std::uint32_t step;
        std::uint32_t left;
    };

    std::uint16_t max_frame = 1472;
    bytes image;
    std::map<std::uint32_t, int> writes; // image offset → times written
    bool accept_image = true;
    bool committed = false;
    std::uint64_t run_microseconds = 0;
    std::uint64_t step_requests = 0;
    std::chrono::microseconds step_time{0}; // how long the board takes per step
    std::map<std::uint32_t, std::vector<std::uint32_t>> injected; // by step
    std::map<std::uint32_t, int> input_frames;                    // by step
    std::size_t queued = 0;
    std::size_t queue_capacity = 64;
    std::deque<pending_step> out;
    std::uint32_t spikes_per_step = 3;
    bytes recording;
    std::vector<protocol::key_filter> watched;

private:
    bool running_ = false;
    std::uint32_t step_ = 0;
};

using side_type = protocol::board_side<4096, 64>;

// Hands one frame to the board side and collects what the board sends back: the step's spikes
// first (a board sends them before the ack), then the reply.
inline std::vector<bytes> serve_frame(side_type& side, const std::uint8_t* frame,
                                      std::size_t size) {
    std::vector<bytes> sent;
    bytes reply(protocol::max_frame);
    const std::size_t n = side.handle(frame, size, reply.data(), reply.size());
    bytes spikes(protocol::max_frame);
    for (std::size_t k = side.poll_output(spikes.data(), spikes.size()); k > 0;
         k = side.poll_output(spikes.data(), spikes.size())) {
        sent.emplace_back(spikes.begin(), spikes.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (n > 0) {
        reply.resize(n);
        sent.push_back(reply);
    }
    return sent;
}

// A frame link to a board side in the same process. Filters may drop frames either way; a
// receive with nothing queued waits out its timeout, as a real link would.
class memory_link final : public sf::host::frame_link {
public:
    explicit memory_link(side_type& side, std::size_t max_frame = 1472)
        : side_(side), max_frame_(max_frame) {}

    std::function<bool(const bytes&)> drop_to_board;   // true: the frame is lost on the way
    std::function<bool(const bytes&)> drop_from_board; // true: the board's frame is lost
    std::function<void()> after_frame;                 // runs after the board took a frame
    std::vector<bytes> sent;                           // every frame the host sent

    std::size_t max_frame() const override { return max_frame_; }
    std::error_code send(const std::uint8_t* data, std::size_t size) override {
        bytes frame(data, data + size);
        sent.push_back(frame);
        if (drop_to_board && drop_to_board(frame)) {
            return {};
        }
        for (auto& answer : serve_frame(side_, data, size)) {
            if (!(drop_from_board && drop_from_board(answer))) {
                inbox_.push_back(std::move(answer));
            }
        }
        if (after_frame) {
            after_frame();
        }
        return {};
    }
    sf::host::expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                            std::chrono::microseconds timeout) override {
        if (inbox_.empty()) {
            std::this_thread::sleep_for(timeout);
            return std::make_error_code(std::errc::timed_out);
        }
        bytes frame = std::move(inbox_.front());
        inbox_.pop_front();
        if (frame.size() > capacity) {
            return std::make_error_code(std::errc::message_size);
        }
        std::copy(frame.begin(), frame.end(), buffer);
        return frame.size();
    }
    // Puts a frame in front of the host as if the board had sent it.
    void inject(bytes frame) { inbox_.push_back(std::move(frame)); }

private:
    side_type& side_;
    std::size_t max_frame_;
    std::deque<bytes> inbox_;
};

// The board side served over UDP on 127.0.0.1 by a thread of its own, until stopped.
class udp_responder {
public:
    explicit udp_responder(side_type& side) : side_(side) {
        namespace asio = boost::asio;
        socket_.open(asio::ip::udp::v4());
        socket_.bind(asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        socket_.non_blocking(true);
        port_ = socket_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~udp_responder() { stop(); }
    std::uint16_t port() const { return port_; }
    // Stops answering and closes the socket: the board is gone.
    void stop() {
        running_ = false;
        if (thread_.joinable()) {
            thread_.join();
        }
    }

private:
    void serve() {
        namespace asio = boost::asio;
        std::vector<std::uint8_t> buffer(65536);
        while (running_) {
            pollfd ready{socket_.native_handle(), POLLIN, 0};
            ::poll(&ready, 1, 1);
            asio::ip::udp::endpoint from;
            boost::system::error_code error;
            const std::size_t n = socket_.receive_from(asio::buffer(buffer), from, 0, error);
            if (error) {
                continue;
            }
            for (const auto& answer : serve_frame(side_, buffer.data(), n)) {
                socket_.send_to(asio::buffer(answer), from, 0, error);
            }
        }
        socket_.close();
    }

    side_type& side_;
    boost::asio::io_context io_;
    boost::asio::ip::udp::socket socket_{io_};
    std::uint16_t port_ = 0;
    std::atomic<bool> running_{true};
    std::thread thread_;
};

} // namespace sf_host_test
