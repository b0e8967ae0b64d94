#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

// The kernel's arithmetic over all neurons of a core at once (docs/kernel.md): one instruction
// for every neuron before the next, each neuron a lane, predicates as lane masks of 0 or -1.
// Masks instead of branches keep the loops straight, so that compilers vectorise them.
namespace sf::firmware::detail {

// The kernel's 32-bit arithmetic reads unsigned words as two's complement: modular since C++20 and
// on every compiler the project builds with.
static_assert(static_cast<std::int32_t>(0xFFFFFFFFu) == -1, "two's-complement conversion expected");

constexpr std::int64_t clamp_to_int32(std::int64_t value) {
    constexpr std::int64_t high = std::numeric_limits<std::int32_t>::max();
    constexpr std::int64_t low = std::numeric_limits<std::int32_t>::min();
    return value > high ? high : (value < low ? low : value);
}

// The neurons an op takes effect for: all (guard null), or those where guard ^ flip and alive
// are both -1.
struct lanes {
    const std::int32_t* guard = nullptr;
    std::int32_t flip = 0;
    const std::int32_t* alive = nullptr;

    std::int32_t mask(std::size_t n) const { return (guard[n] ^ flip) & alive[n]; }
};

// dst[n] = value(n) for every neuron the op takes effect for.
template <class Value>
inline void put(std::int32_t* dst, const lanes& where, std::size_t count, Value value) {
    if (where.guard == nullptr) {
        for (std::size_t n = 0; n < count; ++n) {
            dst[n] = value(n);
        }
        return;
    }
    for (std::size_t n = 0; n < count; ++n) {
        const std::int32_t active = where.mask(n);
        dst[n] = (value(n) & active) | (dst[n] & ~active);
    }
}

// dst[n] = value(n, clamped) for every neuron the op takes effect for, where value sets clamped
// to 1 when it had to clamp; returns how many of those clamped. The 32-bit forms of add, sub and
// shl use it: plain 32-bit operations, which vectorise where 64-bit ones would not.
template <class Value>
inline std::uint32_t put_counted(std::int32_t* dst, const lanes& where, std::size_t count,
                                 Value value) {
    std::uint32_t events = 0;
    if (where.guard == nullptr) {
        for (std::size_t n = 0; n < count; ++n) {
            std::uint32_t clamped = 0;
            dst[n] = value(n, clamped);
            events += clamped;
        }
        return events;
    }
    for (std::size_t n = 0; n < count; ++n) {
        const std::int32_t active = where.mask(n);
        std::uint32_t clamped = 0;
        const std::int32_t result = value(n, clamped);
        events += clamped & static_cast<std::uint32_t>(active);
        dst[n] = (result & active) | (dst[n] & ~active);
    }
    return events;
}

// The int32 limit on the side of `sign_of`: 0x7FFFFFFF for a non-negative word, 0x80000000 for a
// negative one.
constexpr std::uint32_t limit_towards(std::uint32_t sign_of) {
    return (sign_of >> 31) + 0x7FFFFFFFu;
}

// x + y clamped; overflow happened when both operands' signs differ from the wrapped sum's.
constexpr std::int32_t add_saturated(std::int32_t a, std::int32_t b, std::uint32_t& clamped) {
    const auto x = static_cast<std::uint32_t>(a);
    const auto y = static_cast<std::uint32_t>(b);
    const std::uint32_t sum = x + y;
    clamped = ((x ^ sum) & (y ^ sum)) >> 31;
    return static_cast<std::int32_t>(sum ^ ((sum ^ limit_towards(x)) & (0u - clamped)));
}

// x - y clamped; overflow happened when the operands' signs differ and the difference's is y's.
constexpr std::int32_t sub_saturated(std::int32_t a, std::int32_t b, std::uint32_t& clamped) {
    const auto x = static_cast<std::uint32_t>(a);
    const auto y = static_cast<std::uint32_t>(b);
    const std::uint32_t difference = x - y;
    clamped = ((x ^ y) & (x ^ difference)) >> 31;
    return static_cast<std::int32_t>(difference ^
                                     ((difference ^ limit_towards(x)) & (0u - clamped)));
}

// a × 2^shift clamped, shift 0 to 31; it fits when the bits shifted out all equal the new sign.
constexpr std::int32_t shl_saturated(std::int32_t a, int shift, std::uint32_t& clamped) {
    const std::int32_t high = a >> (31 - shift);
    clamped = static_cast<std::uint32_t>(high != (a >> 31));
    const auto x = static_cast<std::uint32_t>(a);
    const std::uint32_t shifted = x << shift;
    return static_cast<std::int32_t>(shifted ^ ((shifted ^ limit_towards(x)) & (0u - clamped)));
}

// a / 2^shift rounded to nearest, halves up, shift 1 to 31: what fixed.hpp's shift_right_rounded
// computes, as (t + 1) >> 1 for t = a >> (shift - 1), written so that it cannot overflow.
constexpr std::int32_t shr_rounded(std::int32_t a, int shift) {
    const std::int32_t t = a >> (shift - 1);
    return (t >> 1) + (t & 1);
}

// dst[n] = wide(n) clamped to 32 bits for every neuron the op takes effect for; returns how many
// of those were clamped.
template <class Wide>
inline std::uint32_t put_clamped(std::int32_t* dst, const lanes& where, std::size_t count,
                                 Wide wide) {
    std::uint32_t events = 0;
    if (where.guard == nullptr) {
        for (std::size_t n = 0; n < count; ++n) {
            const std::int64_t value = wide(n);
            const std::int64_t clamped = clamp_to_int32(value);
            events += static_cast<std::uint32_t>(clamped != value);
            dst[n] = static_cast<std::int32_t>(clamped);
        }
        return events;
    }
    for (std::size_t n = 0; n < count; ++n) {
        const std::int32_t active = where.mask(n);
        const std::int64_t value = wide(n);
        const std::int64_t clamped = clamp_to_int32(value);
        events += static_cast<std::uint32_t>(clamped != value) & static_cast<std::uint32_t>(active);
        dst[n] = (static_cast<std::int32_t>(clamped) & active) | (dst[n] & ~active);
    }
    return events;
}

} // namespace sf::firmware::detail
