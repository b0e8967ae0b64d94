// Two runs' spikes compared at a glance: counts, cells, and the reference's spikes that the other
// run has within the tolerance, each spike paired at most once.
#include <catch2/catch.hpp>

#include <sf/plot/recording_files.hpp>
#include <sf/plot/spike_comparison.hpp>

using sf::plot::compare_spikes;
using sf::plot::parse_spikes;

namespace {
constexpr double step = 1e-4;
} // namespace

TEST_CASE("spikes within one step of the reference's pair, cell by cell", "[plot]") {
    // Cell 1: one on time, one a step late, one two steps late. Cell 2 only in the reference,
    // cell 3 only in the other run.
    const auto reference =
        parse_spikes("0.0010\t1\n0.0020\t1\n0.0030\t1\n0.0050\t2\n", "reference.spikes");
    const auto other = parse_spikes("0.0010\t1\n0.0021\t1\n0.0032\t1\n0.0040\t3\n", "other.spikes");
    const auto c = compare_spikes(reference, other, step);
    CHECK(c.reference_spikes == 4);
    CHECK(c.other_spikes == 4);
    CHECK(c.cells == 3);
    CHECK(c.matched == 2);
}

TEST_CASE("a spike pairs at most once, and the most pairs are found", "[plot]") {
    // Two reference spikes a step apart and one other spike between them: one pair.
    const auto reference = parse_spikes("0.0010\t1\n0.0011\t1\n", "reference.spikes");
    const auto other = parse_spikes("0.00105\t1\n", "other.spikes");
    CHECK(compare_spikes(reference, other, step).matched == 1);
    // Each other spike pairs with the reference spike it can reach, not the nearest alone.
    const auto shifted = parse_spikes("0.0009\t1\n0.00115\t1\n", "shifted.spikes");
    CHECK(compare_spikes(reference, shifted, step).matched == 2);
}

TEST_CASE("times written as decimals a rounding away from one step still pair", "[plot]") {
    const auto reference = parse_spikes("0.1234\t5\n", "reference.spikes");
    const auto other = parse_spikes("0.12350000001\t5\n", "other.spikes");
    CHECK(compare_spikes(reference, other, step).matched == 1);
    const auto beyond = parse_spikes("0.1236\t5\n", "beyond.spikes");
    CHECK(compare_spikes(reference, beyond, step).matched == 0);
}

TEST_CASE("runs without spikes compare as empty", "[plot]") {
    const auto none = parse_spikes("", "none.spikes");
    const auto some = parse_spikes("0.001\t1\n", "some.spikes");
    const auto c = compare_spikes(none, some, step);
    CHECK(c.reference_spikes == 0);
    CHECK(c.other_spikes == 1);
    CHECK(c.cells == 1);
    CHECK(c.matched == 0);
}
