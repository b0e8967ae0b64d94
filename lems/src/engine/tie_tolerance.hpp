#pragma once

namespace sf::lems::engine {

// Values that differ by no more than this share of their magnitudes compare as equal once
// comparisons are tied: with time kept as step x dt, times that exact arithmetic makes equal
// differ only by the rounding of the decimal dt in binary.
constexpr double tie_tolerance = 1e-12;

} // namespace sf::lems::engine
