#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>
#include <utility>

#include <sf/firmware/assert.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/compile_error.hpp>

#include "codegen.hpp"
#include "constant_pool.hpp"
#include "program_writer.hpp"
#include "reloads.hpp"
#include "simplify.hpp"
#include "statement_plan.hpp"
#include "table_store.hpp"
#include "time_steps.hpp"

namespace sf::mapper::detail {
namespace {

namespace isa = firmware::isa;
using lems::ir::expr;
using lems::ir::node;
using lems::ir::op;

std::string short_name(const lems::ir::neuron_group& group, int variable) {
    return group.variables[static_cast<std::size_t>(variable)].name;
}

// The function of a value one operation computes, for its table.
double apply(op kind, double v) {
    expr e;
    const int a = e.add(node{op::constant, -1, -1, v, -1});
    e.add(node{kind, a, -1, 0.0, -1});
    std::vector<double> scratch;
    return lems::ir::evaluate(e, nullptr, 0.0, {}, scratch);
}

// What a table over one leaf reads: its input word, that word's range and format, and the
// function of the word's value.
struct table_input {
    fixed_format format{0};
    double low = 0.0;
    double high = 0.0;
    std::function<double(double)> function;
    std::string name;
};

// Generates a group's statements one by one, each expression into registers in the formats its
// ranges call for.
class generator {
public:
    explicit generator(const codegen_input& in)
        : in_(in), group_(*in.group), constants_(group_.label, out_.parameters, out_.warnings),
          tables_(group_.label, count_table_sites(group_, *in.step, in.live), in.table_words,
                  out_.tables, out_.table_entries, out_.warnings) {
        mark_guards();
    }

    codegen_output run() {
        // r15 holds 1 for the whole program: the true of comparisons.
        code_.reserve(one_register);
        code_.load_immediate(one_register, 1);
        const auto& step = *in_.step;
        for (std::size_t s = 0; s < step.size(); ++s) {
            if (!in_.live[s]) {
                continue;
            }
            statement_ = static_cast<int>(s);
            plan_ = plan_statement(step[s].value);
            compile_statement(step[s]);
        }
        out_.constants = constants_.words();
        out_.code = std::move(code_.code);
        out_.notes = std::move(code_.notes);
        remove_reloads(out_.code, out_.notes, in_.scratch_words);
        return std::move(out_);
    }

private:
    void mark_guards() {
        is_guard_.assign(group_.variables.size(), false);
        for (const auto& s : *in_.step) {
            if (s.guard >= 0) {
                is_guard_[static_cast<std::size_t>(s.guard)] = true;
            }
        }
    }

    // ---- registers and errors -----------------------------------------------------------

    int take() {
        const int r = code_.take();
        if (r < 0) {
            fail("an expression of " +
                 short_name(group_, (*in_.step)[static_cast<std::size_t>(statement_)].target) +
                 " needs more than 15 registers; split it into derived variables");
        }
        return r;
    }
    void give(int r) { code_.give(r); }

    [[noreturn]] void fail(const std::string& message) const {
        throw compile_error(group_.label, message);
    }

    // ---- formats ------------------------------------------------------------------------

    const value_bounds& bounds(int n) const {
        return in_.bounds->nodes[static_cast<std::size_t>(statement_)][static_cast<std::size_t>(n)];
    }
    const expr& current() const { return (*in_.step)[static_cast<std::size_t>(statement_)].value; }
    const node& at(int n) const { return current().at(n); }
    bool is_input(const node& x) const {
        return x.kind == op::variable &&
               group_.variables[static_cast<std::size_t>(x.variable)].kind ==
                   lems::ir::storage::input;
    }

    fixed_format format_of(int n) const {
        const node& x = at(n);
        if (is_boolean(x)) {
            return fixed_format{0};
        }
        if (x.kind == op::variable && !is_input(x)) {
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
            code_.shift(isa::opcode::shr, r, r, amount);
            difference -= amount;
        }
        while (difference < 0) {
            const int amount = std::min(-difference, isa::max_shift);
            code_.shift(isa::opcode::shl, r, r, amount);
            difference += amount;
        }
    }

    // ---- constants ----------------------------------------------------------------------

    int constant_register(double value, fixed_format f, const std::string& what) {
        const quantised_value q = round_to_fixed(value, f);
        constants_.record(what, value, q, f);
        const int r = take();
        load_word(r, q.raw);
        return r;
    }

    // A raw word into r: an immediate when it fits one, else from the constant memory.
    void load_word(int r, std::int32_t raw) {
        if (raw >= isa::min_immediate && raw <= isa::max_immediate) {
            code_.load_immediate(r, raw);
        } else {
            code_.rd_index(isa::opcode::ldc, r, constants_.index(raw));
        }
    }

    // r (format fa) times a constant, into format fr; reuses r.
    void multiply_constant(int r, fixed_format fa, double c, fixed_format fr,
                           const std::string& what) {
        if (c == 0.0) {
            code_.three(isa::opcode::add, r, zero_register, zero_register);
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
        code_.multiply(r, r, rc, std::max(0, product_shift));
        give(rc);
        if (product_shift < 0) {
            convert(r, fixed_format{0}, fixed_format{-product_shift});
        }
    }

    // ---- statements ---------------------------------------------------------------------

    void compile_statement(const lems::ir::statement& s) {
        code_.note(statement_text(s));
        code_.set_guarded(false);
        if (s.guard >= 0 && guard_in_p1_ != s.guard) {
            const int r = take();
            code_.rd_index(isa::opcode::lds, r, slot_of(s.guard));
            code_.compare(isa::opcode::cmpgt, guard_predicate, r, zero_register);
            give(r);
            guard_in_p1_ = s.guard;
        }
        code_.set_guarded(s.guard >= 0);
        if (s.kind == lems::ir::statement_kind::emit) {
            compile_emit(s);
            return;
        }
        const fixed_format target_format = in_.variable_format[static_cast<std::size_t>(s.target)];
        const int r = generate(s.value.root(), target_format);
        code_.store(slot_of(s.target), r);
        if (guard_in_p1_ == s.target) {
            guard_in_p1_ = -1;
        }
        if (!code_.guarded() && is_guard_[static_cast<std::size_t>(s.target)]) {
            // A guard just computed: later statements it guards need not load it again.
            code_.compare(isa::opcode::cmpgt, guard_predicate, r, zero_register);
            guard_in_p1_ = s.target;
        }
        give(r);
    }

    void compile_emit(const lems::ir::statement& s) {
        if (s.target != in_.spike_port) {
            fail("emits events on two output ports ('" +
                 group_.outputs[static_cast<std::size_t>(in_.spike_port)] + "' and '" +
                 group_.outputs[static_cast<std::size_t>(s.target)] +
                 "'); a neuron core sends one kind of spike");
        }
        isa::instruction spike;
        spike.op = isa::opcode::spike;
        code_.emit(spike);
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

    // The node's value in a register, in the format it sets `produced` to: `want` where that
    // costs nothing, else the node's own.
    int generate_in(int n, fixed_format want, fixed_format& produced) {
        produced = format_of(n);
        if (plan_.table_root[static_cast<std::size_t>(n)]) {
            return generate_table(n);
        }
        const node& x = at(n);
        switch (x.kind) {
        case op::constant: return generate_constant(n, want, produced);
        case op::variable: return generate_read(x.variable, want, produced);
        case op::time: return generate_time(want, produced);
        case op::negate: return generate_negation(n, want, produced);
        case op::add:
        case op::subtract: return generate_sum(n, want, produced);
        case op::multiply: produced = want; return generate_product(n, want);
        case op::greater:
        case op::less:
        case op::greater_equal:
        case op::less_equal:
        case op::equal:
        case op::not_equal: return generate_comparison(n);
        case op::logical_and:
        case op::logical_or: return generate_logical(n);
        case op::abs: return generate_abs(n);
        case op::heaviside: return generate_heaviside(n);
        case op::random: return generate_random(n, want, produced);
        case op::divide: return generate_quotient(n, want, produced);
        case op::power: return generate_power(n);
        default: return generate_function(n);
        }
    }

    // A constant in `want` when it fits there, else in the format holding it.
    int generate_constant(int n, fixed_format want, fixed_format& produced) {
        const double value = at(n).value;
        const bool fits = !round_to_fixed(value, want).saturated;
        produced = fits ? want : format_of(n);
        return constant_register(value, produced, what_for(n));
    }

    int generate_read(int variable, fixed_format want, fixed_format& produced) {
        if (group_.variables[static_cast<std::size_t>(variable)].kind == lems::ir::storage::input) {
            produced = want;
            return generate_input(variable, 1.0, want, "");
        }
        produced = in_.variable_format[static_cast<std::size_t>(variable)];
        const int r = take();
        code_.rd_index(isa::opcode::lds, r, slot_of(variable));
        return r;
    }

    // The time as the step number times dt.
    int generate_time(fixed_format want, fixed_format& produced) {
        const int r = take();
        code_.rd_only(isa::opcode::ldt, r);
        multiply_constant(r, fixed_format{0}, in_.dt, want, "dt");
        produced = want;
        return r;
    }

    int generate_negation(int n, fixed_format want, fixed_format& produced) {
        const int r = generate(at(n).a, want);
        code_.three(isa::opcode::sub, r, zero_register, r);
        produced = want;
        return r;
    }

    // In a format that holds both operands and the result; an operand never seen other than zero
    // does not constrain it.
    int generate_sum(int n, fixed_format want, fixed_format& produced) {
        const node& x = at(n);
        int common_bits = std::min(format_of(n).frac_bits, want.frac_bits);
        for (int operand : {x.a, x.b}) {
            if (bounds(operand).magnitude() > 0.0 || is_boolean(at(operand))) {
                common_bits = std::min(common_bits, format_of(operand).frac_bits);
            }
        }
        const fixed_format common{common_bits};
        auto [ra, rb] = both(x.a, x.b, common, common);
        code_.three(x.kind == op::add ? isa::opcode::add : isa::opcode::sub, ra, ra, rb);
        give(rb);
        produced = common;
        return ra;
    }

    int generate_logical(int n) {
        const node& x = at(n);
        auto [ra, rb] = both(x.a, x.b);
        to_truth(ra, x.a);
        to_truth(rb, x.b);
        code_.three(x.kind == op::logical_and ? isa::opcode::min : isa::opcode::max, ra, ra, rb);
        give(rb);
        return ra;
    }

    int generate_abs(int n) {
        const node& x = at(n);
        const int r = generate_node(x.a);
        convert(r, format_of(x.a), format_of(n));
        const int negative = take();
        code_.three(isa::opcode::sub, negative, zero_register, r);
        code_.three(isa::opcode::max, r, r, negative);
        give(negative);
        return r;
    }

    // H(x): 1 above zero, 0 below, 1/2 at zero.
    int generate_heaviside(int n) {
        const fixed_format f = format_of(n);
        const int r = generate_node(at(n).a);
        const int one = constant_register(1.0, f, "H(x) = 1");
        const int half = constant_register(0.5, f, "H(0) = 1/2");
        code_.compare(isa::opcode::cmpgt, scratch_predicate, r, zero_register);
        code_.select(half, scratch_predicate, one, half);
        code_.compare(isa::opcode::cmpgt, scratch_predicate, zero_register, r);
        code_.select(r, scratch_predicate, zero_register, half);
        give(one);
        give(half);
        return r;
    }

    // random(x): a uniform draw in [0, 1) (frac_bits 31) times x.
    int generate_random(int n, fixed_format want, fixed_format& produced) {
        const node& x = at(n);
        const int uniform = take();
        if (draws_ > isa::max_draw) {
            fail("draws more than 2048 random numbers per step");
        }
        code_.rd_index(isa::opcode::rand, uniform, draws_++);
        const int r = generate_node(x.a);
        product_into(uniform, fixed_format{31}, r, format_of(x.a), want);
        give(r);
        produced = want;
        return uniform;
    }

    // A divisor that varies: its reciprocal from a table, then a product. A divisor that reads
    // one variable is tabulated as 1/divisor over that variable, in one table.
    int generate_quotient(int n, fixed_format want, fixed_format& produced) {
        const node& x = at(n);
        const int divisor_leaf = plan_.leaf[static_cast<std::size_t>(x.b)];
        const value_bounds& divisor = bounds(x.b);
        const bool one_leaf = divisor_leaf >= 0 || divisor_leaf == time_leaf;
        const bool one_sign =
            !divisor.range.empty() && (divisor.range.low > 0.0 || divisor.range.high < 0.0);
        const int r =
            one_leaf && one_sign ? divide_by_leaf_table(n, want) : divide_by_operand_table(n, want);
        produced = want;
        return r;
    }

    // The format of the reciprocal of node n's values.
    fixed_format reciprocal_format(int n) const {
        const value_bounds& divisor = bounds(n);
        const double largest =
            1.0 / std::min(std::fabs(divisor.range.low), std::fabs(divisor.range.high));
        return fixed_format::holding(std::ldexp(largest, in_.value_headroom_bits));
    }

    int divide_by_leaf_table(int n, fixed_format want) {
        const node& x = at(n);
        const fixed_format rf = reciprocal_format(x.b);
        const int ra = generate_node(x.a);
        expr reciprocal = current().subtree(x.b);
        const int divisor_root = reciprocal.root();
        const int one = reciprocal.add(node{op::constant, -1, -1, 1.0, -1});
        reciprocal.add(node{op::divide, one, divisor_root, 0.0, -1});
        const int rb = table_over_leaf(reciprocal, plan_.leaf[static_cast<std::size_t>(x.b)], x.b,
                                       rf, "1/(" + infix(current(), x.b, group_) + ")");
        product_into(ra, format_of(x.a), rb, rf, want);
        give(rb);
        return ra;
    }

    int divide_by_operand_table(int n, fixed_format want) {
        const node& x = at(n);
        const int ra = generate_node(x.a);
        const value_bounds& divisor = bounds(x.b);
        if (divisor.range.empty() || (divisor.range.low <= 0.0 && divisor.range.high >= 0.0)) {
            fail("divides by " + infix(current(), x.b, group_) +
                 ", whose range reaches zero; the core has no divider");
        }
        const fixed_format rf = reciprocal_format(x.b);
        const int rb = generate_node(x.b);
        table_of_operand(
            rb, x.b, rf, [](double v) { return 1.0 / v; },
            "1/(" + infix(current(), x.b, group_) + ")");
        product_into(ra, format_of(x.a), rb, rf, want);
        give(rb);
        return ra;
    }

    int generate_power(int n) {
        const node& x = at(n);
        if (!is_constant(current(), x.b)) {
            fail("raises to a power that varies (" + infix(current(), n, group_) +
                 "); write it with exp and log");
        }
        const double p = at(x.b).value;
        const int r = generate_node(x.a);
        table_of_operand(
            r, x.a, format_of(n), [p](double v) { return std::pow(v, p); },
            infix(current(), n, group_));
        return r;
    }

    // exp, log, sqrt, trigonometric and hyperbolic functions, ceil, floor, factorial of a value
    // that depends on several variables: a table over the operand.
    int generate_function(int n) {
        const node& x = at(n);
        const int r = generate_node(x.a);
        const op kind = x.kind;
        table_of_operand(
            r, x.a, format_of(n), [kind](double v) { return apply(kind, v); },
            infix(current(), n, group_));
        return r;
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

    // The registers node n's subtree needs.
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

    // A synaptic input scaled by `factor`, in format f: one multiply by the factor times the
    // channel's weight unit.
    int generate_input(int variable, double factor, fixed_format f, const std::string& what) {
        const int channel = channel_of(variable);
        const int r = take();
        code_.rd_index(isa::opcode::ldin, r, channel);
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
            if (is_input(at(x.b))) {
                // The weight unit folds into the constant: one multiply per input.
                return generate_input(at(x.b).variable, c, f, what_for(x.a));
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
        code_.multiply(ra, ra, rb, std::max(0, product_shift));
        if (product_shift < 0) {
            convert(ra, fixed_format{0}, fixed_format{-product_shift});
        }
    }

    // r becomes 1 where the value is not zero, for the logical operations.
    void to_truth(int r, int n) {
        if (is_boolean(at(n)) || is_flag(n)) {
            return;
        }
        code_.compare(isa::opcode::cmpeq, scratch_predicate, r, zero_register);
        code_.select(r, scratch_predicate, zero_register, one_register);
    }

    // A variable that only ever holds 0 or 1 (a guard).
    bool is_flag(int n) const {
        const node& x = at(n);
        return x.kind == op::variable && is_guard_[static_cast<std::size_t>(x.variable)] &&
               in_.variable_format[static_cast<std::size_t>(x.variable)].frac_bits == 0;
    }

    // ---- comparisons --------------------------------------------------------------------

    int generate_comparison(int n) {
        const node& x = at(n);
        const bool time_left = at(x.a).kind == op::time && is_constant(current(), x.b);
        const bool time_right = at(x.b).kind == op::time && is_constant(current(), x.a);
        int ra = 0;
        int rb = 0;
        op kind = x.kind;
        if (compare_stamp(x, kind, ra, rb)) {
            return comparison_result(kind, ra, rb);
        }
        if (time_left || time_right) {
            kind = compare_step(x, time_left, ra, rb);
        } else {
            compare_values(x, ra, rb);
        }
        return comparison_result(kind, ra, rb);
    }

    // The step number against the step at which the reference's accumulated time first passes
    // the constant: the same steps as the reference, without rounding. Returns the comparison
    // of ra (the step) with rb (that step) that holds in the same steps.
    op compare_step(const node& x, bool time_left, int& ra, int& rb) {
        const double c = time_left ? at(x.b).value : at(x.a).value;
        const op kind = time_left ? x.kind : mirrored(x.kind);
        const std::int64_t first = first_step(kind, c, in_.dt, in_.steps);
        ra = take();
        code_.rd_only(isa::opcode::ldt, ra);
        rb = take();
        load_word(rb, static_cast<std::int32_t>(
                          std::clamp<std::int64_t>(first, INT32_MIN / 2, INT32_MAX / 2)));
        // t > c and t >= c hold from step `first` on; t < c and t <= c until step `first`.
        if (kind == op::greater || kind == op::greater_equal) {
            return op::greater_equal;
        }
        if (kind == op::less || kind == op::less_equal) {
            return op::less;
        }
        return kind;
    }

    // A variable that only ever holds a time the step reached (lastSpikeTime = t, starting at 0):
    // a whole number of steps, which 1/dt turns back into that number exactly when 1/dt is a
    // whole number (the stamp's rounding is far below half a step).
    bool is_time_stamp(int variable) const {
        const lems::ir::variable& v = group_.variables[static_cast<std::size_t>(variable)];
        const double per_second = 1.0 / in_.dt;
        if (v.kind != lems::ir::storage::state || v.dim != lems::dimension::of(0, 0, 1, 0) ||
            std::fabs(per_second - std::round(per_second)) > 1e-6 ||
            std::any_of(v.initial.begin(), v.initial.end(), [](double x) { return x != 0.0; })) {
            return false;
        }
        bool assigned = false;
        for (const auto& s : *in_.step) {
            if (s.kind != lems::ir::statement_kind::emit && s.target == variable) {
                if (s.kind != lems::ir::statement_kind::assign ||
                    s.value.at(s.value.root()).kind != op::time) {
                    return false;
                }
                assigned = true;
            }
        }
        return assigned;
    }

    // t against a time stamp plus a constant (t > lastSpikeTime + refract) on step numbers: k - j
    // against c / dt, decided as exact arithmetic decides it. A refractory period of a whole
    // number of steps ends on a tie there, which rounding the two times and the constant would
    // decide one way or the other from spike to spike. Sets `kind` to the comparison of ra (the
    // step) with rb (the stamp's step plus the offset); false when the comparison is not of this
    // form.
    bool compare_stamp(const node& x, op& kind, int& ra, int& rb) {
        const bool time_left = at(x.a).kind == op::time;
        if (!time_left && at(x.b).kind != op::time) {
            return false;
        }
        const node& sum = at(time_left ? x.b : x.a);
        if (sum.kind != op::add) {
            return false;
        }
        const bool stamp_first = at(sum.a).kind == op::variable;
        const node& stamp = at(stamp_first ? sum.a : sum.b);
        const node& offset = at(stamp_first ? sum.b : sum.a);
        if (stamp.kind != op::variable || offset.kind != op::constant ||
            !is_time_stamp(stamp.variable)) {
            return false;
        }
        const step_offset steps = steps_of(offset.value, in_.dt);
        switch (time_left ? x.kind : mirrored(x.kind)) {
        case op::greater:
            kind = op::greater_equal;
            return stamp_step(stamp.variable, steps.after, ra, rb);
        case op::greater_equal:
            kind = op::greater_equal;
            return stamp_step(stamp.variable, steps.from, ra, rb);
        case op::less: kind = op::less; return stamp_step(stamp.variable, steps.from, ra, rb);
        case op::less_equal:
            kind = op::less;
            return stamp_step(stamp.variable, steps.after, ra, rb);
        default: return false;
        }
    }

    // ra = the step number, rb = the stamp's step plus `offset`.
    bool stamp_step(int stamp, std::int64_t offset, int& ra, int& rb) {
        ra = take();
        code_.rd_only(isa::opcode::ldt, ra);
        rb = take();
        code_.rd_index(isa::opcode::lds, rb, slot_of(stamp));
        multiply_constant(rb, in_.variable_format[static_cast<std::size_t>(stamp)],
                          std::round(1.0 / in_.dt), fixed_format{0}, "1/dt");
        const int ro = take();
        load_word(ro, static_cast<std::int32_t>(
                          std::clamp<std::int64_t>(offset, INT32_MIN / 2, INT32_MAX / 2)));
        code_.three(isa::opcode::add, rb, rb, ro);
        give(ro);
        return true;
    }

    // Both operands in one format; a constant operand is made in the other operand's format
    // when it fits there, and a zero is r0.
    void compare_values(const node& x, int& ra, int& rb) {
        const bool a_zero = at(x.a).kind == op::constant && at(x.a).value == 0.0;
        const bool b_zero = at(x.b).kind == op::constant && at(x.b).value == 0.0;
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
            std::tie(ra, rb) = both(x.a, x.b, common, common);
        }
    }

    // 1 where `ra kind rb` holds, else 0, in one of the two registers; frees the other.
    int comparison_result(op kind, int ra, int rb) {
        bool invert = false;
        switch (kind) {
        case op::greater: code_.compare(isa::opcode::cmpgt, scratch_predicate, ra, rb); break;
        case op::less: code_.compare(isa::opcode::cmpgt, scratch_predicate, rb, ra); break;
        case op::greater_equal: code_.compare(isa::opcode::cmpge, scratch_predicate, ra, rb); break;
        case op::less_equal: code_.compare(isa::opcode::cmpge, scratch_predicate, rb, ra); break;
        case op::equal: code_.compare(isa::opcode::cmpeq, scratch_predicate, ra, rb); break;
        default:
            code_.compare(isa::opcode::cmpeq, scratch_predicate, ra, rb);
            invert = true;
            break;
        }
        const int result = ra != zero_register ? ra : rb;
        if (invert) {
            code_.select(result, scratch_predicate, zero_register, one_register);
        } else {
            code_.select(result, scratch_predicate, one_register, zero_register);
        }
        if (ra != zero_register && rb != zero_register) {
            give(rb);
        }
        return result;
    }

    // ---- tables -------------------------------------------------------------------------

    // A table over a whole subtree that reads one variable (or the time): evaluated exactly at
    // each sample, interpolated between.
    int generate_table(int n) {
        return table_over_leaf(current().subtree(n), plan_.leaf[static_cast<std::size_t>(n)], n,
                               format_of(n), infix(current(), n, group_));
    }

    // The first node under `within` (depth first) that reads `leaf`.
    int find_leaf(int within, int leaf) const {
        const node& x = at(within);
        if ((leaf == time_leaf && x.kind == op::time) ||
            (x.kind == op::variable && x.variable == leaf)) {
            return within;
        }
        for (int operand : {x.a, x.b}) {
            if (operand >= 0) {
                if (const int found = find_leaf(operand, leaf); found >= 0) {
                    return found;
                }
            }
        }
        return -1;
    }

    // A table of `sub`, which reads only `leaf` (a variable, or the time), over the values the
    // leaf had under node `within` of the statement where it ran.
    int table_over_leaf(const expr& sub, int leaf, int within, fixed_format output,
                        const std::string& text) {
        const int leaf_node = find_leaf(within, leaf);
        const int r = take();
        table_input input;
        if (leaf == time_leaf) {
            input = read_step_number(r, sub);
        } else if (group_.variables[static_cast<std::size_t>(leaf)].kind ==
                   lems::ir::storage::input) {
            input = read_synaptic_input(r, sub, leaf, leaf_node);
        } else {
            input = read_state_word(r, sub, leaf, leaf_node);
        }
        add_table(r, input.function, input.format, input.low, input.high, output, text, input.name);
        return r;
    }

    table_input read_step_number(int r, const expr& sub) {
        code_.rd_only(isa::opcode::ldt, r);
        table_input in;
        in.low = 0.0;
        in.high = static_cast<double>(in_.steps);
        const double dt = in_.dt;
        in.function = [sub, dt](double step) {
            std::vector<double> scratch;
            return lems::ir::evaluate(sub, nullptr, step * dt, {}, scratch);
        };
        in.name = "step number";
        return in;
    }

    // A synaptic input in units of its channel's weight.
    table_input read_synaptic_input(int r, const expr& sub, int leaf, int leaf_node) {
        const int channel = channel_of(leaf);
        code_.rd_index(isa::opcode::ldin, r, channel);
        const double unit = in_.channel_unit[static_cast<std::size_t>(channel)];
        const auto& seen = bounds(leaf_node).range;
        table_input in;
        in.low = seen.empty() ? 0.0 : seen.low / unit;
        in.high = seen.empty() ? 1.0 : seen.high / unit;
        std::vector<double> values(group_.variables.size(), 0.0);
        in.function = [sub, values, leaf, unit](double raw) mutable {
            values[static_cast<std::size_t>(leaf)] = raw * unit;
            std::vector<double> scratch;
            return lems::ir::evaluate(sub, values.data(), 0.0, {}, scratch);
        };
        in.name = group_.variables[static_cast<std::size_t>(leaf)].name;
        return in;
    }

    table_input read_state_word(int r, const expr& sub, int leaf, int leaf_node) {
        code_.rd_index(isa::opcode::lds, r, slot_of(leaf));
        table_input in;
        in.format = in_.variable_format[static_cast<std::size_t>(leaf)];
        const auto& seen = bounds(leaf_node).range;
        widen(seen.low, seen.high, in.format, in.low, in.high);
        std::vector<double> values(group_.variables.size(), 0.0);
        in.function = [sub, values, leaf](double x) mutable {
            values[static_cast<std::size_t>(leaf)] = x;
            std::vector<double> scratch;
            return lems::ir::evaluate(sub, values.data(), 0.0, {}, scratch);
        };
        in.name = group_.variables[static_cast<std::size_t>(leaf)].name;
        return in;
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
        const int index = tables_.index(function, input, low, high, output, text, input_name);
        code_.lookup(r, index);
    }

    const codegen_input& in_;
    const lems::ir::neuron_group& group_;
    codegen_output out_;
    program_writer code_;
    constant_pool constants_;
    table_store tables_;
    std::vector<bool> is_guard_;
    int guard_in_p1_ = -1;
    int statement_ = 0;
    int draws_ = 0; // rand's draw numbers, in the order the program draws
    statement_plan plan_;
};

} // namespace

codegen_output generate(const codegen_input& in) { return generator(in).run(); }

} // namespace sf::mapper::detail
