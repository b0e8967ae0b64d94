#include <algorithm>
#include <cmath>
#include <functional>

#include "ranges.hpp"

namespace sf::mapper::detail {
namespace {

using lems::ir::node;
using lems::ir::op;
using lems::ir::value_range;

value_range hull(double a, double b, double c = NAN, double d = NAN) {
    value_range r;
    for (double x : {a, b, c, d}) {
        if (!std::isnan(x)) {
            r.include(x);
        }
    }
    return r;
}

value_range monotone(double (*f)(double), const value_range& a) {
    return hull(f(a.low), f(a.high));
}

// The interval of one operation over its operands' intervals a and b; empty where unknown
// (tan, cosh, power, factorial, or an operand outside the function's domain).
value_range interval_of(const node& n, const value_range& a, const value_range& b,
                        const std::vector<value_bounds>& variables, double time_limit, double dt) {
    switch (n.kind) {
    case op::constant: return hull(n.value, n.value);
    case op::variable: return variables[static_cast<std::size_t>(n.variable)].range;
    case op::time: return hull(dt, time_limit); // steps end at dt and later
    case op::negate: return hull(-a.low, -a.high);
    case op::add: return hull(a.low + b.low, a.high + b.high);
    case op::subtract: return hull(a.low - b.high, a.high - b.low);
    case op::multiply: return hull(a.low * b.low, a.low * b.high, a.high * b.low, a.high * b.high);
    case op::divide:
        if (b.low > 0.0 || b.high < 0.0) {
            return hull(a.low / b.low, a.low / b.high, a.high / b.low, a.high / b.high);
        }
        return value_range{};
    case op::exp: return monotone(std::exp, a);
    case op::log: return a.low > 0.0 ? monotone(std::log, a) : value_range{};
    case op::sqrt: return hull(std::sqrt(std::max(0.0, a.low)), std::sqrt(std::max(0.0, a.high)));
    case op::sinh: return monotone(std::sinh, a);
    case op::tanh: return monotone(std::tanh, a);
    case op::sin:
    case op::cos: return hull(-1.0, 1.0);
    case op::abs: return hull(0.0, std::max(std::fabs(a.low), std::fabs(a.high)));
    case op::ceil: return hull(std::ceil(a.low), std::ceil(a.high));
    case op::floor: return hull(std::floor(a.low), std::floor(a.high));
    case op::random:
        // rand gives at most 1 - 2^-31: 1 - random(1) stays above zero.
        return hull(0.0, a.low * (1.0 - std::ldexp(1.0, -31)),
                    a.high * (1.0 - std::ldexp(1.0, -31)));
    case op::greater:
    case op::less:
    case op::greater_equal:
    case op::less_equal:
    case op::equal:
    case op::not_equal:
    case op::logical_and:
    case op::logical_or:
    case op::heaviside: return hull(0.0, 1.0);
    default: return value_range{};
    }
}

// Interval arithmetic over one expression, given the variables' intervals.
std::vector<value_range> intervals(const lems::ir::expr& e,
                                   const std::vector<value_bounds>& variables, double time_limit,
                                   double dt) {
    std::vector<value_range> r(e.nodes.size());
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
        const node& n = e.nodes[i];
        const value_range a = n.a >= 0 ? r[static_cast<std::size_t>(n.a)] : value_range{};
        const value_range b = n.b >= 0 ? r[static_cast<std::size_t>(n.b)] : value_range{};
        const bool operand_unknown = (a.empty() && n.a >= 0) || (b.empty() && n.b >= 0);
        r[i] = operand_unknown ? value_range{} : interval_of(n, a, b, variables, time_limit, dt);
    }
    return r;
}

// What the run saw of each variable and its initial values; inputs reach what their
// connections can deliver in one step.
std::vector<value_bounds> observed_variables(const lems::ir::neuron_group& group,
                                             const lems::ir::group_ranges& observed,
                                             const std::vector<value_range>& input_bounds) {
    std::vector<value_bounds> variables(group.variables.size());
    for (std::size_t v = 0; v < variables.size(); ++v) {
        const auto& seen = observed.variables[v];
        variables[v].range = seen;
        for (double x : group.variables[v].initial) {
            variables[v].range.include(x);
        }
        // A value that never changed tells nothing about how far it may go.
        variables[v].measured = !seen.empty() && seen.high > seen.low;
    }
    for (std::size_t c = 0; c < group.inputs.size(); ++c) {
        auto& bound = variables[static_cast<std::size_t>(group.inputs[c].input)];
        bound.range.include(input_bounds[c]);
        bound.range.include(0.0);
        bound.measured = true;
    }
    return variables;
}

// Which variables only hold whole numbers: guards, regimes, counters of events.
std::vector<bool> whole_number_variables(const lems::ir::neuron_group& group,
                                         const std::vector<lems::ir::statement>& step) {
    const std::size_t variables = group.variables.size();
    std::vector<bool> integer(variables, true);
    std::vector<bool> assigned(variables, false);
    for (const auto& s : step) {
        if (s.kind == lems::ir::statement_kind::emit) {
            continue;
        }
        assigned[static_cast<std::size_t>(s.target)] = true;
        const node& root = s.value.at(s.value.root());
        const bool whole = is_boolean(root) ||
                           (root.kind == op::constant && std::floor(root.value) == root.value &&
                            std::fabs(root.value) < 2147483647.0);
        if (!whole) {
            integer[static_cast<std::size_t>(s.target)] = false;
        }
    }
    for (std::size_t v = 0; v < variables; ++v) {
        if (!assigned[v] || group.variables[v].kind == lems::ir::storage::input) {
            integer[v] = false;
        }
        for (double x : group.variables[v].initial) {
            if (std::floor(x) != x || std::fabs(x) >= 2147483647.0) {
                integer[v] = false;
            }
        }
    }
    return integer;
}

// Time-like state may grow with the simulation, whatever part of it the run covered: its range
// reaches `time_limit`. Returns which variables grow so.
std::vector<bool> let_times_grow(const lems::ir::neuron_group& group, group_bounds& b,
                                 double length, double time_limit) {
    std::vector<bool> grows(group.variables.size(), false);
    const lems::dimension time = lems::dimension::of(0, 0, 1, 0);
    for (std::size_t v = 0; v < grows.size(); ++v) {
        const auto& var = group.variables[v];
        if (var.kind == lems::ir::storage::state && var.dim == time && !b.integer[v]) {
            // Times past the end of the run ("never") only need to stay past it: they saturate.
            auto& r = b.variables[v].range;
            r.high = std::min(r.high, 2.0 * length);
            r.low = std::max(r.low, -2.0 * length);
            r.include(time_limit);
            r.include(0.0);
            grows[v] = true;
        }
    }
    return grows;
}

// Variables the run never saw change: widened by interval arithmetic over their assignments.
void widen_unmeasured(const std::vector<lems::ir::statement>& step,
                      std::vector<value_bounds>& variables, double time_limit, double dt) {
    for (int pass = 0; pass < 6; ++pass) {
        bool changed = false;
        for (const auto& s : step) {
            if (s.kind == lems::ir::statement_kind::emit) {
                continue;
            }
            auto& target = variables[static_cast<std::size_t>(s.target)];
            if (target.measured) {
                continue;
            }
            const auto r = intervals(s.value, variables, time_limit, dt);
            const value_range& value = r.back();
            if (value.empty() || !std::isfinite(value.low) || !std::isfinite(value.high)) {
                continue;
            }
            const value_range before = target.range;
            target.range.include(value);
            changed = changed || before.low != target.range.low || before.high != target.range.high;
        }
        if (!changed) {
            break;
        }
    }
}

// Landmarks: constants a variable is compared with (a threshold it reaches), passed on to the
// variables that copy it. Tables over a variable cover them even when the run stayed below.
std::vector<value_range> landmarks_of(const std::vector<lems::ir::statement>& step,
                                      std::size_t variables) {
    std::vector<value_range> landmarks(variables);
    for (const auto& st : step) {
        for (const node& n : st.value.nodes) {
            if (!is_boolean(n) || n.kind == op::logical_and || n.kind == op::logical_or) {
                continue;
            }
            const node& a = st.value.at(n.a);
            const node& c = st.value.at(n.b);
            if (a.kind == op::variable && c.kind == op::constant) {
                landmarks[static_cast<std::size_t>(a.variable)].include(c.value);
            } else if (c.kind == op::variable && a.kind == op::constant) {
                landmarks[static_cast<std::size_t>(c.variable)].include(a.value);
            }
        }
    }
    for (int pass = 0; pass < 4; ++pass) {
        for (const auto& st : step) {
            if (st.kind == lems::ir::statement_kind::emit) {
                continue;
            }
            const node& root = st.value.at(st.value.root());
            if (root.kind == op::variable && root.variable != st.target) {
                landmarks[static_cast<std::size_t>(st.target)].include(
                    landmarks[static_cast<std::size_t>(root.variable)]);
            }
        }
    }
    return landmarks;
}

// Per node of an expression: whether it reads the time or a variable that grows with it.
std::vector<bool> reads_growing(const lems::ir::expr& e, const std::vector<bool>& grows) {
    std::vector<bool> reads(e.nodes.size(), false);
    for (std::size_t n = 0; n < e.nodes.size(); ++n) {
        const node& x = e.nodes[n];
        bool g = x.kind == op::time ||
                 (x.kind == op::variable && grows[static_cast<std::size_t>(x.variable)]);
        for (int operand : {x.a, x.b}) {
            g = g || (operand >= 0 && reads[static_cast<std::size_t>(operand)]);
        }
        reads[n] = g;
    }
    return reads;
}

// Every node of statement s: what the run saw where it saw the value change, interval
// arithmetic where it did not (and where the value grows with time).
std::vector<value_bounds> bound_nodes(const lems::ir::statement& st, std::size_t s,
                                      const lems::ir::group_ranges& observed, const group_bounds& b,
                                      const std::vector<bool>& grows,
                                      const std::vector<value_range>& landmarks, double time_limit,
                                      double dt) {
    const auto& e = st.value;
    std::vector<value_bounds> nodes(e.nodes.size());
    const auto fallback = intervals(e, b.variables, time_limit, dt);
    const std::vector<bool> growing = reads_growing(e, grows);
    for (std::size_t n = 0; n < e.nodes.size(); ++n) {
        value_bounds& nb = nodes[n];
        const value_range* seen = s < observed.nodes.size() && n < observed.nodes[s].size()
                                      ? &observed.nodes[s][n]
                                      : nullptr;
        const bool variable = e.nodes[n].kind == op::variable;
        if (seen != nullptr && !seen->empty() && (seen->high > seen->low || variable)) {
            nb.range = *seen;
            nb.measured = true;
        } else {
            // Never seen, or never seen change: what interval arithmetic allows as well.
            nb.range = fallback[n];
            if (seen != nullptr) {
                nb.range.include(*seen);
            }
        }
        if (variable) {
            const auto v = static_cast<std::size_t>(e.nodes[n].variable);
            if (nb.range.empty()) {
                nb.range = b.variables[v].range;
            }
            nb.range.include(landmarks[v]);
        }
        if (growing[n] && !variable) {
            nb.range.include(fallback[n]);
        }
    }
    return nodes;
}

// Values that only add up to a variable need no more range than the variable's own: where
// the run saw larger ones (a time "never" reached), they saturate as the variable would.
void cap_sums_into_growing(const std::vector<lems::ir::statement>& step,
                           const std::vector<bool>& grows, group_bounds& b) {
    for (std::size_t s = 0; s < step.size(); ++s) {
        const auto& st = step[s];
        if (st.kind == lems::ir::statement_kind::emit ||
            !grows[static_cast<std::size_t>(st.target)]) {
            continue;
        }
        const double limit = 4.0 * b.variables[static_cast<std::size_t>(st.target)].magnitude();
        std::function<void(int, double)> cap = [&](int n, double bound) {
            value_bounds& nb = b.nodes[s][static_cast<std::size_t>(n)];
            nb.range.low = std::max(nb.range.low, -bound);
            nb.range.high = std::min(nb.range.high, bound);
            const node& x = st.value.at(n);
            if (x.kind == op::add || x.kind == op::subtract) {
                cap(x.a, bound);
                cap(x.b, bound);
            } else if (x.kind == op::negate) {
                cap(x.a, bound);
            } else if (x.kind == op::multiply && st.value.at(x.a).kind == op::constant &&
                       st.value.at(x.a).value != 0.0) {
                cap(x.b, bound / std::fabs(st.value.at(x.a).value));
            }
        };
        cap(st.value.root(), limit);
    }
}

} // namespace

double value_bounds::magnitude() const {
    if (range.empty()) {
        return 0.0;
    }
    return std::max(std::fabs(range.low), std::fabs(range.high));
}

bool is_boolean(const node& n) { return lems::ir::is_boolean(n.kind); }

group_bounds bound_group(const lems::ir::neuron_group& group,
                         const std::vector<lems::ir::statement>& step,
                         const lems::ir::group_ranges& observed,
                         const std::vector<value_range>& input_bounds, double length, double dt) {
    group_bounds b;
    const std::size_t variables = group.variables.size();
    b.variables = observed_variables(group, observed, input_bounds);
    b.integer = whole_number_variables(group, step);
    const double time_limit = 1.25 * length;
    const std::vector<bool> grows = let_times_grow(group, b, length, time_limit);
    widen_unmeasured(step, b.variables, time_limit, dt);
    const std::vector<value_range> landmarks = landmarks_of(step, variables);
    for (std::size_t v = 0; v < variables; ++v) {
        if (!b.integer[v]) {
            b.variables[v].range.include(landmarks[v]);
        }
    }
    b.nodes.resize(step.size());
    for (std::size_t s = 0; s < step.size(); ++s) {
        b.nodes[s] = bound_nodes(step[s], s, observed, b, grows, landmarks, time_limit, dt);
    }
    cap_sums_into_growing(step, grows, b);
    return b;
}

} // namespace sf::mapper::detail
