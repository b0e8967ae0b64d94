#include <cstddef>

#include "engine/tie_tolerance.hpp"
#include "network_ties.hpp"

namespace sf::lems::ir {
namespace {

bool is_comparison(op kind) {
    return kind == op::greater || kind == op::less || kind == op::greater_equal ||
           kind == op::less_equal || kind == op::equal || kind == op::not_equal;
}

// a op b of the nodes at `a` and `b` of `out`, tied; returns the result's index.
int tied(expr& out, op kind, int a, int b) {
    const bool a_first = kind == op::greater || kind == op::greater_equal;
    int difference = out.add({op::subtract, a_first ? a : b, a_first ? b : a});
    const int size = out.add({op::add, out.add({op::abs, a}), out.add({op::abs, b})});
    const int tolerance =
        out.add({op::multiply, out.add(node{op::constant, -1, -1, engine::tie_tolerance}), size});
    switch (kind) {
    case op::equal:
    case op::not_equal:
        difference = out.add({op::abs, difference});
        return out.add({kind == op::equal ? op::less_equal : op::greater, difference, tolerance});
    case op::greater_equal:
    case op::less_equal:
        return out.add({op::greater_equal, difference, out.add({op::negate, tolerance})});
    default: return out.add({op::greater, difference, tolerance});
    }
}

} // namespace

expr tie_comparisons(const expr& e) {
    expr out;
    std::vector<int> moved_to(e.nodes.size());
    std::vector<bool> draws_random(e.nodes.size());
    for (std::size_t i = 0; i < e.nodes.size(); ++i) {
        node n = e.nodes[i];
        const bool random_a = n.a >= 0 && draws_random[static_cast<std::size_t>(n.a)];
        const bool random_b = n.b >= 0 && draws_random[static_cast<std::size_t>(n.b)];
        draws_random[i] = n.kind == op::random || random_a || random_b;
        n.a = n.a >= 0 ? moved_to[static_cast<std::size_t>(n.a)] : -1;
        n.b = n.b >= 0 ? moved_to[static_cast<std::size_t>(n.b)] : -1;
        moved_to[i] =
            is_comparison(n.kind) && !draws_random[i] ? tied(out, n.kind, n.a, n.b) : out.add(n);
    }
    return out;
}

std::vector<std::vector<statement>> tied_steps(const network& net) {
    std::vector<std::vector<statement>> steps;
    for (const neuron_group& g : net.groups) {
        std::vector<statement>& step = steps.emplace_back(g.step);
        for (statement& st : step) {
            st.value = tie_comparisons(st.value);
        }
    }
    return steps;
}

} // namespace sf::lems::ir
