#include <cmath>

#include "constant_variables.hpp"
#include "simplify.hpp"

namespace sf::mapper::detail {
namespace {

using lems::ir::node;
using lems::ir::op;

// Whether every neuron starts with one finite value of the variable, and that value.
bool same_everywhere(const lems::ir::variable& var, double& value) {
    const auto& initial = var.initial;
    if (initial.empty()) {
        return false;
    }
    value = initial.front();
    for (double x : initial) {
        if (x != value) {
            return false;
        }
    }
    return std::isfinite(value);
}

// How the statements of a step use each variable.
struct variable_uses {
    std::vector<int> assignments; // how many statements assign it
    std::vector<int> last_assignment;
    std::vector<int> first_read; // or -1
};

variable_uses uses_of(const std::vector<lems::ir::statement>& step, std::size_t count) {
    variable_uses u;
    u.assignments.assign(count, 0);
    u.last_assignment.assign(count, -1);
    u.first_read.assign(count, -1);
    for (std::size_t s = 0; s < step.size(); ++s) {
        auto read = [&](int v) {
            if (u.first_read[static_cast<std::size_t>(v)] < 0) {
                u.first_read[static_cast<std::size_t>(v)] = static_cast<int>(s);
            }
        };
        if (step[s].guard >= 0) {
            read(step[s].guard);
        }
        for (const auto& n : step[s].value.nodes) {
            if (n.kind == op::variable) {
                read(n.variable);
            }
        }
        if (step[s].kind != lems::ir::statement_kind::emit) {
            ++u.assignments[static_cast<std::size_t>(step[s].target)];
            u.last_assignment[static_cast<std::size_t>(step[s].target)] = static_cast<int>(s);
        }
    }
    return u;
}

// The variables that hold one value wherever they are read, and those values.
struct constant_variables {
    std::vector<bool> fixed;
    std::vector<double> value;
};

constant_variables find_constant_variables(const lems::ir::neuron_group& group,
                                           const std::vector<lems::ir::statement>& step) {
    const std::size_t count = group.variables.size();
    const variable_uses uses = uses_of(step, count);
    constant_variables c;
    c.fixed.assign(count, false);
    c.value.assign(count, 0.0);
    for (std::size_t v = 0; v < count; ++v) {
        const auto& var = group.variables[v];
        if (var.kind == lems::ir::storage::input) {
            continue;
        }
        double initial = 0.0;
        const bool uniform = same_everywhere(var, initial);
        if (uses.assignments[v] == 0) {
            c.fixed[v] = uniform; // never assigned, equal in every neuron
            c.value[v] = initial;
            continue;
        }
        const int only = uses.last_assignment[v];
        const auto& st = step[static_cast<std::size_t>(only)];
        if (uses.assignments[v] != 1 || st.guard >= 0) {
            continue;
        }
        const node& root = st.value.at(st.value.root());
        if (root.kind != op::constant) {
            continue;
        }
        // Assigned one constant every step: it is that constant wherever it is read after the
        // assignment, and everywhere when it also starts with it.
        const bool starts_so =
            uniform && std::fabs(root.value - initial) <= 1e-12 * std::fabs(initial);
        const bool read_after = uses.first_read[v] < 0 || uses.first_read[v] > only;
        if (starts_so || read_after) {
            c.fixed[v] = true;
            c.value[v] = root.value;
        }
    }
    return c;
}

// Reads of constant variables become the constants; returns whether any did.
bool substitute_constants(std::vector<lems::ir::statement>& step, const constant_variables& c) {
    bool changed = false;
    for (auto& st : step) {
        bool touched = false;
        for (auto& n : st.value.nodes) {
            if (n.kind == op::variable && c.fixed[static_cast<std::size_t>(n.variable)]) {
                n = node{op::constant, -1, -1, c.value[static_cast<std::size_t>(n.variable)], -1};
                touched = true;
            }
        }
        if (touched) {
            st.value = simplify(st.value);
            changed = true;
        }
    }
    return changed;
}

// Assignments of constant variables are needed only where an output records them; statements
// under a constant guard always or never run. Returns whether any statement changed.
bool drop_constant_statements(const lems::ir::neuron_group& group,
                              std::vector<lems::ir::statement>& step, const constant_variables& c) {
    bool changed = false;
    for (std::size_t s = step.size(); s-- > 0;) {
        auto& st = step[s];
        const bool fixed_target = st.kind != lems::ir::statement_kind::emit &&
                                  c.fixed[static_cast<std::size_t>(st.target)] &&
                                  !group.variables[static_cast<std::size_t>(st.target)].recorded;
        const bool never = st.guard >= 0 && c.fixed[static_cast<std::size_t>(st.guard)] &&
                           c.value[static_cast<std::size_t>(st.guard)] == 0.0;
        if (fixed_target || never) {
            step.erase(step.begin() + static_cast<std::ptrdiff_t>(s));
            changed = true;
        } else if (st.guard >= 0 && c.fixed[static_cast<std::size_t>(st.guard)]) {
            st.guard = -1;
            changed = true;
        }
    }
    return changed;
}

} // namespace

// Variables that hold one value in every neuron all the time (a parameter of a child, a surface
// area computed from fixed dimensions, a weight every connection shares) become constants, so that
// products and quotients with them fold.
void propagate_constants(const lems::ir::neuron_group& group,
                         std::vector<lems::ir::statement>& step) {
    bool changed = true;
    while (changed) {
        const constant_variables constants = find_constant_variables(group, step);
        const bool substituted = substitute_constants(step, constants);
        const bool dropped = drop_constant_statements(group, step, constants);
        changed = substituted || dropped;
    }
}

} // namespace sf::mapper::detail
