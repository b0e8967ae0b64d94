#pragma once

#include <cstdint>

// Serial-number arithmetic on 32-bit counters that wrap (docs/protocol.md, "Sequence numbers and
// steps"): request sequence numbers, stream event indices, credit limits and time steps. Of two
// values, `a` comes before `b` when b - a (mod 2^32) lies in [1, 2^31 - 1]; values exactly 2^31
// apart are unordered, and both sides keep every live pair of values closer than that.
// Freestanding.
namespace sf::firmware::protocol {

constexpr std::uint32_t half_range = 0x80000000u;

// How far `b` lies after `a`, modulo 2^32.
constexpr std::uint32_t distance(std::uint32_t a, std::uint32_t b) { return b - a; }

constexpr bool before(std::uint32_t a, std::uint32_t b) {
    const std::uint32_t d = distance(a, b);
    return d != 0 && d < half_range;
}
constexpr bool after(std::uint32_t a, std::uint32_t b) { return before(b, a); }
constexpr bool at_or_before(std::uint32_t a, std::uint32_t b) { return a == b || before(a, b); }

// The later of two values (the first when they are unordered).
constexpr std::uint32_t later(std::uint32_t a, std::uint32_t b) { return before(a, b) ? b : a; }

} // namespace sf::firmware::protocol
