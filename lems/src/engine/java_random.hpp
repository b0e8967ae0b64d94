#pragma once

#include <cstdint>

namespace sf::lems::engine {

// The linear congruential generator of java.util.Random, so that a model's random(x) draws the
// same stream as the reference simulator when seeded the same way.
class java_random {
public:
    explicit java_random(std::int64_t seed) { set_seed(seed); }

    void set_seed(std::int64_t seed) {
        state_ = (static_cast<std::uint64_t>(seed) ^ multiplier) & mask;
    }

    // The generator's 48 bits of state, to carry a stream on in another simulator.
    std::uint64_t state() const { return state_; }
    static java_random from_state(std::uint64_t state) {
        java_random r(0);
        r.state_ = state & mask;
        return r;
    }

    double next_double() {
        const auto high = static_cast<std::uint64_t>(next(26));
        const auto low = static_cast<std::uint64_t>(next(27));
        return static_cast<double>((high << 27) + low) * 0x1.0p-53;
    }

private:
    static constexpr std::uint64_t multiplier = 0x5DEECE66DULL;
    static constexpr std::uint64_t increment = 0xBULL;
    static constexpr std::uint64_t mask = (1ULL << 48) - 1;

    std::uint32_t next(int bits) {
        state_ = (state_ * multiplier + increment) & mask;
        return static_cast<std::uint32_t>(state_ >> (48 - bits));
    }

    std::uint64_t state_ = 0;
};

} // namespace sf::lems::engine
