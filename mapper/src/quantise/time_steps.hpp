#pragma once

#include <cstdint>

#include <sf/lems/network_ir.hpp>

// Comparisons of the time with a constant as comparisons of the step number, which the cores
// count exactly.
namespace sf::mapper::detail {

// The comparison with its operands swapped: c < t is t > c.
lems::ir::op mirrored(lems::ir::op kind);

// The first step n whose accumulated time t_n makes `t kind c` true for > and >=, or false for
// < and <=, as the reference computes t_n = t_(n-1) + dt; steps + 2 when no step of the run does.
std::int64_t first_step(lems::ir::op kind, double c, double dt, std::int64_t steps);

} // namespace sf::mapper::detail
