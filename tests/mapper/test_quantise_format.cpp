// The fixed-point formats the quantising compiler gives values: the finest format that holds a
// magnitude, and rounding a value into a format with its saturation and underflow flags.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

#include <sf/mapper/fixed_format.hpp>

namespace {

using sf::mapper::fixed_format;
using sf::mapper::quantised_value;
using sf::mapper::round_to_fixed;

constexpr double largest_raw = 2147483647.0;

} // namespace

TEST_CASE("fixed_format: unit and limit follow frac_bits", "[mapper][fixed_format]") {
    CHECK(fixed_format{0}.unit() == 1.0);
    CHECK(fixed_format{0}.limit() == largest_raw);
    CHECK(fixed_format{31}.unit() == std::ldexp(1.0, -31));
    CHECK(fixed_format{31}.limit() == std::ldexp(largest_raw, -31));
    CHECK(fixed_format{-4}.unit() == 16.0);
    CHECK(fixed_format{-4}.limit() == 16.0 * largest_raw);
    CHECK(fixed_format{70}.unit() == std::ldexp(1.0, -70));
    CHECK(fixed_format{3} == fixed_format{3});
    CHECK(fixed_format{3} != fixed_format{4});
}

TEST_CASE("fixed_format: holding() of powers of two and their neighbours",
          "[mapper][fixed_format]") {
    // 2^k needs k + 1 integer bits below the sign: 30 - k fractional bits; so does everything
    // from just above 2^k * (1 - 2^-31) up to 2^k, while 2^k * (1 - 2^-30) fits one bit finer.
    for (int k = -120; k <= 120; ++k) {
        INFO("k = " << k);
        const double p = std::ldexp(1.0, k);
        CHECK(fixed_format::holding(p).frac_bits == 30 - k);
        CHECK(fixed_format::holding(std::nextafter(p, 0.0)).frac_bits == 30 - k);
        CHECK(fixed_format::holding(p * (1.0 - std::ldexp(1.0, -32))).frac_bits == 30 - k);
        CHECK(fixed_format::holding(p * (1.0 - std::ldexp(1.0, -30))).frac_bits == 31 - k);
        CHECK(fixed_format::holding(std::nextafter(p, 2.0 * p)).frac_bits == 30 - k);
        CHECK(fixed_format::holding(1.5 * p).frac_bits == 30 - k);
    }
    // Typical SI magnitudes of a point-neuron model.
    CHECK(fixed_format::holding(1.0).frac_bits == 30);
    CHECK(fixed_format::holding(0.07).frac_bits == 34); // a membrane potential in volts
    CHECK(fixed_format::holding(1e-9).frac_bits == 60); // a capacitance in farads
    CHECK(fixed_format::holding(1e4).frac_bits == 17);  // a rate in 1/s
    CHECK(fixed_format::holding(3e9).frac_bits == -1);  // beyond 2^31: negative frac_bits
}

TEST_CASE("fixed_format: holding() is the finest format whose limit reaches the magnitude",
          "[mapper][fixed_format]") {
    const std::uint64_t seed = 20240611;
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> exponent(-300.0, 300.0);
    for (int i = 0; i < 20000; ++i) {
        const double magnitude = std::pow(10.0, exponent(random));
        const fixed_format f = fixed_format::holding(magnitude);
        INFO("seed " << seed << ", sample " << i << ": magnitude " << magnitude << ", frac_bits "
                     << f.frac_bits);
        REQUIRE(f.limit() >= magnitude);
        REQUIRE(fixed_format{f.frac_bits + 1}.limit() < magnitude);
        // The magnitude uses 30 or 31 of the word's 31 magnitude bits.
        REQUIRE(std::ldexp(magnitude, f.frac_bits) >= std::ldexp(1.0, 29));
    }
    // A format's own limit is held by that format and nothing finer.
    for (int bits = -200; bits <= 200; ++bits) {
        INFO("frac_bits " << bits);
        CHECK(fixed_format::holding(fixed_format{bits}.limit()).frac_bits == bits);
        CHECK(
            fixed_format::holding(std::nextafter(fixed_format{bits}.limit(), INFINITY)).frac_bits ==
            bits - 1);
    }
}

TEST_CASE("fixed_format: holding() of zero, huge and tiny magnitudes", "[mapper][fixed_format]") {
    SECTION("zero and what is not a positive magnitude give frac_bits 0") {
        CHECK(fixed_format::holding(0.0).frac_bits == 0);
        CHECK(fixed_format::holding(-0.0).frac_bits == 0);
        CHECK(fixed_format::holding(-1.0).frac_bits == 0);
        CHECK(fixed_format::holding(std::numeric_limits<double>::quiet_NaN()).frac_bits == 0);
        CHECK(fixed_format::holding(std::numeric_limits<double>::infinity()).frac_bits == 0);
    }
    SECTION("huge") {
        const fixed_format f = fixed_format::holding(1e300);
        CHECK(f.frac_bits < -960);
        CHECK(f.limit() >= 1e300);
        CHECK(fixed_format{f.frac_bits + 1}.limit() < 1e300);
        CHECK(fixed_format::holding(1e308).limit() >= 1e308);
    }
    SECTION("tiny, down to the smallest subnormal") {
        for (double tiny : {1e-30, 1e-300, std::numeric_limits<double>::min(),
                            std::numeric_limits<double>::denorm_min()}) {
            INFO(tiny);
            const fixed_format f = fixed_format::holding(tiny);
            CHECK(f.frac_bits > 100);
            CHECK(f.limit() >= tiny);
            if (tiny >= std::numeric_limits<double>::min()) {
                // (Below, a finer format's limit rounds to a subnormal no smaller than tiny.)
                CHECK(fixed_format{f.frac_bits + 1}.limit() < tiny);
            }
            // The value itself survives quantisation to that format.
            const quantised_value q = round_to_fixed(tiny, f);
            CHECK_FALSE(q.saturated);
            CHECK_FALSE(q.underflowed);
            CHECK(q.raw > (1 << 29));
        }
    }
}

TEST_CASE("fixed_format: round_to_fixed() rounds to nearest, halves away from zero",
          "[mapper][fixed_format]") {
    for (int bits : {-3, 0, 8, 31, 45}) {
        const fixed_format f{bits};
        const double u = f.unit();
        INFO("frac_bits " << bits);
        CHECK(round_to_fixed(0.0, f).raw == 0);
        CHECK(round_to_fixed(3.0 * u, f).raw == 3);
        CHECK(round_to_fixed(-3.0 * u, f).raw == -3);
        CHECK(round_to_fixed(2.49 * u, f).raw == 2);
        CHECK(round_to_fixed(2.5 * u, f).raw == 3);
        CHECK(round_to_fixed(-2.5 * u, f).raw == -3);
        CHECK(round_to_fixed(1.5 * u, f).raw == 2);
        CHECK(round_to_fixed(-1.51 * u, f).raw == -2);
        CHECK(round_to_fixed(0.5 * u, f).raw == 1);
        CHECK(round_to_fixed(-0.5 * u, f).raw == -1);
        const quantised_value q = round_to_fixed(1234.25 * u, f);
        CHECK(q.raw == 1234);
        CHECK(q.value(f) == 1234.0 * u);
        CHECK_FALSE(q.saturated);
        CHECK_FALSE(q.underflowed);
    }
    const std::uint64_t seed = 77;
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> fraction(-1.0, 1.0);
    for (int i = 0; i < 10000; ++i) {
        const fixed_format f{static_cast<int>(random() % 80) - 20};
        const double value = fraction(random) * f.limit();
        const quantised_value q = round_to_fixed(value, f);
        INFO("seed " << seed << ", sample " << i << ": " << value << " in 2^" << -f.frac_bits);
        REQUIRE_FALSE(q.saturated);
        REQUIRE(std::fabs(q.value(f) - value) <= 0.5 * f.unit());
    }
}

TEST_CASE("fixed_format: round_to_fixed() saturates what does not fit and says so",
          "[mapper][fixed_format]") {
    const fixed_format f{20};
    const double u = f.unit();
    SECTION("the extremes of the word are not saturated") {
        const quantised_value top = round_to_fixed(f.limit(), f);
        CHECK(top.raw == INT32_MAX);
        CHECK_FALSE(top.saturated);
        const quantised_value bottom = round_to_fixed(-2147483648.0 * u, f);
        CHECK(bottom.raw == INT32_MIN);
        CHECK_FALSE(bottom.saturated);
        // Rounds down onto the largest word.
        CHECK_FALSE(round_to_fixed(f.limit() + 0.49 * u, f).saturated);
    }
    SECTION("one half unit beyond is") {
        const quantised_value above = round_to_fixed(f.limit() + 0.5 * u, f);
        CHECK(above.raw == INT32_MAX);
        CHECK(above.saturated);
        CHECK_FALSE(above.underflowed);
        const quantised_value below = round_to_fixed(-2147483648.0 * u - 0.5 * u, f);
        CHECK(below.raw == INT32_MIN);
        CHECK(below.saturated);
    }
    SECTION("far beyond, infinities and NaN") {
        CHECK(round_to_fixed(1e30, f).raw == INT32_MAX);
        CHECK(round_to_fixed(1e30, f).saturated);
        CHECK(round_to_fixed(-1e30, f).raw == INT32_MIN);
        CHECK(round_to_fixed(-1e30, f).saturated);
        CHECK(round_to_fixed(std::numeric_limits<double>::infinity(), f).raw == INT32_MAX);
        CHECK(round_to_fixed(-std::numeric_limits<double>::infinity(), f).raw == INT32_MIN);
        const quantised_value nan = round_to_fixed(std::numeric_limits<double>::quiet_NaN(), f);
        CHECK(nan.saturated);
        CHECK(nan.raw == 0);
    }
}

TEST_CASE("fixed_format: round_to_fixed() flags non-zero values that become zero",
          "[mapper][fixed_format]") {
    const fixed_format f{10};
    const double u = f.unit();
    CHECK(round_to_fixed(0.49 * u, f).underflowed);
    CHECK(round_to_fixed(-0.49 * u, f).underflowed);
    CHECK(round_to_fixed(1e-300, f).underflowed);
    CHECK(round_to_fixed(0.49 * u, f).raw == 0);
    CHECK_FALSE(round_to_fixed(0.49 * u, f).saturated);
    CHECK_FALSE(round_to_fixed(0.5 * u, f).underflowed);
    CHECK(round_to_fixed(0.5 * u, f).raw == 1);
    CHECK_FALSE(round_to_fixed(0.0, f).underflowed);
    CHECK_FALSE(round_to_fixed(-0.0, f).underflowed);
    // A capacitance in a volt's format becomes zero; in its own it does not.
    CHECK(round_to_fixed(1e-12, fixed_format::holding(0.07)).underflowed);
    CHECK_FALSE(round_to_fixed(1e-12, fixed_format::holding(1e-12)).underflowed);
}
