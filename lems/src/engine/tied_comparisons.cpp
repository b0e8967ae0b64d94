#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include "tied_comparisons.hpp"

namespace sf::lems::engine {
namespace {

using program = std::vector<instruction>;

bool is_comparison(opcode op) {
    return op == opcode::greater || op == opcode::less || op == opcode::greater_equal ||
           op == opcode::less_equal || op == opcode::equal || op == opcode::not_equal;
}

bool draws_random(const program& code) {
    return std::any_of(code.begin(), code.end(),
                       [](const instruction& i) { return i.op == opcode::random; });
}

void append(program& to, const program& code) { to.insert(to.end(), code.begin(), code.end()); }
void emit(program& to, opcode op, double value = 0.0) { to.push_back({op, -1, value}); }

// tol (|a| + |b|), on the stack.
void tolerance(program& out, const program& a, const program& b) {
    emit(out, opcode::constant, tie_tolerance);
    append(out, a);
    emit(out, opcode::abs);
    append(out, b);
    emit(out, opcode::abs);
    emit(out, opcode::add);
    emit(out, opcode::multiply);
}

// `a op b` with ties: the difference against the tolerance.
program tied(opcode op, const program& a, const program& b) {
    const bool a_first = op == opcode::greater || op == opcode::greater_equal;
    program out;
    append(out, a_first ? a : b);
    append(out, a_first ? b : a);
    emit(out, opcode::subtract);
    if (op == opcode::equal || op == opcode::not_equal) {
        emit(out, opcode::abs);
        tolerance(out, a, b);
        emit(out, op == opcode::equal ? opcode::less_equal : opcode::greater);
        return out;
    }
    tolerance(out, a, b);
    if (op == opcode::greater_equal || op == opcode::less_equal) {
        emit(out, opcode::negate);
        emit(out, opcode::greater_equal);
    } else {
        emit(out, opcode::greater);
    }
    return out;
}

// The stack program rebuilt operand by operand, comparisons tied on the way.
program rewrite(const program& code) {
    std::vector<program> stack;
    for (const instruction& i : code) {
        const int operands = ir::operand_count(i.op);
        if (operands == 0) {
            stack.push_back({i});
            continue;
        }
        if (operands == 1) {
            stack.back().push_back(i);
            continue;
        }
        program b = std::move(stack.back());
        stack.pop_back();
        program& a = stack.back();
        if (is_comparison(i.op) && !draws_random(a) && !draws_random(b)) {
            a = tied(i.op, a, b);
        } else {
            append(a, b);
            a.push_back(i);
        }
    }
    return stack.empty() ? program{} : std::move(stack.back());
}

int depth_of(const program& code) {
    int depth = 0;
    int most = 0;
    for (const instruction& i : code) {
        depth += 1 - ir::operand_count(i.op);
        most = std::max(most, depth);
    }
    return most;
}

void tie(compiled_expression& e) {
    if (std::none_of(e.code.begin(), e.code.end(),
                     [](const instruction& i) { return is_comparison(i.op); })) {
        return;
    }
    e.code = rewrite(e.code);
    e.max_depth = std::max(e.max_depth, depth_of(e.code));
}

void tie(std::vector<action>& actions) {
    for (action& a : actions) {
        tie(a.value);
    }
}

template <typename Program>
void tie_program(Program& p) {
    for (derived_expression& d : p.derived) {
        for (compiled_expression& e : d.case_conditions) {
            tie(e);
        }
        for (compiled_expression& e : d.case_values) {
            tie(e);
        }
    }
    for (rate& r : p.rates) {
        tie(r.value);
    }
    for (condition& c : p.conditions) {
        tie(c.test);
        tie(c.actions);
    }
    for (auto& [port, actions] : p.on_event) {
        tie(actions);
    }
}

} // namespace

void tie_comparisons(std::vector<std::unique_ptr<kind>>& kinds) {
    for (auto& k : kinds) {
        tie_program(*k);
        tie(k->on_start);
        for (regime_program& r : k->regimes) {
            tie_program(r);
            tie(r.on_entry);
        }
    }
}

} // namespace sf::lems::engine
