#include <algorithm>
#include <cmath>

#include "time_steps.hpp"

namespace sf::mapper::detail {

using lems::ir::op;

op mirrored(op kind) {
    switch (kind) {
    case op::greater: return op::less;
    case op::less: return op::greater;
    case op::greater_equal: return op::less_equal;
    case op::less_equal: return op::greater_equal;
    default: return kind;
    }
}

std::int64_t first_step(op kind, double c, double dt, std::int64_t steps) {
    auto holds = [&](double t) {
        switch (kind) {
        case op::greater: return t > c;
        case op::greater_equal: return t >= c;
        case op::less: return !(t < c);
        case op::less_equal: return !(t <= c);
        default: return false;
        }
    };
    const double estimate = c / dt;
    if (estimate < 0) {
        return 0;
    }
    if (estimate > static_cast<double>(steps) + 2.0) {
        return steps + 2;
    }
    if (estimate > 5e7) {
        // Too far to accumulate step by step: the exact multiple, which the accumulated time
        // differs from by rounding only.
        auto n = static_cast<std::int64_t>(std::floor(estimate)) - 2;
        while (!holds(static_cast<double>(n) * dt)) {
            ++n;
        }
        return n;
    }
    double t = 0.0;
    for (std::int64_t n = 0; n <= steps + 1; ++n) {
        if (holds(t)) {
            return n;
        }
        t += dt;
    }
    return steps + 2;
}

step_offset steps_of(double c, double dt) {
    const double steps = c / dt;
    const double whole = std::round(steps);
    if (std::fabs(steps - whole) <= 1e-9 * std::max(1.0, std::fabs(steps))) {
        const auto n = static_cast<std::int64_t>(whole);
        return {n + 1, n};
    }
    const auto n = static_cast<std::int64_t>(std::ceil(steps));
    return {n, n};
}

} // namespace sf::mapper::detail
