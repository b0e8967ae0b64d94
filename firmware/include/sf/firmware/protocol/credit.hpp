#pragma once

#include <cstdint>

#include <sf/firmware/protocol/sequence.hpp>

// Flow control and loss accounting of a live spike stream (docs/protocol.md, "Spike streams").
// Events of a stream are numbered from 0 when the session opens, and a frame's sequence number is
// the index of its first event. The receiver grants a credit limit, the index the sender's events
// must stay below; limits only grow and travel in several messages, so a lost or reordered grant
// is harmless. Freestanding.
namespace sf::firmware::protocol {

// The sender's side: where the stream is and how far it may go.
class credit_sender {
public:
    constexpr void reset(std::uint32_t limit) {
        next_ = 0;
        limit_ = limit;
    }
    // Takes a grant; an older (smaller) limit than the one held changes nothing.
    constexpr void grant(std::uint32_t limit) { limit_ = later(limit_, limit); }
    // Events that may still be sent.
    constexpr std::uint32_t room() const {
        return before(next_, limit_) ? distance(next_, limit_) : 0;
    }
    constexpr std::uint32_t next() const { return next_; }
    constexpr std::uint32_t limit() const { return limit_; }
    // Claims `count` events (count <= room()); returns the index of the first.
    constexpr std::uint32_t send(std::uint32_t count) {
        const std::uint32_t first = next_;
        next_ += count;
        return first;
    }

private:
    std::uint32_t next_ = 0;
    std::uint32_t limit_ = 0;
};

// What a received stream frame is to the receiver.
struct stream_verdict {
    enum class kind : std::uint8_t {
        in_order, // the next events, possibly after `lost` events that never came
        stale,    // starts before the next expected index: a duplicate or overtaken frame
        overrun,  // goes past the granted limit: the sender broke the credit rule
    };
    kind what = kind::in_order;
    std::uint32_t lost = 0;
};

// The receiver's side: the next index it expects and the limit it has granted.
class stream_receiver {
public:
    constexpr void reset(std::uint32_t limit) {
        expected_ = 0;
        limit_ = limit;
    }
    constexpr stream_verdict classify(std::uint32_t first, std::uint32_t count) const {
        if (before(first, expected_)) {
            return {stream_verdict::kind::stale, 0};
        }
        if (count > half_range || before(limit_, first + count)) {
            return {stream_verdict::kind::overrun, 0};
        }
        return {stream_verdict::kind::in_order, distance(expected_, first)};
    }
    // Records a frame classify() called in order.
    constexpr void accept(std::uint32_t first, std::uint32_t count) { expected_ = first + count; }
    // Grants room for `free_events` more after the last received event; never lowers the limit.
    constexpr std::uint32_t grant(std::uint32_t free_events) {
        limit_ = later(limit_, expected_ + free_events);
        return limit_;
    }
    constexpr std::uint32_t expected() const { return expected_; }
    constexpr std::uint32_t limit() const { return limit_; }

private:
    std::uint32_t expected_ = 0;
    std::uint32_t limit_ = 0;
};

} // namespace sf::firmware::protocol
