#pragma once

namespace sf::lems::engine {

// Values that differ by no more than this share of their magnitudes compare as equal once
// comparisons are tied: with time kept as step x dt, times that exact arithmetic makes equal
// differ only by the rounding of the decimal dt in binary.
constexpr double tie_tolerance = 1e-12;

// How far past `time` a due time may lie and still tie with it: the tolerance of a comparison of
// two values of about that size.
inline double tie_slack(double time) { return tie_tolerance * 2.0 * (time < 0 ? -time : time); }

} // namespace sf::lems::engine
