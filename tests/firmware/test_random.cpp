// The counter-based numbers of `rand`: the formula of docs/isa.md pinned by known values (which the
// RTL and SystemC models check against too), a rough check of their distribution, and neighbours
// that differ.
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/random.hpp>

namespace {

namespace isa = sf::firmware::isa;

// Values of the formula worked out independently (docs/isa.md lists the same ones).
static_assert(isa::mix32(0) == 0);
static_assert(isa::mix32(1) == 0x514E28B7u);
static_assert(isa::random_bits(1, 2, 3, 4) == 0x7045D1A7u);
static_assert(isa::random_bits(0x5EED, 17, 42, 0) == 0xCBAD8F67u);
static_assert(isa::random_bits(0xFFFFFFFFu, 255, 0xFFFFFFFFu, 4095) == 0x1DEE2407u);
static_assert(isa::random_fraction(0x5EED, 17, 42, 0) == 0x65D6C7B3);

constexpr std::uint32_t seed = 20240611;

} // namespace

TEST_CASE("random: fractions are spread evenly from 0 to 2^31", "[firmware][random]") {
    INFO("seed " << seed);
    constexpr int buckets = 16;
    std::vector<int> counts(buckets, 0);
    std::vector<int> bit_counts(31, 0);
    double sum = 0;
    int drawn = 0;
    for (std::uint32_t step = 1; step <= 40; ++step) {
        for (std::uint32_t neuron = 0; neuron < 256; ++neuron) {
            for (std::uint32_t instruction = 0; instruction < 4; ++instruction) {
                const std::int32_t value = isa::random_fraction(seed, neuron, step, instruction);
                REQUIRE(value >= 0);
                sum += value;
                ++counts[static_cast<std::size_t>(value >> 27)];
                for (int bit = 0; bit < 31; ++bit) {
                    bit_counts[static_cast<std::size_t>(bit)] += (value >> bit) & 1;
                }
                ++drawn;
            }
        }
    }
    // 40960 draws: the mean's standard error is 2^31 / sqrt(12 × 40960), under 0.15 % of 2^31.
    const double mean = sum / drawn / 2147483648.0;
    CHECK(mean == Approx(0.5).margin(0.005));
    double chi_square = 0;
    for (int count : counts) {
        const double expected = static_cast<double>(drawn) / buckets;
        chi_square += (count - expected) * (count - expected) / expected;
    }
    CHECK(chi_square < 40.0); // 15 degrees of freedom: p < 0.001 beyond 37.7
    for (int bit = 0; bit < 31; ++bit) {
        INFO("bit " << bit);
        CHECK(std::abs(bit_counts[static_cast<std::size_t>(bit)] - drawn / 2) <
              700); // 5 sigma is 506
    }
}

TEST_CASE("random: neighbouring neurons, steps and instructions draw different numbers",
          "[firmware][random]") {
    INFO("seed " << seed);
    std::set<std::int32_t> seen;
    int draws = 0;
    double neuron_products = 0;
    for (std::uint32_t step = 1; step <= 16; ++step) {
        for (std::uint32_t neuron = 0; neuron < 256; ++neuron) {
            for (std::uint32_t instruction = 0; instruction < 8; ++instruction) {
                const std::int32_t here = isa::random_fraction(seed, neuron, step, instruction);
                CHECK(here != isa::random_fraction(seed, neuron + 1, step, instruction));
                CHECK(here != isa::random_fraction(seed, neuron, step + 1, instruction));
                CHECK(here != isa::random_fraction(seed, neuron, step, instruction + 1));
                CHECK(here != isa::random_fraction(seed + 1, neuron, step, instruction));
                seen.insert(here);
                ++draws;
                const double a = here / 2147483648.0 - 0.5;
                const double b =
                    isa::random_fraction(seed, neuron + 1, step, instruction) / 2147483648.0 - 0.5;
                neuron_products += a * b;
            }
        }
    }
    // 32768 draws from 2^31 values: a repeat is expected about once in four such sets.
    CHECK(draws - static_cast<int>(seen.size()) <= 2);
    // Neighbouring neurons are uncorrelated: the correlation's standard error is 1/sqrt(32768).
    CHECK(std::abs(neuron_products / draws * 12.0) < 0.03);
}
