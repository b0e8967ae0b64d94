#include <algorithm>
#include <cmath>
#include <utility>

#include <sf/mapper/compile_error.hpp>

#include "state_layout.hpp"
#include "units.hpp"

namespace sf::mapper::detail {
namespace {

// The variables the live statements read or write.
std::vector<bool> used_variables(const lems::ir::neuron_group& group,
                                 const std::vector<lems::ir::statement>& step,
                                 const std::vector<bool>& live) {
    std::vector<bool> used(group.variables.size(), false);
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s]) {
            continue;
        }
        if (step[s].kind != lems::ir::statement_kind::emit) {
            used[static_cast<std::size_t>(step[s].target)] = true;
        }
        if (step[s].guard >= 0) {
            used[static_cast<std::size_t>(step[s].guard)] = true;
        }
        for (const auto& n : step[s].value.nodes) {
            if (n.kind == lems::ir::op::variable) {
                used[static_cast<std::size_t>(n.variable)] = true;
            }
        }
    }
    return used;
}

// The largest magnitude among the values a variable is added to, subtracted from or compared
// with: the scale a variable that stayed zero in the float run would have.
double partner_magnitude(const std::vector<lems::ir::statement>& step,
                         const std::vector<bool>& live, const group_bounds& bounds, int variable) {
    double largest = 0.0;
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s]) {
            continue;
        }
        const auto& e = step[s].value;
        for (const auto& n : e.nodes) {
            const bool pairs = n.kind == lems::ir::op::add || n.kind == lems::ir::op::subtract ||
                               n.kind == lems::ir::op::greater || n.kind == lems::ir::op::less ||
                               n.kind == lems::ir::op::greater_equal ||
                               n.kind == lems::ir::op::less_equal;
            if (!pairs) {
                continue;
            }
            for (const auto& [mine, other] :
                 {std::pair<int, int>{n.a, n.b}, std::pair<int, int>{n.b, n.a}}) {
                const auto& x = e.at(mine);
                if (x.kind == lems::ir::op::variable && x.variable == variable) {
                    largest = std::max(
                        largest, bounds.nodes[s][static_cast<std::size_t>(other)].magnitude());
                }
            }
        }
    }
    return largest;
}

// Where in the step each variable is first assigned (unguarded), last used, and whether it is
// read before its first assignment.
struct variable_lifetimes {
    std::vector<int> defined; // first unguarded assignment, or -1
    std::vector<int> last_use;
    std::vector<bool> read_first; // read before (or by) its first assignment
};

variable_lifetimes lifetimes_of(std::size_t count, const std::vector<lems::ir::statement>& step,
                                const std::vector<bool>& live) {
    variable_lifetimes l;
    l.defined.assign(count, -1);
    l.last_use.assign(count, -1);
    l.read_first.assign(count, false);
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s]) {
            continue;
        }
        const auto& st = step[s];
        const int at = static_cast<int>(s);
        auto read = [&](int v) {
            const auto k = static_cast<std::size_t>(v);
            if (l.defined[k] < 0) {
                l.read_first[k] = true;
            }
            l.last_use[k] = at;
        };
        if (st.guard >= 0) {
            read(st.guard);
        }
        for (const auto& n : st.value.nodes) {
            if (n.kind == lems::ir::op::variable) {
                read(n.variable);
            }
        }
        if (st.kind != lems::ir::statement_kind::emit) {
            const auto k = static_cast<std::size_t>(st.target);
            if (l.defined[k] < 0 && st.guard < 0) {
                l.defined[k] = at;
            } else if (l.defined[k] < 0) {
                l.read_first[k] = true; // a guarded first assignment may leave last step's value
            }
            l.last_use[k] = at;
        }
    }
    return l;
}

// Values a step computes before it reads them and nobody records: they live only within the
// step, so variables whose uses do not overlap share a state word. Returns each such variable's
// shared word (numbered from 0), -1 for the others.
std::vector<int> scratch_slots(const lems::ir::neuron_group& group,
                               const std::vector<lems::ir::statement>& step,
                               const std::vector<bool>& live) {
    const std::size_t count = group.variables.size();
    const variable_lifetimes l = lifetimes_of(count, step, live);
    std::vector<int> slot(count, -1);
    std::vector<int> busy_until; // per shared word: the last statement using it
    for (std::size_t s = 0; s < step.size(); ++s) {
        for (std::size_t v = 0; v < count; ++v) {
            const auto& var = group.variables[v];
            if (l.defined[v] != static_cast<int>(s) || l.read_first[v] || var.recorded ||
                var.kind != lems::ir::storage::state) {
                continue;
            }
            int chosen = -1;
            for (std::size_t w = 0; w < busy_until.size() && chosen < 0; ++w) {
                if (busy_until[w] < static_cast<int>(s)) {
                    chosen = static_cast<int>(w);
                }
            }
            if (chosen < 0) {
                chosen = static_cast<int>(busy_until.size());
                busy_until.push_back(0);
            }
            busy_until[static_cast<std::size_t>(chosen)] = l.last_use[v];
            slot[v] = chosen;
        }
    }
    return slot;
}

// The format of variable v's word: whole numbers in frac_bits 0, others holding their range
// with headroom; a variable never seen other than zero as fine as the values it meets.
fixed_format format_of_variable(const lems::ir::neuron_group& group,
                                const std::vector<lems::ir::statement>& step,
                                const std::vector<bool>& live, const group_bounds& bounds,
                                std::size_t v, int headroom_bits, group_entry& entry) {
    if (bounds.integer[v]) {
        return fixed_format{0};
    }
    double magnitude = bounds.variables[v].magnitude();
    if (magnitude == 0.0) {
        // Never seen other than zero: as fine as what it is added to or compared with.
        magnitude = partner_magnitude(step, live, bounds, static_cast<int>(v));
        entry.warnings.push_back(
            group.variables[v].name + " stayed 0 in the float run; its format is that of " +
            (magnitude > 0.0 ? "the values it is added to" : "a whole number"));
    }
    return magnitude > 0.0 ? fixed_format::holding(std::ldexp(magnitude, headroom_bits))
                           : fixed_format{0};
}

void report_variable(const lems::ir::variable& var, const value_bounds& b, bool integer,
                     fixed_format f, group_entry& entry) {
    variable_entry ve;
    ve.name = var.name;
    ve.unit = si_unit(var.dim);
    ve.low = b.range.empty() ? 0.0 : b.range.low;
    ve.high = b.range.empty() ? 0.0 : b.range.high;
    ve.measured = b.measured;
    ve.format = f;
    entry.variables.push_back(ve);
    if (!b.measured && !integer && var.kind == lems::ir::storage::state) {
        entry.warnings.push_back(var.name +
                                 " did not change in the float run; its range comes from interval "
                                 "arithmetic");
    }
}

} // namespace

std::vector<bool> live_statements(const lems::ir::neuron_group& group,
                                  const std::vector<lems::ir::statement>& step) {
    std::vector<bool> live_variable(group.variables.size(), false);
    for (std::size_t v = 0; v < group.variables.size(); ++v) {
        live_variable[v] = group.variables[v].recorded;
    }
    std::vector<bool> live(step.size(), false);
    bool changed = true;
    while (changed) {
        changed = false;
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (live[s]) {
                continue;
            }
            const auto& st = step[s];
            if (st.kind != lems::ir::statement_kind::emit &&
                !live_variable[static_cast<std::size_t>(st.target)]) {
                continue;
            }
            live[s] = true;
            changed = true;
            if (st.guard >= 0) {
                live_variable[static_cast<std::size_t>(st.guard)] = true;
            }
            for (const auto& n : st.value.nodes) {
                if (n.kind == lems::ir::op::variable) {
                    live_variable[static_cast<std::size_t>(n.variable)] = true;
                }
            }
        }
    }
    return live;
}

state_layout lay_out_state(const lems::ir::neuron_group& group,
                           const std::vector<lems::ir::statement>& step,
                           const std::vector<bool>& live, const group_bounds& bounds,
                           int headroom_bits, group_entry& entry) {
    std::vector<bool> used = used_variables(group, step, live);
    state_layout layout;
    layout.slot.assign(group.variables.size(), -1);
    layout.format.assign(group.variables.size(), fixed_format{0});
    const std::vector<int> scratch = scratch_slots(group, step, live);
    for (int k : scratch) {
        layout.words = std::max(layout.words, k + 1);
    }
    layout.scratch_words = layout.words;
    for (std::size_t v = 0; v < group.variables.size(); ++v) {
        const auto& var = group.variables[v];
        if (var.recorded) {
            used[v] = true;
        }
        if (!used[v]) {
            continue;
        }
        if (var.kind == lems::ir::storage::input) {
            if (var.recorded) {
                throw compile_error(group.label,
                                    "records " + var.name +
                                        ", a synaptic input, which no state word holds");
            }
            continue;
        }
        layout.slot[v] = scratch[v] >= 0 ? scratch[v] : layout.words++;
        const fixed_format f =
            format_of_variable(group, step, live, bounds, v, headroom_bits, entry);
        layout.format[v] = f;
        report_variable(var, bounds.variables[v], bounds.integer[v], f, entry);
    }
    return layout;
}

} // namespace sf::mapper::detail
