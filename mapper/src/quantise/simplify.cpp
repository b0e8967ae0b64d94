#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>

#include <sf/lems/network_run.hpp>

#include "constant_variables.hpp"
#include "simplify.hpp"

namespace sf::mapper::detail {
namespace {

using lems::ir::expr;
using lems::ir::node;
using lems::ir::op;

bool foldable(op kind) { return kind != op::variable && kind != op::time && kind != op::random; }

double evaluate_constant(const expr& e, int root) {
    std::vector<double> scratch;
    return lems::ir::evaluate(e.subtree(root), nullptr, 0.0, {}, scratch);
}

class rebuilder {
public:
    explicit rebuilder(const expr& source) : in_(source) {}

    expr run() {
        if (in_.empty()) {
            return {};
        }
        const int root = visit(in_.root());
        // Keep only what the root uses, in post order.
        expr out;
        std::map<int, int> renumber;
        std::function<int(int)> copy = [&](int n) {
            if (const auto it = renumber.find(n); it != renumber.end()) {
                return it->second;
            }
            node x = out_.at(n);
            if (x.a >= 0) {
                x.a = copy(x.a);
            }
            if (x.b >= 0) {
                x.b = copy(x.b);
            }
            const int index = out.add(x);
            renumber[n] = index;
            return index;
        };
        copy(root);
        return out;
    }

private:
    int constant(double value) { return out_.add(node{op::constant, -1, -1, value, -1}); }
    bool is_const(int n) const { return out_.at(n).kind == op::constant; }
    double value(int n) const { return out_.at(n).value; }
    int make(op kind, int a, int b = -1) { return simplify_node(node{kind, a, b, 0.0, -1}); }
    bool same_variable(int a, int b) const {
        const node& x = out_.at(a);
        const node& y = out_.at(b);
        return x.kind == op::variable && y.kind == op::variable && x.variable == y.variable;
    }

    int visit(int n) {
        node x = in_.at(n);
        if (x.a >= 0) {
            x.a = visit(x.a);
        }
        if (x.b >= 0) {
            x.b = visit(x.b);
        }
        return simplify_node(x);
    }

    // A node over simplified operands: folded when they are constants, else rewritten by its
    // operator's rule, else added as it is.
    int simplify_node(node x) {
        if (all_operands_constant(x)) {
            return fold(x);
        }
        int rewritten = no_rewrite;
        switch (x.kind) {
        case op::divide: rewritten = rewrite_quotient(x); break;
        case op::multiply: rewritten = rewrite_product(x); break;
        case op::add: rewritten = rewrite_sum(x); break;
        case op::subtract: rewritten = rewrite_difference(x); break;
        case op::negate: rewritten = rewrite_negation(x); break;
        case op::heaviside: rewritten = rewrite_heaviside(x); break;
        case op::power: rewritten = rewrite_power(x); break;
        default: break;
        }
        return rewritten != no_rewrite ? rewritten : out_.add(x);
    }

    static constexpr int no_rewrite = -1;

    bool all_operands_constant(const node& x) const {
        const int operands = lems::ir::operand_count(x.kind);
        return operands > 0 && foldable(x.kind) && is_const(x.a) &&
               (operands == 1 || is_const(x.b));
    }

    int fold(const node& x) {
        expr tiny;
        const int a = tiny.add(out_.at(x.a));
        int b = -1;
        if (lems::ir::operand_count(x.kind) == 2) {
            b = tiny.add(out_.at(x.b));
        }
        tiny.add(node{x.kind, a, b, 0.0, -1});
        return constant(evaluate_constant(tiny, tiny.root()));
    }

    int rewrite_quotient(const node& x) {
        if (is_const(x.b) && value(x.b) != 0.0) {
            return make(op::multiply, constant(1.0 / value(x.b)), x.a);
        }
        return no_rewrite;
    }

    // Constant factors go first (x itself is reordered so): products fold into one constant.
    int rewrite_product(node& x) {
        if (is_const(x.b) && !is_const(x.a)) {
            std::swap(x.a, x.b);
        }
        if (is_const(x.a)) {
            if (value(x.a) == 1.0) {
                return x.b;
            }
            // A copy: adding the constant below may move the nodes.
            const node right = out_.at(x.b);
            if (right.kind == op::negate) {
                return make(op::multiply, constant(-value(x.a)), right.a);
            }
            // c1 * (c2 * y): one constant.
            if (right.kind == op::multiply && is_const(right.a)) {
                return make(op::multiply, constant(value(x.a) * value(right.a)), right.b);
            }
        }
        return no_rewrite;
    }

    int rewrite_sum(const node& x) {
        if (is_const(x.b) && value(x.b) == 0.0) {
            return x.a;
        }
        if (is_const(x.a) && value(x.a) == 0.0) {
            return x.b;
        }
        // y + c × y: one product (an exponential decay's step).
        for (const auto& [single, scaled] :
             {std::pair<int, int>{x.a, x.b}, std::pair<int, int>{x.b, x.a}}) {
            const node term = out_.at(scaled);
            if (term.kind == op::multiply && is_const(term.a) && same_variable(single, term.b)) {
                return make(op::multiply, constant(1.0 + value(term.a)), single);
            }
        }
        return no_rewrite;
    }

    int rewrite_difference(const node& x) {
        if (is_const(x.b) && value(x.b) == 0.0) {
            return x.a;
        }
        if (same_variable(x.a, x.b)) {
            return constant(0.0);
        }
        return no_rewrite;
    }

    int rewrite_negation(const node& x) {
        const node inner = out_.at(x.a);
        if (inner.kind == op::multiply && is_const(inner.a)) {
            return make(op::multiply, constant(-value(inner.a)), inner.b);
        }
        return no_rewrite;
    }

    // H(a / t) and H(c × a) with t the time (positive in every step) or c > 0: H(a).
    int rewrite_heaviside(const node& x) {
        const node inner = out_.at(x.a);
        if (inner.kind == op::divide && out_.at(inner.b).kind == op::time) {
            return make(op::heaviside, inner.a);
        }
        if (inner.kind == op::multiply && is_const(inner.a) && value(inner.a) > 0.0) {
            return make(op::heaviside, inner.b);
        }
        return no_rewrite;
    }

    // Small whole powers become products, which need no table.
    int rewrite_power(const node& x) {
        if (!is_const(x.b)) {
            return no_rewrite;
        }
        const double p = value(x.b);
        if (p == 0.0) {
            return constant(1.0);
        }
        if (p == 1.0) {
            return x.a;
        }
        if (p == 2.0) {
            return make(op::multiply, x.a, x.a);
        }
        if (p == 3.0) {
            return make(op::multiply, make(op::multiply, x.a, x.a), x.a);
        }
        if (p == 4.0) {
            const int square = make(op::multiply, x.a, x.a);
            return make(op::multiply, square, square);
        }
        if (p == -1.0) {
            return make(op::divide, constant(1.0), x.a);
        }
        return no_rewrite;
    }

    const expr& in_;
    expr out_;
};

// The coefficient a of `target` in an expression a × target + b whose b does not depend on it;
// variables assigned earlier in the step are looked through.
struct linear_part {
    double coefficient = 0.0;
    bool depends = false; // on the target at all
    bool linear = true;
};

class linearity {
public:
    linearity(int target, const std::map<int, const expr*>& definitions)
        : target_(target), definitions_(definitions) {}

    linear_part of(const expr& e, int n, int depth = 0) const {
        const node& x = e.at(n);
        switch (x.kind) {
        case op::constant:
        case op::time: return {};
        case op::variable: {
            if (x.variable == target_) {
                return {1.0, true, true};
            }
            const auto it = definitions_.find(x.variable);
            if (it == definitions_.end() || depth > 8) {
                return {};
            }
            return of(*it->second, it->second->root(), depth + 1);
        }
        case op::negate: {
            linear_part a = of(e, x.a, depth);
            a.coefficient = -a.coefficient;
            return a;
        }
        case op::add:
        case op::subtract: {
            const linear_part a = of(e, x.a, depth);
            const linear_part b = of(e, x.b, depth);
            const double sign = x.kind == op::add ? 1.0 : -1.0;
            return {a.coefficient + sign * b.coefficient, a.depends || b.depends,
                    a.linear && b.linear};
        }
        case op::multiply: {
            const linear_part a = of(e, x.a, depth);
            const linear_part b = of(e, x.b, depth);
            if (!a.depends && !b.depends) {
                return {};
            }
            if (a.depends && b.depends) {
                return {0.0, true, false};
            }
            const int other = a.depends ? x.b : x.a;
            if (!is_constant(e, other)) {
                return {0.0, true, false}; // a coefficient that changes with the state
            }
            const double factor = evaluate_constant(e, other);
            const linear_part& inner = a.depends ? a : b;
            return {inner.coefficient * factor, true, inner.linear};
        }
        case op::divide: {
            const linear_part a = of(e, x.a, depth);
            const linear_part b = of(e, x.b, depth);
            if (!a.depends && !b.depends) {
                return {};
            }
            if (b.depends || !is_constant(e, x.b)) {
                return {0.0, true, false};
            }
            return {a.coefficient / evaluate_constant(e, x.b), true, a.linear};
        }
        default: {
            bool depends = false;
            if (x.a >= 0) {
                depends = depends || of(e, x.a, depth).depends;
            }
            if (x.b >= 0) {
                depends = depends || of(e, x.b, depth).depends;
            }
            return {0.0, depends, !depends};
        }
        }
    }

private:
    int target_;
    const std::map<int, const expr*>& definitions_;
};

expr step_update(int target, const expr& rate, double step) {
    expr e = expr::variable(target);
    const int x = e.root();
    const int h = e.add(node{op::constant, -1, -1, step, -1});
    const int r = e.append(rate);
    const int product = e.add(node{op::multiply, h, r, 0.0, -1});
    e.add(node{op::add, x, product, 0.0, -1});
    return e;
}

// Values computed once and read once later in the same step, by a statement that nothing between
// could change the value for, are written into their reader: fewer words, instructions and
// roundings. (The derivative of a cell's potential, read only by its update, is one.)
void inline_temporaries(const lems::ir::neuron_group& group,
                        std::vector<lems::ir::statement>& step) {
    bool changed = true;
    while (changed) {
        changed = false;
        const std::size_t count = group.variables.size();
        std::vector<int> assignments(count, 0);
        std::vector<int> reads(count, 0);
        std::vector<int> definition(count, -1);
        std::vector<int> reader(count, -1);
        for (std::size_t s = 0; s < step.size(); ++s) {
            const auto& st = step[s];
            if (st.guard >= 0) {
                reads[static_cast<std::size_t>(st.guard)] += 2; // a guard is never inlined
            }
            for (const auto& n : st.value.nodes) {
                if (n.kind == op::variable) {
                    const auto v = static_cast<std::size_t>(n.variable);
                    ++reads[v];
                    reader[v] = static_cast<int>(s);
                }
            }
            if (st.kind != lems::ir::statement_kind::emit) {
                const auto v = static_cast<std::size_t>(st.target);
                ++assignments[v];
                definition[v] = static_cast<int>(s);
            }
        }
        for (std::size_t v = 0; v < count && !changed; ++v) {
            const auto& var = group.variables[v];
            if (var.recorded || var.kind != lems::ir::storage::state || assignments[v] != 1 ||
                reads[v] != 1) {
                continue;
            }
            const int d = definition[v];
            const int u = reader[v];
            if (d < 0 || u <= d || step[static_cast<std::size_t>(d)].guard >= 0) {
                continue;
            }
            const expr& value = step[static_cast<std::size_t>(d)].value;
            // Nothing the value reads may change between its definition and its use.
            bool stable = true;
            for (int k = d + 1; k < u && stable; ++k) {
                const auto& between = step[static_cast<std::size_t>(k)];
                if (between.kind == lems::ir::statement_kind::emit) {
                    continue;
                }
                for (const auto& n : value.nodes) {
                    if (n.kind == op::variable && n.variable == between.target) {
                        stable = false;
                    }
                }
            }
            if (!stable) {
                continue;
            }
            // Substitute: rebuild the reader with the value in place of the variable.
            const expr& use = step[static_cast<std::size_t>(u)].value;
            expr merged;
            std::vector<int> renumber(use.nodes.size(), -1);
            for (std::size_t n = 0; n < use.nodes.size(); ++n) {
                node x = use.nodes[n];
                if (x.kind == op::variable && x.variable == static_cast<int>(v)) {
                    renumber[n] = merged.append(value);
                    continue;
                }
                if (x.a >= 0) {
                    x.a = renumber[static_cast<std::size_t>(x.a)];
                }
                if (x.b >= 0) {
                    x.b = renumber[static_cast<std::size_t>(x.b)];
                }
                renumber[n] = merged.add(x);
            }
            step[static_cast<std::size_t>(u)].value = simplify(merged);
            step.erase(step.begin() + d);
            changed = true;
        }
    }
}

} // namespace

bool is_constant(const expr& e, int n) {
    const node& x = e.at(n);
    if (!foldable(x.kind)) {
        return false;
    }
    return (x.a < 0 || is_constant(e, x.a)) && (x.b < 0 || is_constant(e, x.b));
}

expr simplify(const expr& e) { return rebuilder(e).run(); }

prepared_group prepare(const lems::ir::neuron_group& group, double dt, integration integrator) {
    prepared_group out;
    // Unguarded assignments seen so far: what a variable holds when a rate reads it.
    std::map<int, const expr*> definitions;
    for (const lems::ir::statement& s : group.step) {
        if (s.kind == lems::ir::statement_kind::emit) {
            out.step.push_back(s);
            continue;
        }
        if (s.kind == lems::ir::statement_kind::assign) {
            lems::ir::statement copy = s;
            copy.value = simplify(s.value);
            out.step.push_back(std::move(copy));
            if (s.guard < 0) {
                definitions[s.target] = &s.value;
            } else {
                definitions.erase(s.target);
            }
            continue;
        }
        const std::string& name = group.variables[static_cast<std::size_t>(s.target)].name;
        double step = dt;
        std::string note = name + ": forward Euler, step dt";
        if (integrator == integration::exact) {
            const linear_part part = linearity(s.target, definitions).of(s.value, s.value.root());
            if (part.depends && part.linear && part.coefficient != 0.0) {
                step = std::expm1(part.coefficient * dt) / part.coefficient;
                char text[160];
                std::snprintf(text, sizeof text,
                              ": exact for dx/dt = %.6g x + b: step %.9g s instead of dt %.9g s",
                              part.coefficient, step, dt);
                note = name + text;
            } else {
                note = name + ": forward Euler (not linear in itself with a constant coefficient)";
            }
        }
        out.notes.push_back(note);
        lems::ir::statement update{lems::ir::statement_kind::assign, s.target,
                                   simplify(step_update(s.target, s.value, step)), s.guard};
        definitions.erase(s.target);
        out.step.push_back(std::move(update));
    }
    propagate_constants(group, out.step);
    inline_temporaries(group, out.step);
    return out;
}

} // namespace sf::mapper::detail
