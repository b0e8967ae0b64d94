// Fixed-point words of the neuron core: rounding and saturation at every corner, and agreement
// with exact integer arithmetic on random operands.
#include <cstdint>
#include <random>

#include <catch2/catch.hpp>

#include <sf/firmware/fixed.hpp>

namespace {

using sf::firmware::convert;
using sf::firmware::fixed;
using sf::firmware::multiply;
using sf::firmware::saturate_add;
using sf::firmware::saturate_sub;
using sf::firmware::saturation_count;
using sf::firmware::wrap_add;

using q15 = fixed<std::int16_t, 15>; // [-1, 1)
using q16_16 = fixed<std::int32_t, 16>;
using q8_8 = fixed<std::int16_t, 8>;
using q1_30 = fixed<std::int32_t, 30>;

// The reference: floor((exact + half) / 2^shift) by integer division, corrected to round down;
// products of 32-bit words are exact in 64 bits.
std::int64_t rounded_reference(std::int64_t exact, int shift) {
    if (shift <= 0) {
        return exact * (std::int64_t{1} << -shift);
    }
    const std::int64_t divisor = std::int64_t{1} << shift;
    const std::int64_t shifted = exact + divisor / 2;
    std::int64_t quotient = shifted / divisor;
    if (shifted % divisor != 0 && shifted < 0) {
        --quotient; // floor, not truncation
    }
    return quotient;
}

} // namespace

TEST_CASE("fixed: raw words and limits", "[firmware][fixed]") {
    STATIC_REQUIRE(q15::frac_bits == 15);
    STATIC_REQUIRE(q15::width == 16);
    STATIC_REQUIRE(q16_16::width == 32);
    CHECK(q15::from_raw(-123).raw() == -123);
    CHECK(q15::largest().raw() == 32767);
    CHECK(q15::smallest().raw() == -32768);
    CHECK(q8_8::from_raw(1) < q8_8::from_raw(2));
    CHECK(q8_8() == q8_8::from_raw(0));
}

TEST_CASE("fixed: saturating addition and subtraction", "[firmware][fixed]") {
    saturation_count count;
    SECTION("in range, exact and not counted") {
        CHECK(saturate_add(q8_8::from_raw(300), q8_8::from_raw(-500), count).raw() == -200);
        CHECK(saturate_sub(q8_8::from_raw(300), q8_8::from_raw(-500), count).raw() == 800);
        CHECK(count.events == 0);
    }
    SECTION("past the largest value: clamped and counted") {
        CHECK(saturate_add(q15::largest(), q15::from_raw(1), count) == q15::largest());
        CHECK(saturate_sub(q15::from_raw(0), q15::smallest(), count) == q15::largest());
        CHECK(count.events == 2);
    }
    SECTION("past the smallest value: clamped and counted") {
        CHECK(saturate_add(q16_16::smallest(), q16_16::from_raw(-1), count) == q16_16::smallest());
        CHECK(saturate_sub(q16_16::from_raw(-2), q16_16::largest(), count) == q16_16::smallest());
        CHECK(count.events == 2);
    }
    SECTION("exactly at the limits: not counted") {
        CHECK(saturate_add(q15::from_raw(32766), q15::from_raw(1), count) == q15::largest());
        CHECK(saturate_sub(q15::from_raw(-32767), q15::from_raw(1), count) == q15::smallest());
        CHECK(count.events == 0);
    }
}

TEST_CASE("fixed: wrapping addition", "[firmware][fixed]") {
    CHECK(wrap_add(q15::largest(), q15::from_raw(1)) == q15::smallest());
    CHECK(wrap_add(q16_16::smallest(), q16_16::from_raw(-1)) == q16_16::largest());
    CHECK(wrap_add(q8_8::from_raw(5), q8_8::from_raw(-7)).raw() == -2);
}

TEST_CASE("fixed: multiplication rounds to nearest, halves up", "[firmware][fixed]") {
    saturation_count count;
    SECTION("exact products stay exact") {
        // 0.5 * 0.5 = 0.25
        CHECK(multiply<q15>(q15::from_raw(16384), q15::from_raw(16384), count).raw() == 8192);
        // 1.5 * -2.25 = -3.375 in Q8.8
        CHECK(multiply<q8_8>(q8_8::from_raw(384), q8_8::from_raw(-576), count).raw() == -864);
    }
    SECTION("a half unit rounds up, for positive and negative products") {
        // 3 * 2^-15 * 0.5 = 1.5 units -> 2; -1.5 units -> -1; 2.5 units -> 3; -2.5 units -> -2
        CHECK(multiply<q15>(q15::from_raw(3), q15::from_raw(16384), count).raw() == 2);
        CHECK(multiply<q15>(q15::from_raw(-3), q15::from_raw(16384), count).raw() == -1);
        CHECK(multiply<q15>(q15::from_raw(5), q15::from_raw(16384), count).raw() == 3);
        CHECK(multiply<q15>(q15::from_raw(-5), q15::from_raw(16384), count).raw() == -2);
    }
    SECTION("just below and above a half unit") {
        // 1 * 16383 / 32768 < 0.5 unit -> 0;  1 * 16385 / 32768 > 0.5 unit -> 1
        CHECK(multiply<q15>(q15::from_raw(1), q15::from_raw(16383), count).raw() == 0);
        CHECK(multiply<q15>(q15::from_raw(1), q15::from_raw(16385), count).raw() == 1);
        CHECK(multiply<q15>(q15::from_raw(-1), q15::from_raw(16385), count).raw() == -1);
    }
    CHECK(count.events == 0);
    SECTION("-1 * -1 does not fit [-1, 1): clamped and counted") {
        CHECK(multiply<q15>(q15::smallest(), q15::smallest(), count) == q15::largest());
        CHECK(count.events == 1);
    }
    SECTION("the largest 32-bit product, into a wider fraction") {
        CHECK(multiply<q1_30>(q16_16::smallest(), q16_16::smallest(), count) == q1_30::largest());
        CHECK(multiply<q1_30>(q16_16::from_raw(6), q16_16::from_raw(-1), count).raw() ==
              -1); // -1.5 units
        CHECK(count.events == 1);
    }
}

TEST_CASE("fixed: conversion between formats", "[firmware][fixed]") {
    saturation_count count;
    SECTION("more fractional bits: exact") {
        CHECK(convert<q16_16>(q8_8::from_raw(-385), count).raw() == -385 * 256);
        CHECK(count.events == 0);
    }
    SECTION("fewer fractional bits: rounded to nearest, halves up") {
        CHECK(convert<q8_8>(q16_16::from_raw(128), count).raw() == 1);  // half a unit
        CHECK(convert<q8_8>(q16_16::from_raw(-128), count).raw() == 0); // minus half a unit
        CHECK(convert<q8_8>(q16_16::from_raw(-129), count).raw() == -1);
        CHECK(count.events == 0);
    }
    SECTION("out of range: clamped and counted") {
        CHECK(convert<q8_8>(q16_16::from_raw(200 << 16), count) == q8_8::largest());
        CHECK(convert<q15>(q8_8::from_raw(-512), count) == q15::smallest());
        CHECK(convert<q1_30>(q16_16::largest(), count) == q1_30::largest());
        CHECK(count.events == 3);
    }
}

TEST_CASE("fixed: random products and conversions agree with exact arithmetic",
          "[firmware][fixed]") {
    std::mt19937 random(20261123);
    std::uniform_int_distribution<std::int32_t> any32(std::numeric_limits<std::int32_t>::min(),
                                                      std::numeric_limits<std::int32_t>::max());
    auto expected_clamped = [](std::int64_t value, std::int64_t low, std::int64_t high) {
        return value < low ? low : (value > high ? high : value);
    };
    saturation_count count;
    std::uint32_t clamped = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        const auto a = q16_16::from_raw(any32(random));
        const auto b = q16_16::from_raw(any32(random) >> (trial % 31));
        const std::int64_t exact = std::int64_t{a.raw()} * b.raw();
        for (const int shift : {32, 16}) {
            const std::int64_t reference = rounded_reference(exact, shift);
            const std::int64_t want = expected_clamped(reference, INT32_MIN, INT32_MAX);
            clamped += want != reference ? 1 : 0;
            const std::int32_t got = shift == 32
                                         ? multiply<fixed<std::int32_t, 0>>(a, b, count).raw()
                                         : multiply<q16_16>(a, b, count).raw();
            REQUIRE(got == want);
        }
        const std::int64_t narrowed =
            expected_clamped(rounded_reference(a.raw(), 8), INT16_MIN, INT16_MAX);
        clamped += narrowed != rounded_reference(a.raw(), 8) ? 1 : 0;
        REQUIRE(convert<q8_8>(a, count).raw() == narrowed);
    }
    CHECK(count.events == clamped);
    CHECK(clamped > 0); // the operands reach the limits
}
