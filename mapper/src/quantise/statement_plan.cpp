#include <algorithm>
#include <set>
#include <sstream>

#include "simplify.hpp"
#include "statement_plan.hpp"

namespace sf::mapper::detail {
namespace {

using lems::ir::expr;
using lems::ir::node;
using lems::ir::op;

bool tabulable(op kind) {
    return !lems::ir::is_boolean(kind) && kind != op::heaviside && kind != op::random;
}

int merge_leaves(int a, int b) {
    if (a == no_leaf) {
        return b;
    }
    if (b == no_leaf || a == b) {
        return a;
    }
    return many_leaves;
}

} // namespace

bool needs_table(const node& n, const expr& e) {
    switch (n.kind) {
    case op::exp:
    case op::log:
    case op::sqrt:
    case op::sin:
    case op::cos:
    case op::tan:
    case op::sinh:
    case op::cosh:
    case op::tanh:
    case op::ceil:
    case op::floor:
    case op::factorial:
    case op::power: return true;
    case op::divide: return !is_constant(e, n.b);
    default: return false;
    }
}

statement_plan plan_statement(const expr& e) {
    statement_plan p;
    const std::size_t count = e.nodes.size();
    p.parent.assign(count, -1);
    p.leaf.assign(count, no_leaf);
    p.nonlinear.assign(count, false);
    p.table_root.assign(count, false);
    for (std::size_t i = 0; i < count; ++i) {
        const node& n = e.nodes[i];
        int leaf = no_leaf;
        bool nonlinear = needs_table(n, e);
        if (n.kind == op::variable) {
            leaf = n.variable;
        } else if (n.kind == op::time) {
            leaf = time_leaf;
        } else if (n.kind == op::random) {
            leaf = many_leaves;
        }
        for (int operand : {n.a, n.b}) {
            if (operand >= 0) {
                p.parent[static_cast<std::size_t>(operand)] = static_cast<int>(i);
                leaf = merge_leaves(leaf, p.leaf[static_cast<std::size_t>(operand)]);
                nonlinear = nonlinear || p.nonlinear[static_cast<std::size_t>(operand)];
            }
        }
        if (!tabulable(n.kind)) {
            leaf = many_leaves;
        }
        p.leaf[i] = leaf;
        p.nonlinear[i] = nonlinear;
    }
    for (std::size_t i = 0; i < count; ++i) {
        const bool single = p.leaf[i] >= 0 || p.leaf[i] == time_leaf;
        if (!single || !p.nonlinear[i]) {
            continue;
        }
        const int up = p.parent[i];
        const bool parent_takes_it = up >= 0 && p.leaf[static_cast<std::size_t>(up)] == p.leaf[i];
        p.table_root[i] = !parent_takes_it;
    }
    return p;
}

int count_table_sites(const lems::ir::neuron_group& group,
                      const std::vector<lems::ir::statement>& step, const std::vector<bool>& live) {
    // Tables of the same expression are usually one table: count each text once.
    std::set<std::string> sites;
    for (std::size_t s = 0; s < step.size(); ++s) {
        if (!live[s] || step[s].kind == lems::ir::statement_kind::emit) {
            continue;
        }
        const statement_plan p = plan_statement(step[s].value);
        // A table over a whole subtree covers the operations inside it.
        std::vector<bool> covered(p.table_root.size(), false);
        for (std::size_t n = p.table_root.size(); n-- > 0;) {
            const int up = p.parent[n];
            covered[n] = up >= 0 && (covered[static_cast<std::size_t>(up)] ||
                                     p.table_root[static_cast<std::size_t>(up)]);
        }
        for (std::size_t n = 0; n < p.table_root.size(); ++n) {
            const node& x = step[s].value.nodes[n];
            const bool own_table = needs_table(x, step[s].value) && !p.table_root[n] && !covered[n];
            if (p.table_root[n] || own_table) {
                sites.insert(infix(step[s].value, static_cast<int>(n), group));
            }
        }
    }
    return std::max<int>(1, static_cast<int>(sites.size()));
}

std::string number(double x) {
    std::ostringstream out;
    out.precision(6);
    out << x;
    return out.str();
}

std::string infix(const expr& e, int n, const lems::ir::neuron_group& group) {
    const node& x = e.at(n);
    auto sub = [&](int k) {
        const node& y = e.at(k);
        const bool simple =
            lems::ir::operand_count(y.kind) == 0 || lems::ir::operand_count(y.kind) == 1;
        const std::string text = infix(e, k, group);
        return simple ? text : "(" + text + ")";
    };
    switch (x.kind) {
    case op::constant: return number(x.value);
    case op::variable: return group.variables[static_cast<std::size_t>(x.variable)].member;
    case op::time: return "t";
    case op::negate: return "-" + sub(x.a);
    default: break;
    }
    if (lems::ir::operand_count(x.kind) == 1) {
        return std::string(lems::ir::name(x.kind)) + "(" + infix(e, x.a, group) + ")";
    }
    return sub(x.a) + " " + lems::ir::name(x.kind) + " " + sub(x.b);
}

} // namespace sf::mapper::detail
