#include <algorithm>

#include <sf/lems/network_ir.hpp>

namespace sf::lems::ir {

int operand_count(op kind) {
    switch (kind) {
    case op::constant:
    case op::variable:
    case op::time: return 0;
    case op::negate:
    case op::exp:
    case op::log:
    case op::sqrt:
    case op::sin:
    case op::cos:
    case op::tan:
    case op::sinh:
    case op::cosh:
    case op::tanh:
    case op::abs:
    case op::ceil:
    case op::floor:
    case op::heaviside:
    case op::random:
    case op::factorial: return 1;
    default: return 2;
    }
}

const char* name(op kind) {
    switch (kind) {
    case op::constant: return "constant";
    case op::variable: return "variable";
    case op::time: return "t";
    case op::negate: return "-";
    case op::add: return "+";
    case op::subtract: return "-";
    case op::multiply: return "*";
    case op::divide: return "/";
    case op::power: return "^";
    case op::greater: return ">";
    case op::less: return "<";
    case op::greater_equal: return ">=";
    case op::less_equal: return "<=";
    case op::equal: return "==";
    case op::not_equal: return "!=";
    case op::logical_and: return "and";
    case op::logical_or: return "or";
    case op::exp: return "exp";
    case op::log: return "log";
    case op::sqrt: return "sqrt";
    case op::sin: return "sin";
    case op::cos: return "cos";
    case op::tan: return "tan";
    case op::sinh: return "sinh";
    case op::cosh: return "cosh";
    case op::tanh: return "tanh";
    case op::abs: return "abs";
    case op::ceil: return "ceil";
    case op::floor: return "floor";
    case op::heaviside: return "H";
    case op::random: return "random";
    case op::factorial: return "factorial";
    }
    return "?";
}

expr expr::constant(double value) {
    expr e;
    e.add(node{op::constant, -1, -1, value, -1});
    return e;
}

expr expr::variable(int index) {
    expr e;
    e.add(node{op::variable, -1, -1, 0.0, index});
    return e;
}

int expr::add(node n) {
    nodes.push_back(n);
    return root();
}

expr expr::subtree(int top) const {
    // Operands come before their node, so the subtree's nodes in post order are found by walking
    // down from the top and keeping the visiting order.
    expr out;
    std::vector<int> stack{top};
    std::vector<int> order;
    while (!stack.empty()) {
        const int n = stack.back();
        stack.pop_back();
        order.push_back(n);
        const node& x = at(n);
        if (x.a >= 0) {
            stack.push_back(x.a);
        }
        if (x.b >= 0) {
            stack.push_back(x.b);
        }
    }
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::vector<int> renumber(nodes.size(), -1);
    for (int n : order) {
        node x = at(n);
        if (x.a >= 0) {
            x.a = renumber[static_cast<std::size_t>(x.a)];
        }
        if (x.b >= 0) {
            x.b = renumber[static_cast<std::size_t>(x.b)];
        }
        renumber[static_cast<std::size_t>(n)] = out.add(x);
    }
    return out;
}

bool is_boolean(op kind) {
    switch (kind) {
    case op::greater:
    case op::less:
    case op::greater_equal:
    case op::less_equal:
    case op::equal:
    case op::not_equal:
    case op::logical_and:
    case op::logical_or: return true;
    default: return false;
    }
}

int expr::append(const expr& other) {
    const int offset = static_cast<int>(nodes.size());
    for (node n : other.nodes) {
        if (n.a >= 0) {
            n.a += offset;
        }
        if (n.b >= 0) {
            n.b += offset;
        }
        nodes.push_back(n);
    }
    return root();
}

} // namespace sf::lems::ir
