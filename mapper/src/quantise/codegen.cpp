#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <sf/firmware/assert.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/compile_error.hpp>

#include "codegen.hpp"
#include "reloads.hpp"
#include "simplify.hpp"
#include "tables.hpp"

namespace sf::mapper::detail {
namespace {

namespace isa = firmware::isa;
using lems::ir::expr;
using lems::ir::node;
using lems::ir::op;

constexpr int zero_register = 0; // never written: every program may read r0 as 0
constexpr int one_register = 15; // set to 1 first and never written again
constexpr int guard_predicate = 1;
constexpr int scratch_predicate = 2;
constexpr int no_leaf = -1;
constexpr int time_leaf = -2;
constexpr int many_leaves = -3;

bool tabulable(op kind) {
    return !lems::ir::is_boolean(kind) && kind != op::heaviside && kind != op::random;
}

// Operations the datapath has no unit for: they become lookup tables.
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
    case op::power:
        return true;
    case op::divide:
        return !is_constant(e, n.b);
    default:
        return false;
    }
}

std::string number(double x) {
    std::ostringstream out;
    out.precision(6);
    out << x;
    return out.str();
}

std::string short_name(const lems::ir::neuron_group& group, int variable) {
    return group.variables[static_cast<std::size_t>(variable)].name;
}

// Where each node's value comes from, statement by statement.
struct statement_plan {
    std::vector<int> parent;
    std::vector<int> leaf;       // the one variable (or time) a subtree reads, no_leaf, many_leaves
    std::vector<bool> nonlinear; // the subtree holds an operation that needs a table
    std::vector<bool> table_root;
};

statement_plan plan_statement(const expr& e) {
    statement_plan p;
    const std::size_t count = e.nodes.size();
    p.parent.assign(count, -1);
    p.leaf.assign(count, no_leaf);
    p.nonlinear.assign(count, false);
    p.table_root.assign(count, false);
    auto merge = [](int a, int b) {
        if (a == no_leaf) {
            return b;
        }
        if (b == no_leaf || a == b) {
            return a;
        }
        return many_leaves;
    };
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
                leaf = merge(leaf, p.leaf[static_cast<std::size_t>(operand)]);
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

class generator {
public:
    explicit generator(const codegen_input& in) : in_(in), group_(*in.group) {}

    codegen_output run() {
        count_table_sites();
        // r15 holds 1 for the whole program: the true of comparisons.
        busy_[one_register] = true;
        load_immediate(one_register, 1);
        const auto& step = *in_.step;
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (!in_.live[s]) {
                continue;
            }
            statement_ = static_cast<int>(s);
            plan_ = plan_statement(step[s].value);
            compile_statement(step[s]);
        }
        out_.constants = constants_;
        remove_reloads(out_.code, out_.notes, in_.scratch_words);
        return std::move(out_);
    }

private:
    // ---- instructions --------------------------------------------------------------------

    void emit(isa::instruction i) {
        if (guarded_) {
            i.predicate = guard_predicate;
        }
        SF_ASSERT(isa::check(i) == isa::decode_status::ok);
        out_.code.push_back(i);
        out_.notes.push_back(pending_note_);
        pending_note_.clear();
    }
    static isa::instruction make(isa::opcode code) {
        isa::instruction i;
        i.op = code;
        return i;
    }
    void rd_index(isa::opcode code, int rd, int index) {
        isa::instruction i = make(code);
        i.rd = static_cast<std::uint8_t>(rd);
        i.index = static_cast<std::uint16_t>(index);
        emit(i);
    }
    void rd_only(isa::opcode code, int rd) {
        isa::instruction i = make(code);
        i.rd = static_cast<std::uint8_t>(rd);
        emit(i);
    }
    void three(isa::opcode code, int rd, int ra, int rb) {
        isa::instruction i = make(code);
        i.rd = static_cast<std::uint8_t>(rd);
        i.ra = static_cast<std::uint8_t>(ra);
        i.rb = static_cast<std::uint8_t>(rb);
        emit(i);
    }
    void multiply(int rd, int ra, int rb, int shift) {
        isa::instruction i = make(isa::opcode::mul);
        i.rd = static_cast<std::uint8_t>(rd);
        i.ra = static_cast<std::uint8_t>(ra);
        i.rb = static_cast<std::uint8_t>(rb);
        i.index = static_cast<std::uint16_t>(shift);
        emit(i);
    }
    void shift(isa::opcode code, int rd, int ra, int amount) {
        isa::instruction i = make(code);
        i.rd = static_cast<std::uint8_t>(rd);
        i.ra = static_cast<std::uint8_t>(ra);
        i.index = static_cast<std::uint16_t>(amount);
        emit(i);
    }
    void compare(isa::opcode code, int pd, int ra, int rb) {
        isa::instruction i = make(code);
        i.rd = static_cast<std::uint8_t>(pd);
        i.ra = static_cast<std::uint8_t>(ra);
        i.rb = static_cast<std::uint8_t>(rb);
        emit(i);
    }
    void select(int rd, int pd, int ra, int rb) {
        isa::instruction i = make(isa::opcode::sel);
        i.rd = static_cast<std::uint8_t>(rd);
        i.pd = static_cast<std::uint8_t>(pd);
        i.ra = static_cast<std::uint8_t>(ra);
        i.rb = static_cast<std::uint8_t>(rb);
        emit(i);
    }
    void load_immediate(int rd, std::int32_t value) {
        isa::instruction i = make(isa::opcode::li);
        i.rd = static_cast<std::uint8_t>(rd);
        i.immediate = value;
        emit(i);
    }

    // ---- registers ----------------------------------------------------------------------

    int take() {
        // Round robin: a register just freed keeps its value longest, so that a word stored from
        // it can be read back from it (remove_reloads).
        for (int k = 0; k < isa::register_count - 1; ++k) {
            const int r = 1 + (next_register_ + k) % (isa::register_count - 1);
            if (!busy_[r]) {
                busy_[r] = true;
                next_register_ = r % (isa::register_count - 1);
                return r;
            }
        }
        fail("an expression of " +
             short_name(group_, (*in_.step)[static_cast<std::size_t>(statement_)].target) +
             " needs more than 15 registers; split it into derived variables");
        return 0;
    }
    void give(int r) {
        if (r > 0) {
            busy_[r] = false;
        }
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw compile_error(group_.label, message);
    }

    // ---- formats ------------------------------------------------------------------------

    const value_bounds& bounds(int n) const {
        return in_.bounds->nodes[static_cast<std::size_t>(statement_)][static_cast<std::size_t>(n)];
    }
    const expr& current() const { return (*in_.step)[static_cast<std::size_t>(statement_)].value; }
    const node& at(int n) const { return current().at(n); }

    fixed_format format_of(int n) const {
        const node& x = at(n);
        if (is_boolean(x)) {
            return fixed_format{0};
        }
        if (x.kind == op::variable && group_.variables[static_cast<std::size_t>(x.variable)].kind !=
                                          lems::ir::storage::input) {
            return in_.variable_format[static_cast<std::size_t>(x.variable)];
        }
        const double magnitude = x.kind == op::heaviside ? 1.0 : bounds(n).magnitude();
        if (magnitude == 0.0) {
            return fixed_format{0};
        }
        return fixed_format::holding(std::ldexp(magnitude, in_.value_headroom_bits));
    }

    // Moves r from one format to another: rounded right shifts, saturating left shifts.
    void convert(int r, fixed_format from, fixed_format to) {
        int difference = from.frac_bits - to.frac_bits;
        while (difference > 0) {
            const int amount = std::min(difference, isa::max_shift);
            shift(isa::opcode::shr, r, r, amount);
            difference -= amount;
        }
        while (difference < 0) {
            const int amount = std::min(-difference, isa::max_shift);
            shift(isa::opcode::shl, r, r, amount);
            difference += amount;
        }
    }

    // ---- constants ----------------------------------------------------------------------

    int constant_register(double value, fixed_format f, const std::string& what) {
        const quantised_value q = round_to_fixed(value, f);
        record_parameter(what, value, q, f);
        const int r = take();
        if (q.raw >= isa::min_immediate && q.raw <= isa::max_immediate) {
            load_immediate(r, q.raw);
        } else {
            rd_index(isa::opcode::ldc, r, constant_index(q.raw));
        }
        return r;
    }

    int constant_index(std::int32_t raw) {
        if (const auto it = constant_slot_.find(raw); it != constant_slot_.end()) {
            return it->second;
        }
        if (static_cast<int>(constants_.size()) > isa::max_constant) {
            fail("needs more than 1024 constants");
        }
        const int index = static_cast<int>(constants_.size());
        constants_.push_back(raw);
        constant_slot_[raw] = index;
        return index;
    }

    void record_parameter(const std::string& what, double value, const quantised_value& q,
                          fixed_format f) {
        const std::string key =
            what + "|" + std::to_string(value) + "|" + std::to_string(f.frac_bits);
        if (!recorded_.insert(key).second) {
            return;
        }
        parameter_entry p;
        p.name = what;
        p.value = value;
        p.quantised = q.value(f);
        p.format = f;
        p.saturated = q.saturated;
        p.underflowed = q.underflowed;
        if (q.saturated) {
            out_.warnings.push_back(what + " = " + number(value) +
                                    " saturates its format (largest " + number(f.limit()) + ")");
        }
        if (q.underflowed) {
            out_.warnings.push_back(what + " = " + number(value) +
                                    " becomes 0 in its format (unit " + number(f.unit()) + ")");
        }
        out_.parameters.push_back(p);
    }

    // r (format fa) times a constant, into format fr; reuses r.
    void multiply_constant(int r, fixed_format fa, double c, fixed_format fr,
                           const std::string& what) {
        if (c == 0.0) {
            three(isa::opcode::add, r, zero_register, zero_register);
            return;
        }
        fixed_format fc = fixed_format::holding(std::fabs(c));
        int product_shift = fa.frac_bits + fc.frac_bits - fr.frac_bits;
        if (product_shift > isa::max_multiply_shift) {
            // The product would keep more bits than a shift can drop: hold the constant coarser.
            fc.frac_bits -= product_shift - isa::max_multiply_shift;
            product_shift = isa::max_multiply_shift;
        }
        const int rc = constant_register(c, fc, what);
        multiply(r, r, rc, std::max(0, product_shift));
        give(rc);
        if (product_shift < 0) {
            convert(r, fixed_format{0}, fixed_format{-product_shift});
        }
    }

    // ---- statements ---------------------------------------------------------------------

    void compile_statement(const lems::ir::statement& s) {
        pending_note_ = statement_text(s);
        guarded_ = false;
        if (s.guard >= 0 && guard_in_p1_ != s.guard) {
            const int r = take();
            rd_index(isa::opcode::lds, r, slot_of(s.guard));
            compare(isa::opcode::cmpgt, guard_predicate, r, zero_register);
            give(r);
            guard_in_p1_ = s.guard;
        }
        guarded_ = s.guard >= 0;
        if (s.kind == lems::ir::statement_kind::emit) {
            if (s.target != in_.spike_port) {
                fail("emits events on two output ports ('" +
                     group_.outputs[static_cast<std::size_t>(in_.spike_port)] + "' and '" +
                     group_.outputs[static_cast<std::size_t>(s.target)] +
                     "'); a neuron core sends one kind of spike");
            }
            emit(make(isa::opcode::spike));
            return;
        }
        const fixed_format target_format = in_.variable_format[static_cast<std::size_t>(s.target)];
        const int r = generate(s.value.root(), target_format);
        isa::instruction store = make(isa::opcode::sts);
        store.index = static_cast<std::uint16_t>(slot_of(s.target));
        store.ra = static_cast<std::uint8_t>(r);
        emit(store);
        if (guard_in_p1_ == s.target) {
            guard_in_p1_ = -1;
        }
        if (!guarded_ && is_guard_[static_cast<std::size_t>(s.target)]) {
            // A guard just computed: later statements it guards need not load it again.
            guarded_ = false;
            compare(isa::opcode::cmpgt, guard_predicate, r, zero_register);
            guard_in_p1_ = s.target;
        }
        give(r);
    }

    int slot_of(int variable) const {
        // Every variable a live statement reads or writes was given a state word.
        const int slot = in_.slot[static_cast<std::size_t>(variable)];
        SF_ASSERT(slot >= 0);
        return slot;
    }

    std::string statement_text(const lems::ir::statement& s) const {
        std::string text =
            s.guard >= 0 ? "if " + short_name(group_, s.guard) + ": " : std::string();
        if (s.kind == lems::ir::statement_kind::emit) {
            return text + "spike";
        }
        return text + short_name(group_, s.target) + " = " + infix(s.value, s.value.root(), group_);
    }

    // ---- expressions --------------------------------------------------------------------

    int generate_node(int n) { return generate(n, format_of(n)); }

    // The node's value in format `want`: products and constants land there directly, other
    // values are computed in their own format and shifted.
    int generate(int n, fixed_format want) {
        fixed_format produced = want;
        const int r = generate_in(n, want, produced);
        convert(r, produced, want);
        return r;
    }

    int generate_in(int n, fixed_format want, fixed_format& produced) {
        produced = format_of(n);
        if (plan_.table_root[static_cast<std::size_t>(n)]) {
            return generate_table(n);
        }
        const node& x = at(n);
        const fixed_format f = format_of(n);
        switch (x.kind) {
        case op::constant: {
            const bool fits = !round_to_fixed(x.value, want).saturated;
            produced = fits ? want : f;
            return constant_register(x.value, produced, what_for(n));
        }
        case op::variable: {
            const auto& v = group_.variables[static_cast<std::size_t>(x.variable)];
            if (v.kind == lems::ir::storage::input) {
                produced = want;
                return generate_input(x.variable, 1.0, want, "");
            }
            produced = in_.variable_format[static_cast<std::size_t>(x.variable)];
            return generate_variable(x.variable, produced);
        }
        case op::time: {
            const int r = take();
            rd_only(isa::opcode::ldt, r);
            multiply_constant(r, fixed_format{0}, in_.dt, want, "dt");
            produced = want;
            return r;
        }
        case op::negate: {
            const int r = generate(x.a, want);
            three(isa::opcode::sub, r, zero_register, r);
            produced = want;
            return r;
        }
        case op::add:
        case op::subtract: {
            // In a format that holds both operands and the result; an operand never seen other
            // than zero does not constrain it.
            int common_bits = std::min(f.frac_bits, want.frac_bits);
            for (int operand : {x.a, x.b}) {
                if (bounds(operand).magnitude() > 0.0 || is_boolean(at(operand))) {
                    common_bits = std::min(common_bits, format_of(operand).frac_bits);
                }
            }
            const fixed_format common{common_bits};
            auto [ra, rb] = both(x.a, x.b, common, common);
            three(x.kind == op::add ? isa::opcode::add : isa::opcode::sub, ra, ra, rb);
            give(rb);
            produced = common;
            return ra;
        }
        case op::multiply: {
            produced = want;
            return generate_product(n, want);
        }
        case op::greater:
        case op::less:
        case op::greater_equal:
        case op::less_equal:
        case op::equal:
        case op::not_equal:
            return generate_comparison(n);
        case op::logical_and:
        case op::logical_or: {
            auto [ra, rb] = both(x.a, x.b);
            to_truth(ra, x.a);
            to_truth(rb, x.b);
            three(x.kind == op::logical_and ? isa::opcode::min : isa::opcode::max, ra, ra, rb);
            give(rb);
            return ra;
        }
        case op::abs: {
            const int r = generate_node(x.a);
            convert(r, format_of(x.a), f);
            const int negative = take();
            three(isa::opcode::sub, negative, zero_register, r);
            three(isa::opcode::max, r, r, negative);
            give(negative);
            return r;
        }
        case op::heaviside: {
            const int r = generate_node(x.a);
            const int one = constant_register(1.0, f, "H(x) = 1");
            const int half = constant_register(0.5, f, "H(0) = 1/2");
            compare(isa::opcode::cmpgt, scratch_predicate, r, zero_register);
            select(half, scratch_predicate, one, half);
            compare(isa::opcode::cmpgt, scratch_predicate, zero_register, r);
            select(r, scratch_predicate, zero_register, half);
            give(one);
            give(half);
            return r;
        }
        case op::random: {
            const int uniform = take();
            if (draws_ > isa::max_draw) {
                fail("draws more than 2048 random numbers per step");
            }
            rd_index(isa::opcode::rand, uniform, draws_++);
            const int r = generate_node(x.a);
            product_into(uniform, fixed_format{31}, r, format_of(x.a), want);
            give(r);
            produced = want;
            return uniform;
        }
        case op::divide: {
            // A divisor that varies: its reciprocal from a table, then a product. A divisor that
            // reads one variable is tabulated as 1/divisor over that variable, in one table.
            const int divisor_leaf = plan_.leaf[static_cast<std::size_t>(x.b)];
            if (divisor_leaf >= 0 || divisor_leaf == time_leaf) {
                const value_bounds& seen = bounds(x.b);
                if (!seen.range.empty() && (seen.range.low > 0.0 || seen.range.high < 0.0)) {
                    const double largest =
                        1.0 / std::min(std::fabs(seen.range.low), std::fabs(seen.range.high));
                    const fixed_format reciprocal_format =
                        fixed_format::holding(std::ldexp(largest, in_.value_headroom_bits));
                    const int ra = generate_node(x.a);
                    expr reciprocal = current().subtree(x.b);
                    const int divisor_root = reciprocal.root();
                    const int one = reciprocal.add(node{op::constant, -1, -1, 1.0, -1});
                    reciprocal.add(node{op::divide, one, divisor_root, 0.0, -1});
                    const int rb = table_over_leaf(reciprocal, divisor_leaf, x.b, reciprocal_format,
                                                   "1/(" + infix(current(), x.b, group_) + ")");
                    product_into(ra, format_of(x.a), rb, reciprocal_format, want);
                    give(rb);
                    produced = want;
                    return ra;
                }
            }
            const int ra = generate_node(x.a);
            const value_bounds& divisor = bounds(x.b);
            if (divisor.range.empty() || (divisor.range.low <= 0.0 && divisor.range.high >= 0.0)) {
                fail("divides by " + infix(current(), x.b, group_) +
                     ", whose range reaches zero; the core has no divider");
            }
            const double largest =
                1.0 / std::min(std::fabs(divisor.range.low), std::fabs(divisor.range.high));
            const fixed_format reciprocal_format =
                fixed_format::holding(std::ldexp(largest, in_.value_headroom_bits));
            const int rb = generate_node(x.b);
            table_of_operand(
                rb, x.b, reciprocal_format, [](double v) { return 1.0 / v; },
                "1/(" + infix(current(), x.b, group_) + ")");
            product_into(ra, format_of(x.a), rb, reciprocal_format, want);
            give(rb);
            produced = want;
            return ra;
        }
        case op::power: {
            if (is_constant(current(), x.b)) {
                const double p = at(x.b).value;
                const int r = generate_node(x.a);
                table_of_operand(
                    r, x.a, f, [p](double v) { return std::pow(v, p); },
                    infix(current(), n, group_));
                return r;
            }
            fail("raises to a power that varies (" + infix(current(), n, group_) +
                 "); write it with exp and log");
        }
        default: {
            // exp, log, sqrt, trigonometric and hyperbolic functions, ceil, floor, factorial of a
            // value that depends on several variables: a table over the operand.
            const int r = generate_node(x.a);
            const op kind = x.kind;
            table_of_operand(
                r, x.a, f, [kind](double v) { return apply(kind, v); },
                infix(current(), n, group_));
            return r;
        }
        }
    }

    static double apply(op kind, double v) {
        expr e;
        const int a = e.add(node{op::constant, -1, -1, v, -1});
        e.add(node{kind, a, -1, 0.0, -1});
        std::vector<double> scratch;
        return lems::ir::evaluate(e, nullptr, 0.0, {}, scratch);
    }

    std::string what_for(int n) const {
        const lems::ir::statement& s = (*in_.step)[static_cast<std::size_t>(statement_)];
        const int up = plan_.parent[static_cast<std::size_t>(n)];
        std::string context = up >= 0 ? infix(current(), up, group_) : infix(current(), n, group_);
        if (context.size() > 60) {
            context = context.substr(0, 57) + "...";
        }
        return short_name(group_, s.target) + ": in " + context;
    }

    // Both operands, the one needing more registers first.
    std::pair<int, int> both(int a, int b) { return both(a, b, format_of(a), format_of(b)); }
    std::pair<int, int> both(int a, int b, fixed_format fa, fixed_format fb) {
        if (need(b) > need(a)) {
            const int rb = generate(b, fb);
            const int ra = generate(a, fa);
            return {ra, rb};
        }
        const int ra = generate(a, fa);
        const int rb = generate(b, fb);
        return {ra, rb};
    }

    int need(int n) const {
        const node& x = at(n);
        if (plan_.table_root[static_cast<std::size_t>(n)]) {
            return 2;
        }
        const int operands = lems::ir::operand_count(x.kind);
        if (operands == 0) {
            return 1;
        }
        if (operands == 1) {
            return std::max(2, need(x.a));
        }
        const int na = need(x.a);
        const int nb = need(x.b);
        return std::max(3, na == nb ? na + 1 : std::max(na, nb));
    }

    // A state word, in its variable's format.
    int generate_variable(int variable, fixed_format) {
        const int r = take();
        rd_index(isa::opcode::lds, r, slot_of(variable));
        return r;
    }

    // A synaptic input scaled by `factor`, in format f: one multiply by the factor times the
    // channel's weight unit.
    int generate_input(int variable, double factor, fixed_format f, const std::string& what) {
        const int channel = channel_of(variable);
        const int r = take();
        rd_index(isa::opcode::ldin, r, channel);
        multiply_constant(
            r, fixed_format{0}, factor * in_.channel_unit[static_cast<std::size_t>(channel)], f,
            (what.empty() ? group_.inputs[static_cast<std::size_t>(channel)].name + ": weight unit"
                          : what + " (times the weight unit)"));
        return r;
    }

    int channel_of(int variable) const {
        int channel = 0;
        while (channel < static_cast<int>(group_.inputs.size()) &&
               group_.inputs[static_cast<std::size_t>(channel)].input != variable) {
            ++channel;
        }
        // Flattening gives every input variable its channel.
        SF_ASSERT(channel < static_cast<int>(group_.inputs.size()));
        return channel;
    }

    int generate_product(int n, fixed_format f) {
        const node& x = at(n);
        if (at(x.a).kind == op::constant) {
            const double c = at(x.a).value;
            const node& other = at(x.b);
            if (other.kind == op::variable &&
                group_.variables[static_cast<std::size_t>(other.variable)].kind ==
                    lems::ir::storage::input) {
                // The weight unit folds into the constant: one multiply per input.
                return generate_input(other.variable, c, f, what_for(x.a));
            }
            fixed_format fb = format_of(x.b);
            const int r = generate_in(x.b, fb, fb);
            multiply_constant(r, fb, c, f, what_for(x.a));
            return r;
        }
        auto [ra, rb] = both(x.a, x.b);
        product_into(ra, format_of(x.a), rb, format_of(x.b), f);
        give(rb);
        return ra;
    }

    // ra = ra × rb in format fr.
    void product_into(int ra, fixed_format fa, int rb, fixed_format fb, fixed_format fr) {
        int product_shift = fa.frac_bits + fb.frac_bits - fr.frac_bits;
        if (product_shift > isa::max_multiply_shift) {
            const int excess = product_shift - isa::max_multiply_shift;
            // Drop the excess from the operand holding more fractional bits.
            if (fa.frac_bits >= fb.frac_bits) {
                convert(ra, fa, fixed_format{fa.frac_bits - excess});
            } else {
                convert(rb, fb, fixed_format{fb.frac_bits - excess});
            }
            product_shift = isa::max_multiply_shift;
        }
        multiply(ra, ra, rb, std::max(0, product_shift));
        if (product_shift < 0) {
            convert(ra, fixed_format{0}, fixed_format{-product_shift});
        }
    }

    // r becomes 1 where the value is not zero, for the logical operations.
    void to_truth(int r, int n) {
        if (is_boolean(at(n)) || is_flag(n)) {
            return;
        }
        compare(isa::opcode::cmpeq, scratch_predicate, r, zero_register);
        select(r, scratch_predicate, zero_register, one_register);
    }

    // A variable that only ever holds 0 or 1 (a guard).
    bool is_flag(int n) const {
        const node& x = at(n);
        return x.kind == op::variable && is_guard_[static_cast<std::size_t>(x.variable)] &&
               in_.variable_format[static_cast<std::size_t>(x.variable)].frac_bits == 0;
    }

    int generate_comparison(int n) {
        const node& x = at(n);
        const bool time_left = at(x.a).kind == op::time && is_constant(current(), x.b);
        const bool time_right = at(x.b).kind == op::time && is_constant(current(), x.a);
        int ra = 0;
        int rb = 0;
        op kind = x.kind;
        if (time_left || time_right) {
            // The step number against the step at which the reference's accumulated time first
            // passes the constant: the same steps as the reference, without rounding.
            const double c = time_left ? at(x.b).value : at(x.a).value;
            if (time_right) {
                kind = mirrored(kind);
            }
            const std::int64_t first = first_step(kind, c);
            ra = take();
            rd_only(isa::opcode::ldt, ra);
            rb = take();
            const std::int32_t threshold = static_cast<std::int32_t>(
                std::clamp<std::int64_t>(first, INT32_MIN / 2, INT32_MAX / 2));
            if (threshold >= isa::min_immediate && threshold <= isa::max_immediate) {
                load_immediate(rb, threshold);
            } else {
                rd_index(isa::opcode::ldc, rb, constant_index(threshold));
            }
            // t > c and t >= c hold from step `first` on; t < c and t <= c until step `first`.
            kind = (kind == op::greater || kind == op::greater_equal) ? op::greater_equal
                   : (kind == op::less || kind == op::less_equal)     ? op::less
                                                                      : kind;
        } else {
            const bool a_zero = at(x.a).kind == op::constant && at(x.a).value == 0.0;
            const bool b_zero = at(x.b).kind == op::constant && at(x.b).value == 0.0;
            // A constant operand is made in the other operand's format when it fits there.
            fixed_format fa = format_of(x.a);
            fixed_format fb = format_of(x.b);
            if (at(x.a).kind == op::constant && !round_to_fixed(at(x.a).value, fb).saturated) {
                fa = fb;
            }
            if (at(x.b).kind == op::constant && !round_to_fixed(at(x.b).value, fa).saturated) {
                fb = fa;
            }
            const fixed_format common{std::min(fa.frac_bits, fb.frac_bits)};
            if (b_zero) {
                ra = generate(x.a, common);
                rb = zero_register;
            } else if (a_zero) {
                ra = zero_register;
                rb = generate(x.b, common);
            } else {
                auto pair = both(x.a, x.b, common, common);
                ra = pair.first;
                rb = pair.second;
            }
        }
        bool invert = false;
        switch (kind) {
        case op::greater:
            compare(isa::opcode::cmpgt, scratch_predicate, ra, rb);
            break;
        case op::less:
            compare(isa::opcode::cmpgt, scratch_predicate, rb, ra);
            break;
        case op::greater_equal:
            compare(isa::opcode::cmpge, scratch_predicate, ra, rb);
            break;
        case op::less_equal:
            compare(isa::opcode::cmpge, scratch_predicate, rb, ra);
            break;
        case op::equal:
            compare(isa::opcode::cmpeq, scratch_predicate, ra, rb);
            break;
        default:
            compare(isa::opcode::cmpeq, scratch_predicate, ra, rb);
            invert = true;
            break;
        }
        const int result = ra != zero_register ? ra : rb;
        if (invert) {
            select(result, scratch_predicate, zero_register, one_register);
        } else {
            select(result, scratch_predicate, one_register, zero_register);
        }
        if (ra != zero_register && rb != zero_register) {
            give(rb);
        }
        return result;
    }

    static op mirrored(op kind) {
        switch (kind) {
        case op::greater:
            return op::less;
        case op::less:
            return op::greater;
        case op::greater_equal:
            return op::less_equal;
        case op::less_equal:
            return op::greater_equal;
        default:
            return kind;
        }
    }

    // The first step n whose accumulated time t_n makes `t kind c` true for > and >=, or false
    // for < and <=, as the reference computes t_n = t_(n-1) + dt.
    std::int64_t first_step(op kind, double c) const {
        const bool rising = kind == op::greater || kind == op::greater_equal;
        auto holds = [&](double t) {
            switch (kind) {
            case op::greater:
                return t > c;
            case op::greater_equal:
                return t >= c;
            case op::less:
                return !(t < c);
            case op::less_equal:
                return !(t <= c);
            default:
                return false;
            }
        };
        (void)rising;
        const double estimate = c / in_.dt;
        if (estimate < 0) {
            return 0;
        }
        if (estimate > static_cast<double>(in_.steps) + 2.0) {
            return in_.steps + 2;
        }
        if (estimate > 5e7) {
            // Too far to accumulate step by step: the exact multiple, which the accumulated time
            // differs from by rounding only.
            auto n = static_cast<std::int64_t>(std::floor(estimate)) - 2;
            while (!holds(static_cast<double>(n) * in_.dt)) {
                ++n;
            }
            return n;
        }
        double t = 0.0;
        for (std::int64_t n = 0; n <= in_.steps + 1; ++n) {
            if (holds(t)) {
                return n;
            }
            t += in_.dt;
        }
        return in_.steps + 2;
    }

    // ---- tables -------------------------------------------------------------------------

    void count_table_sites() {
        // Tables of the same expression are usually one table: count each text once.
        std::set<std::string> sites;
        const auto& step = *in_.step;
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (!in_.live[s] || step[s].kind == lems::ir::statement_kind::emit) {
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
                const bool own_table =
                    needs_table(x, step[s].value) && !p.table_root[n] && !covered[n];
                if (p.table_root[n] || own_table) {
                    sites.insert(infix(step[s].value, static_cast<int>(n), group_));
                }
            }
        }
        table_sites_ = std::max<int>(1, static_cast<int>(sites.size()));
    }

    int samples_allowed() const {
        const std::int64_t per_table = in_.table_words / table_sites_;
        return static_cast<int>(std::clamp<std::int64_t>(per_table, 3, 65537));
    }

    // A table over a whole subtree that reads one variable (or the time): evaluated exactly at
    // each sample, interpolated between.
    int generate_table(int n) {
        return table_over_leaf(current().subtree(n), plan_.leaf[static_cast<std::size_t>(n)], n,
                               format_of(n), infix(current(), n, group_));
    }

    // A table of `sub`, which reads only `leaf` (a variable, or the time), over the values the
    // leaf had under node `within` of the statement where it ran.
    int table_over_leaf(const expr& sub, int leaf, int within, fixed_format output,
                        const std::string& text) {
        int leaf_node = -1;
        std::function<void(int)> find = [&](int k) {
            const node& x = at(k);
            if ((leaf == time_leaf && x.kind == op::time) ||
                (x.kind == op::variable && x.variable == leaf)) {
                leaf_node = k;
                return;
            }
            for (int operand : {x.a, x.b}) {
                if (operand >= 0 && leaf_node < 0) {
                    find(operand);
                }
            }
        };
        find(within);
        const int r = take();
        fixed_format input_format{0};
        double low = 0.0;
        double high = 0.0;
        std::function<double(double)> function;
        std::string input_name;
        if (leaf == time_leaf) {
            rd_only(isa::opcode::ldt, r);
            low = 0.0;
            high = static_cast<double>(in_.steps);
            const double dt = in_.dt;
            function = [sub, dt](double step) {
                std::vector<double> scratch;
                return lems::ir::evaluate(sub, nullptr, step * dt, {}, scratch);
            };
            input_name = "step number";
        } else {
            const auto& v = group_.variables[static_cast<std::size_t>(leaf)];
            if (v.kind == lems::ir::storage::input) {
                const int channel = channel_of(leaf);
                rd_index(isa::opcode::ldin, r, channel);
                const double unit = in_.channel_unit[static_cast<std::size_t>(channel)];
                const auto& seen = bounds(leaf_node).range;
                low = seen.empty() ? 0.0 : seen.low / unit;
                high = seen.empty() ? 1.0 : seen.high / unit;
                std::vector<double> values(group_.variables.size(), 0.0);
                function = [sub, values, leaf, unit](double raw) mutable {
                    values[static_cast<std::size_t>(leaf)] = raw * unit;
                    std::vector<double> scratch;
                    return lems::ir::evaluate(sub, values.data(), 0.0, {}, scratch);
                };
            } else {
                rd_index(isa::opcode::lds, r, slot_of(leaf));
                input_format = in_.variable_format[static_cast<std::size_t>(leaf)];
                const auto& seen = bounds(leaf_node).range;
                widen(seen.low, seen.high, input_format, low, high);
                std::vector<double> values(group_.variables.size(), 0.0);
                function = [sub, values, leaf](double x) mutable {
                    values[static_cast<std::size_t>(leaf)] = x;
                    std::vector<double> scratch;
                    return lems::ir::evaluate(sub, values.data(), 0.0, {}, scratch);
                };
            }
            input_name = v.name;
        }
        add_table(r, function, input_format, low, high, output, text, input_name);
        return r;
    }

    // r (the operand, in its format) becomes f(r) in format `output`.
    void table_of_operand(int r, int operand, fixed_format output,
                          std::function<double(double)> function, const std::string& text) {
        const value_bounds& b = bounds(operand);
        double low = 0.0;
        double high = 0.0;
        widen(b.range.empty() ? 0.0 : b.range.low, b.range.empty() ? 0.0 : b.range.high,
              format_of(operand), low, high);
        add_table(r, std::move(function), format_of(operand), low, high, output, text,
                  infix(current(), operand, group_));
    }

    void add_table(int r, const std::function<double(double)>& function, fixed_format input,
                   double low, double high, fixed_format output, const std::string& text,
                   const std::string& input_name) {
        const std::string key = text + "|" + std::to_string(input.frac_bits) + "|" +
                                std::to_string(low) + "|" + std::to_string(high) + "|" +
                                std::to_string(output.frac_bits);
        int index = -1;
        if (const auto it = table_index_.find(key); it != table_index_.end()) {
            index = it->second;
        } else {
            if (static_cast<int>(out_.tables.size()) > isa::max_table) {
                fail("needs more than 16 lookup tables for its " + std::to_string(table_sites_) +
                     " non-linear terms (the last: " + text + ")");
            }
            table_request request;
            request.function = function;
            request.input = input;
            request.low = low;
            request.high = high;
            request.output = output;
            request.max_samples = samples_allowed();
            built_table built = build_table(request);
            table_entry entry;
            entry.function = text;
            entry.input = input_name;
            entry.low = low;
            entry.high = high;
            entry.samples = static_cast<int>(built.image.samples.size());
            entry.max_error = built.max_error;
            entry.output_range = built.output_range;
            entry.clamped_samples = built.clamped_samples;
            if (built.clamped_samples > 0) {
                out_.warnings.push_back("table of " + text + ": " +
                                        std::to_string(built.clamped_samples) +
                                        " samples beyond the output format (largest " +
                                        number(output.limit()) + ") are clamped");
            }
            out_.table_entries.push_back(entry);
            index = static_cast<int>(out_.tables.size());
            out_.tables.push_back(std::move(built.image));
            table_index_[key] = index;
        }
        isa::instruction i = make(isa::opcode::lut);
        i.rd = static_cast<std::uint8_t>(r);
        i.ra = static_cast<std::uint8_t>(r);
        i.index = static_cast<std::uint16_t>(index);
        emit(i);
    }

    // A table's input range: what was seen, 10 % wider on each side, but never across zero from
    // a side that did not reach it (log, sqrt and reciprocals are not defined there).
    static void widen(double seen_low, double seen_high, fixed_format input, double& low,
                      double& high) {
        const double width = seen_high - seen_low;
        const double margin =
            width > 0.0 ? 0.1 * width : std::max(std::fabs(seen_low) * 0.1, input.unit());
        low = seen_low - margin;
        high = seen_high + margin;
        if (seen_low > 0.0 && low <= 0.0) {
            low = seen_low / 2.0;
        }
        if (seen_high < 0.0 && high >= 0.0) {
            high = seen_high / 2.0;
        }
    }

public:
    void mark_guards() {
        is_guard_.assign(group_.variables.size(), false);
        for (const auto& s : *in_.step) {
            if (s.guard >= 0) {
                is_guard_[static_cast<std::size_t>(s.guard)] = true;
            }
        }
    }

private:
    const codegen_input& in_;
    const lems::ir::neuron_group& group_;
    codegen_output out_;
    std::vector<std::int32_t> constants_;
    std::map<std::int32_t, int> constant_slot_;
    std::map<std::string, int> table_index_;
    std::set<std::string> recorded_;
    std::vector<bool> is_guard_;
    bool busy_[isa::register_count] = {};
    bool guarded_ = false;
    int guard_in_p1_ = -1;
    int statement_ = 0;
    int table_sites_ = 1;
    int next_register_ = 0;
    int draws_ = 0; // rand's draw numbers, in the order the program draws
    statement_plan plan_;
    std::string pending_note_;
};

} // namespace

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
    case op::constant:
        return number(x.value);
    case op::variable:
        return group.variables[static_cast<std::size_t>(x.variable)].member;
    case op::time:
        return "t";
    case op::negate:
        return "-" + sub(x.a);
    default:
        break;
    }
    if (lems::ir::operand_count(x.kind) == 1) {
        return std::string(lems::ir::name(x.kind)) + "(" + infix(e, x.a, group) + ")";
    }
    return sub(x.a) + " " + lems::ir::name(x.kind) + " " + sub(x.b);
}

codegen_output generate(const codegen_input& in) {
    generator g(in);
    g.mark_guards();
    return g.run();
}

} // namespace sf::mapper::detail
