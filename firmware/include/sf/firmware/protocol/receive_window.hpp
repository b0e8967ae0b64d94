#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/sequence.hpp>

// Which request sequence numbers the board has already acted on (docs/protocol.md,
// "Requests"): the `Capacity` numbers up to the highest seen, as a ring of bits. A request is
// new, a duplicate of one already handled, or outside the window (too old to tell, or further
// ahead than a host may have requests in flight). Freestanding.
namespace sf::firmware::protocol {

enum class window_verdict : std::uint8_t { fresh, duplicate, too_old, too_far };

template <std::size_t Capacity>
class receive_window {
    static_assert(Capacity >= 32 && Capacity % 32 == 0 && (Capacity & (Capacity - 1)) == 0,
                  "a window is a power of two of at least 32 sequence numbers");
    static_assert(Capacity < half_range, "a window spans less than half the sequence space");

public:
    static constexpr std::size_t capacity = Capacity;

    // Starts the window at `first`: every number before it counts as already handled.
    constexpr void reset(std::uint32_t first) {
        top_ = first - 1;
        for (std::uint32_t& word : seen_) {
            word = 0xFFFFFFFFu;
        }
    }

    constexpr window_verdict classify(std::uint32_t sequence) const {
        const std::uint32_t ahead = distance(top_, sequence);
        if (ahead != 0 && ahead < half_range) {
            return ahead <= Capacity ? window_verdict::fresh : window_verdict::too_far;
        }
        const std::uint32_t behind = distance(sequence, top_);
        if (behind >= Capacity) {
            return window_verdict::too_old;
        }
        return seen(sequence) ? window_verdict::duplicate : window_verdict::fresh;
    }

    // Records a number classify() called fresh.
    constexpr void accept(std::uint32_t sequence) {
        const std::uint32_t ahead = distance(top_, sequence);
        if (ahead != 0 && ahead < half_range) {
            // Numbers the window moves over have not been seen yet.
            const std::uint32_t clear = ahead < Capacity ? ahead : Capacity;
            for (std::uint32_t k = 1; k <= clear; ++k) {
                mark(top_ + k, false);
            }
            top_ = sequence;
        }
        mark(sequence, true);
    }

    constexpr std::uint32_t highest() const { return top_; }

private:
    constexpr bool seen(std::uint32_t sequence) const {
        const std::uint32_t slot = sequence % Capacity;
        return (seen_[slot / 32] >> (slot % 32) & 1u) != 0;
    }
    constexpr void mark(std::uint32_t sequence, bool value) {
        const std::uint32_t slot = sequence % Capacity;
        const std::uint32_t bit = 1u << (slot % 32);
        seen_[slot / 32] = value ? seen_[slot / 32] | bit : seen_[slot / 32] & ~bit;
    }

    std::uint32_t top_ = 0xFFFFFFFFu;
    std::uint32_t seen_[Capacity / 32] = {};
};

} // namespace sf::firmware::protocol
