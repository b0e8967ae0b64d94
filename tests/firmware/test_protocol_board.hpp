#pragma once

// A board for the protocol tests: it keeps what the board side asks of it, so that a test sees
// every image write, step and injected spike, and it makes spikes for the output stream.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/protocol/board_side.hpp>
#include <sf/firmware/protocol/messages.hpp>

namespace sf_test_protocol {

namespace protocol = sf::firmware::protocol;

struct recorded_spike {
    std::uint32_t step;
    std::uint32_t key;
};

class fake_board final : public protocol::board_port {
public:
    protocol::board_info info() const override { return {7, 4, 72, 1u << 20, 1472}; }
    bool begin_image(std::uint32_t total_bytes) override {
        image.assign(total_bytes, 0);
        writes.clear();
        return true;
    }
    void load_section(std::uint32_t offset, const std::uint8_t* bytes,
                      std::size_t length) override {
        ++writes[offset];
        for (std::size_t b = 0; b < length; ++b) {
            image.at(offset + b) = bytes[b];
        }
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
        for (std::uint32_t k = 0; k < count; ++k) {
            ++step_;
            out.push_back({step_, spikes_per_step});
        }
        return count;
    }
    std::uint32_t current_step() const override { return step_; }
    std::uint32_t inject_room() const override {
        return static_cast<std::uint32_t>(queue_capacity - queued);
    }
    std::size_t inject(std::uint32_t step, const std::uint32_t* keys, std::size_t count) override {
        std::size_t taken = 0;
        for (; taken < count && queued < queue_capacity; ++taken) {
            injected.push_back({step, keys[taken]});
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
        REQUIRE(!out.empty());
        REQUIRE(out.front().step == step);
        std::size_t n = 0;
        for (; n < capacity && out.front().left > 0; ++n) {
            keys[n] = 0x10000u | out.front().left--;
        }
        if (out.front().left == 0) {
            out.pop_front();
        }
        return n;
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
        ++resets;
    }

    // Ends a free run, as a board does when its run_for time is up.
    void finish_run() { running_ = false; }

    struct pending_step {
        std::uint32_t step;
        std::uint32_t left;
    };

    std::vector<std::uint8_t> image;
    std::map<std::uint32_t, int> writes; // image offset → times written
    bool accept_image = true;
    bool committed = false;
    std::uint64_t run_microseconds = 0;
    std::vector<recorded_spike> injected;
    std::size_t queued = 0;
    std::size_t queue_capacity = 64;
    std::deque<pending_step> out;
    std::uint32_t spikes_per_step = 3;
    std::vector<std::uint8_t> recording;
    std::vector<protocol::key_filter> watched;
    int resets = 0;

private:
    bool running_ = false;
    std::uint32_t step_ = 0;
};

using bytes = std::vector<std::uint8_t>;

template <class M>
bytes encode(const M& m, std::uint32_t session, std::uint32_t sequence) {
    bytes out(protocol::max_frame);
    const std::size_t size = protocol::encode_message(out.data(), out.size(), session, sequence, m);
    REQUIRE(size > 0);
    out.resize(size);
    return out;
}

// The reply to one frame, decoded; `type` is what it is.
struct reply {
    bool present = false;
    protocol::header head;
    bytes frame_bytes;

    template <class M>
    M as() const {
        REQUIRE(present);
        protocol::frame f;
        REQUIRE(protocol::decode_frame(frame_bytes.data(), frame_bytes.size(), f) ==
                protocol::decode_status::ok);
        M m;
        REQUIRE(protocol::decode_message(f, m));
        return m;
    }
};

// A host talking to one board side; every frame it sends goes through handle().
template <class Side>
struct test_host {
    Side& side;
    std::uint32_t session = 0x5EED0001u;
    std::uint32_t sequence = 100;

    reply send_frame(const bytes& frame_bytes) {
        bytes out(protocol::max_frame);
        const std::size_t size =
            side.handle(frame_bytes.data(), frame_bytes.size(), out.data(), out.size());
        reply r;
        if (size == 0) {
            return r;
        }
        out.resize(size);
        protocol::frame f;
        REQUIRE(protocol::decode_frame(out.data(), out.size(), f) == protocol::decode_status::ok);
        r.present = true;
        r.head = f.head;
        r.frame_bytes = out;
        return r;
    }
    template <class M>
    reply request(const M& m) {
        const std::uint32_t s = sequence++;
        reply r = send_frame(encode(m, session, s));
        if (r.present) {
            REQUIRE(r.head.sequence == s);
            REQUIRE(r.head.session == session);
        }
        return r;
    }
    reply hello(std::uint32_t spikes_out_limit = 1000) {
        protocol::hello_request h;
        h.spikes_out_limit = spikes_out_limit;
        return request(h);
    }
};

inline protocol::reason error_of(const reply& r) {
    REQUIRE(r.head.type == protocol::message_type::error);
    return r.as<protocol::error_reply>().why;
}

inline bool acked(const reply& r) {
    return r.present && r.head.type == protocol::message_type::ack &&
           r.as<protocol::ack_reply>().outcome == protocol::ack_outcome::applied;
}

} // namespace sf_test_protocol
