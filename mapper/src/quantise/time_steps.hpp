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

// Elapsed steps against a duration c, as exact arithmetic compares them: the first whole number
// of steps k with k dt > c (`after`) and with k dt >= c (`from`). A duration within 1e-9 of a whole
// number of steps is that number (a tie); the two differ by one there and are equal otherwise.
struct step_offset {
    std::int64_t after = 0;
    std::int64_t from = 0;
};
step_offset steps_of(double c, double dt);

} // namespace sf::mapper::detail
