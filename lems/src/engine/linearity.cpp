#include <map>
#include <set>
#include <string>

#include "linearity.hpp"

namespace sf::lems::engine {
namespace {

// How an expression depends on a set of state variables.
enum class order { constant, linear, nonlinear };

order combine_sum(order a, order b) {
    if (a == order::nonlinear || b == order::nonlinear) {
        return order::nonlinear;
    }
    if (a == b) {
        return a;
    }
    return order::nonlinear; // constant + linear is affine, and affine sums do not superpose
}

order classify(const expression& e, int node_index, const std::map<std::string, order>& symbols) {
    const expr_node& node = e.nodes()[static_cast<std::size_t>(node_index)];
    switch (node.op) {
    case expr_op::number: return order::constant;
    case expr_op::symbol: {
        const auto it = symbols.find(node.name);
        return it == symbols.end() ? order::constant : it->second;
    }
    case expr_op::negate: return classify(e, node.a, symbols);
    case expr_op::add:
    case expr_op::subtract:
        return combine_sum(classify(e, node.a, symbols), classify(e, node.b, symbols));
    case expr_op::multiply: {
        const order a = classify(e, node.a, symbols);
        const order b = classify(e, node.b, symbols);
        if (a == order::constant) {
            return b;
        }
        return b == order::constant ? a : order::nonlinear;
    }
    case expr_op::divide: {
        const order a = classify(e, node.a, symbols);
        return classify(e, node.b, symbols) == order::constant ? a : order::nonlinear;
    }
    default: {
        // Functions, powers and comparisons keep only constants constant.
        const bool constant_operands =
            (node.a < 0 || classify(e, node.a, symbols) == order::constant) &&
            (node.b < 0 || classify(e, node.b, symbols) == order::constant);
        return constant_operands ? order::constant : order::nonlinear;
    }
    }
}

order classify(const expression& e, const std::map<std::string, order>& symbols) {
    return classify(e, e.root(), symbols);
}

bool uses_any(const expression& e, const std::set<std::string>& names) {
    for (const auto& symbol : e.symbols()) {
        if (names.count(symbol) != 0) {
            return true;
        }
    }
    return false;
}

// `x = x + c` or `x = c + x` or `x = x - c` with c free of state and time.
bool is_increment(const action_decl& action, const std::map<std::string, order>& symbols) {
    const expression& e = *action.value;
    const expr_node& root = e.nodes()[static_cast<std::size_t>(e.root())];
    if (root.op != expr_op::add && root.op != expr_op::subtract) {
        return false;
    }
    auto is_target = [&](int index) {
        const expr_node& n = e.nodes()[static_cast<std::size_t>(index)];
        return n.op == expr_op::symbol && n.name == action.target;
    };
    auto constant = [&](int index) { return classify(e, index, symbols) == order::constant; };
    if (is_target(root.a) && constant(root.b)) {
        return true;
    }
    return root.op == expr_op::add && is_target(root.b) && constant(root.a);
}

} // namespace

bool superposes(const component& comp) {
    const component_type& type = *comp.type;
    if (!type.dynamics || !comp.children.empty() || !type.structure.empty() ||
        !type.attachments.empty()) {
        return false;
    }
    const dynamics_decl& dyn = *type.dynamics;
    if (!dyn.regimes.empty() || !dyn.on_conditions.empty() || !dyn.kinetic_schemes.empty()) {
        return false;
    }
    std::map<std::string, order> symbols;
    for (const auto& sv : dyn.state_variables) {
        symbols[sv.decl.name] = order::linear;
    }
    symbols["t"] = order::nonlinear; // time-dependent terms do not superpose
    std::set<std::string> properties;
    for (const auto& p : type.properties) {
        properties.insert(p.decl.name);
    }
    // Derived variables in declaration order can refer to later ones; classify until stable.
    for (std::size_t pass = 0; pass <= dyn.derived_variables.size(); ++pass) {
        for (const auto& dv : dyn.derived_variables) {
            order o = order::nonlinear;
            if (dv.value && !uses_any(*dv.value, properties)) {
                o = classify(*dv.value, symbols);
            }
            symbols[dv.decl.name] = o;
        }
    }
    for (const auto& dv : dyn.derived_variables) {
        // Whatever the parent can read must add up across merged copies.
        if (symbols[dv.decl.name] != order::linear) {
            return false;
        }
    }
    for (const auto& td : dyn.time_derivatives) {
        if (uses_any(td.value, properties) || classify(td.value, symbols) != order::linear) {
            return false;
        }
    }
    for (const auto& action : dyn.on_start) {
        if (action.kind != action_kind::assign || !action.value->is_literal_zero()) {
            return false;
        }
    }
    for (const auto& handler : dyn.on_events) {
        for (const auto& action : handler.actions) {
            if (action.kind != action_kind::assign || !is_increment(action, symbols)) {
                return false;
            }
        }
    }
    return true;
}

} // namespace sf::lems::engine
