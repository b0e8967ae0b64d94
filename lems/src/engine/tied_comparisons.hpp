#pragma once

#include <memory>
#include <vector>

#include "runtime.hpp"
#include "tie_tolerance.hpp"

namespace sf::lems::engine {

// Rewrites every comparison of every kind's expressions so that values within tie_tolerance of
// each other compare as equal: a > b becomes a - b > tol (|a| + |b|), a >= b becomes
// a - b >= -tol (|a| + |b|), and so on. With time kept as step x dt, times that exact arithmetic
// makes equal (j dt + refract and (j + m) dt for a refract of m steps) differ by a rounding error
// of the decimal dt in binary, which would decide such a tie one way or the other from one
// occurrence to the next; tied, it is decided as exact arithmetic decides it. A comparison whose
// operands draw random numbers is left as it is (its operands are evaluated twice). Call before
// the runtime's kernels are compiled.
void tie_comparisons(std::vector<std::unique_ptr<kind>>& kinds);

} // namespace sf::lems::engine
