#pragma once

#include <vector>

#include <sf/lems/network_ir.hpp>

namespace sf::lems::ir {

// `e` with every comparison tied as the float simulator ties them when time is step x dt:
// a > b becomes a - b > tol (|a| + |b|), a >= b becomes a - b >= -tol (|a| + |b|), a == b
// becomes |a - b| <= tol (|a| + |b|). Comparisons whose operands draw random numbers stay as they
// are.
expr tie_comparisons(const expr& e);

// Every group's step statements with their comparisons tied.
std::vector<std::vector<statement>> tied_steps(const network& net);

} // namespace sf::lems::ir
