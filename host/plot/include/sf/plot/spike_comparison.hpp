#pragma once

#include <cstddef>

#include <sf/plot/recording_files.hpp>

// Two runs' spikes side by side at a glance (a board run against the double-precision
// reference): how many each has, and how many of the reference's spikes the other run has within
// a tolerance, cell by cell.
namespace sf::plot {

struct spike_comparison {
    std::size_t reference_spikes = 0;
    std::size_t other_spikes = 0;
    std::size_t cells = 0;   // cells that fired in either run
    std::size_t matched = 0; // reference spikes paired with one of the other run's
};

// Pairs each cell's spikes in time order, each spike at most once: two spikes pair when their
// times differ by at most `tolerance_seconds`, widened by a thousandth of it for the rounding of
// times written as decimals. Walking both sorted lists and pairing where it can gives the most
// pairs there are.
spike_comparison compare_spikes(const spike_record& reference, const spike_record& other,
                                double tolerance_seconds);

} // namespace sf::plot
