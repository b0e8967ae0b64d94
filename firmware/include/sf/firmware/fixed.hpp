#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace sf::firmware {

// How many results of fixed-point operations did not fit their format and were clamped to its
// largest or smallest value. A core keeps one and reports it; nothing saturates unseen.
struct saturation_count {
    std::uint32_t events = 0;
};

// A signed two's-complement number with FracBits fractional bits: value = raw / 2^FracBits.
// Words are at most 32 bits wide, so every product of two fits in 64 bits.
template <class Storage, int FracBits>
class fixed {
    static_assert(std::is_integral_v<Storage> && std::is_signed_v<Storage>,
                  "fixed stores a signed integer");
    static_assert(sizeof(Storage) <= sizeof(std::int32_t), "fixed words are at most 32 bits wide");
    static_assert(FracBits >= 0 && FracBits <= std::numeric_limits<Storage>::digits,
                  "the fractional bits must leave room for the sign");

public:
    using storage = Storage;
    static constexpr int frac_bits = FracBits;
    static constexpr int width = std::numeric_limits<Storage>::digits + 1;

    constexpr fixed() = default;
    static constexpr fixed from_raw(Storage raw) { return fixed(raw); }
    static constexpr fixed largest() { return fixed(std::numeric_limits<Storage>::max()); }
    static constexpr fixed smallest() { return fixed(std::numeric_limits<Storage>::min()); }

    constexpr Storage raw() const { return raw_; }

    friend constexpr bool operator==(fixed a, fixed b) { return a.raw_ == b.raw_; }
    friend constexpr bool operator!=(fixed a, fixed b) { return a.raw_ != b.raw_; }
    friend constexpr bool operator<(fixed a, fixed b) { return a.raw_ < b.raw_; }
    friend constexpr bool operator<=(fixed a, fixed b) { return a.raw_ <= b.raw_; }
    friend constexpr bool operator>(fixed a, fixed b) { return a.raw_ > b.raw_; }
    friend constexpr bool operator>=(fixed a, fixed b) { return a.raw_ >= b.raw_; }

private:
    constexpr explicit fixed(Storage raw) : raw_(raw) {}

    Storage raw_ = 0;
};

namespace detail {

// Right shifts of negative numbers are arithmetic on every compiler the project builds with; the
// rounding below relies on it.
static_assert((std::int64_t{-3} >> 1) == -2, "arithmetic right shift expected");

template <class Fixed>
constexpr Fixed clamp_to(std::int64_t value, saturation_count& count) {
    using storage = typename Fixed::storage;
    constexpr std::int64_t high = std::numeric_limits<storage>::max();
    constexpr std::int64_t low = std::numeric_limits<storage>::min();
    if (value > high) {
        ++count.events;
        return Fixed::largest();
    }
    if (value < low) {
        ++count.events;
        return Fixed::smallest();
    }
    return Fixed::from_raw(static_cast<storage>(value));
}

// value * 2^-shift rounded to nearest, halves towards +infinity: floor(value / 2^(shift-1)), plus
// one, halved — equal to adding half a unit and flooring, without room needed above the value.
// What a datapath does with a shifter and an incrementer; shift 0 to 63.
constexpr std::int64_t shift_right_rounded(std::int64_t value, int shift) {
    if (shift <= 0) {
        return value;
    }
    return ((value >> (shift - 1)) + 1) >> 1;
}

// value * 2^shift for a left shift, clamped to ±2^62 so that the result still clamps correctly.
constexpr std::int64_t shift_left_clamped(std::int64_t value, int shift) {
    constexpr std::int64_t limit = std::int64_t{1} << 62;
    for (int s = 0; s < shift; ++s) {
        if (value >= limit / 2 || value <= -limit / 2) {
            return value > 0 ? limit : -limit;
        }
        value *= 2;
    }
    return value;
}

} // namespace detail

// a + b, clamped to the format.
template <class Storage, int FracBits>
constexpr fixed<Storage, FracBits>
saturate_add(fixed<Storage, FracBits> a, fixed<Storage, FracBits> b, saturation_count& count) {
    return detail::clamp_to<fixed<Storage, FracBits>>(std::int64_t{a.raw()} + b.raw(), count);
}

// a - b, clamped to the format.
template <class Storage, int FracBits>
constexpr fixed<Storage, FracBits>
saturate_sub(fixed<Storage, FracBits> a, fixed<Storage, FracBits> b, saturation_count& count) {
    return detail::clamp_to<fixed<Storage, FracBits>>(std::int64_t{a.raw()} - b.raw(), count);
}

// a + b modulo 2^width: for counters and phases that are meant to wrap.
template <class Storage, int FracBits>
constexpr fixed<Storage, FracBits> wrap_add(fixed<Storage, FracBits> a,
                                            fixed<Storage, FracBits> b) {
    using unsigned_storage = std::make_unsigned_t<Storage>;
    const auto sum = static_cast<unsigned_storage>(static_cast<unsigned_storage>(a.raw()) +
                                                   static_cast<unsigned_storage>(b.raw()));
    return fixed<Storage, FracBits>::from_raw(static_cast<Storage>(sum));
}

// a * b in Result's format: the exact product, rounded to nearest (halves up) where Result keeps
// fewer fractional bits, clamped where it does not fit.
template <class Result, class StorageA, int FracA, class StorageB, int FracB>
constexpr Result multiply(fixed<StorageA, FracA> a, fixed<StorageB, FracB> b,
                          saturation_count& count) {
    const std::int64_t product = std::int64_t{a.raw()} * std::int64_t{b.raw()};
    constexpr int shift = FracA + FracB - Result::frac_bits;
    const std::int64_t scaled = shift >= 0 ? detail::shift_right_rounded(product, shift)
                                           : detail::shift_left_clamped(product, -shift);
    return detail::clamp_to<Result>(scaled, count);
}

// a in Result's format: rounded to nearest (halves up) where bits are lost, clamped where it does
// not fit.
template <class Result, class Storage, int FracBits>
constexpr Result convert(fixed<Storage, FracBits> a, saturation_count& count) {
    constexpr int shift = FracBits - Result::frac_bits;
    const std::int64_t value = a.raw();
    const std::int64_t scaled = shift >= 0 ? detail::shift_right_rounded(value, shift)
                                           : detail::shift_left_clamped(value, -shift);
    return detail::clamp_to<Result>(scaled, count);
}

} // namespace sf::firmware
