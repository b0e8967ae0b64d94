// The kernel's 32-bit forms of saturating add, sub, shl and rounding shr: equal to the 64-bit
// definitions of the interpreter at the extremes and on random operands.
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/fixed.hpp>
#include <sf/firmware/lanes.hpp>

namespace {

namespace detail = sf::firmware::detail;

constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t highest = std::numeric_limits<std::int32_t>::max();

std::int32_t clamp(std::int64_t value, std::uint32_t& clamped) {
    const std::int64_t c = detail::clamp_to_int32(value);
    clamped = c != value ? 1 : 0;
    return static_cast<std::int32_t>(c);
}

void check_all(std::int32_t a, std::int32_t b) {
    INFO("a " << a << ", b " << b);
    std::uint32_t want = 0;
    std::uint32_t got = 0;
    CHECK(detail::add_saturated(a, b, got) == clamp(std::int64_t{a} + b, want));
    CHECK(got == want);
    CHECK(detail::sub_saturated(a, b, got) == clamp(std::int64_t{a} - b, want));
    CHECK(got == want);
    for (int shift = 0; shift <= 31; ++shift) {
        INFO("shift " << shift);
        CHECK(detail::shl_saturated(a, shift, got) ==
              clamp(sf::firmware::detail::shift_left_clamped(a, shift), want));
        CHECK(got == want);
        if (shift > 0) {
            CHECK(detail::shr_rounded(a, shift) ==
                  sf::firmware::detail::shift_right_rounded(a, shift));
        }
    }
}

} // namespace

TEST_CASE("lanes: 32-bit saturating arithmetic equals the 64-bit definition at the extremes",
          "[firmware][lanes]") {
    const std::vector<std::int32_t> corners{lowest, lowest + 1, -65536, -2,          -1,     0,
                                            1,      2,          65535,  highest - 1, highest};
    for (std::int32_t a : corners) {
        for (std::int32_t b : corners) {
            check_all(a, b);
        }
    }
}

TEST_CASE("lanes: 32-bit saturating arithmetic equals the 64-bit definition on random words",
          "[firmware][lanes]") {
    constexpr std::uint32_t seed = 31337;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<std::int32_t> any(lowest, highest);
    for (int trial = 0; trial < 3000; ++trial) {
        const int bits = trial % 32; // words of every magnitude
        check_all(any(random) >> bits, any(random) >> (31 - bits));
    }
}
