#include <algorithm>
#include <cmath>

#include <sf/firmware/assert.hpp>

#include "group_evaluator.hpp"
#include "lems_functions.hpp"

namespace sf::lems::engine {

int group_evaluator::take() {
    if (free_buffers_.empty()) {
        buffers_.emplace_back();
        free_buffers_.push_back(static_cast<int>(buffers_.size() - 1));
    }
    const int b = free_buffers_.back();
    free_buffers_.pop_back();
    buffers_[static_cast<std::size_t>(b)].resize(n_);
    return b;
}

void group_evaluator::release(const operand& o) {
    if (o.buffer >= 0) {
        free_buffers_.push_back(o.buffer);
    }
}

void group_evaluator::load(const std::vector<double>& column) {
    const double* source = column.data();
    if (direct_) {
        stack_.push_back(operand{source + first_, 0.0, -1, false});
        return;
    }
    const int b = take();
    double* gathered = buffers_[static_cast<std::size_t>(b)].data();
    const int* members = members_->data();
    const std::size_t n = n_;
    for (std::size_t j = 0; j < n; ++j) {
        gathered[j] = source[members[j]];
    }
    stack_.push_back(operand{gathered, 0.0, b, false});
}

template <class F>
void group_evaluator::unary(F f) {
    operand& a = stack_.back();
    if (a.is_scalar) {
        a.scalar = f(a.scalar);
        return;
    }
    const int b = a.buffer >= 0 ? a.buffer : take();
    double* result = buffers_[static_cast<std::size_t>(b)].data();
    const std::size_t n = n_;
    for (std::size_t j = 0; j < n; ++j) {
        result[j] = f(a.data[j]);
    }
    a = operand{result, 0.0, b, false};
}

template <class F>
void group_evaluator::binary(F f) {
    const operand b = stack_.back();
    stack_.pop_back();
    operand& a = stack_.back();
    if (a.is_scalar && b.is_scalar) {
        a.scalar = f(a.scalar, b.scalar);
        return;
    }
    const int target = a.buffer >= 0 ? a.buffer : (b.buffer >= 0 ? b.buffer : take());
    double* result = buffers_[static_cast<std::size_t>(target)].data();
    const std::size_t n = n_;
    if (a.is_scalar) {
        for (std::size_t j = 0; j < n; ++j) {
            result[j] = f(a.scalar, b.data[j]);
        }
    } else if (b.is_scalar) {
        for (std::size_t j = 0; j < n; ++j) {
            result[j] = f(a.data[j], b.scalar);
        }
    } else {
        for (std::size_t j = 0; j < n; ++j) {
            result[j] = f(a.data[j], b.data[j]);
        }
    }
    if (b.buffer >= 0 && b.buffer != target) {
        release(b);
    }
    if (a.buffer >= 0 && a.buffer != target) {
        release(a);
    }
    a = operand{result, 0.0, target, false};
}

void group_evaluator::random(java_random& random) {
    // Vectorised groups never draw random numbers; this keeps the member order if they did.
    operand& a = stack_.back();
    const int b = a.buffer >= 0 ? a.buffer : take();
    double* result = buffers_[static_cast<std::size_t>(b)].data();
    for (std::size_t j = 0; j < n_; ++j) {
        result[j] = (a.is_scalar ? a.scalar : a.data[j]) * random.next_double();
    }
    a = operand{result, 0.0, b, false};
}

// long: table
void group_evaluator::apply(const instruction& ins, const kind& k, java_random& random) {
    switch (ins.op) {
    case opcode::variable: load(k.columns[static_cast<std::size_t>(ins.column)]); break;
    case opcode::constant: stack_.push_back(operand{nullptr, ins.value, -1, true}); break;
    case opcode::negate: unary([](double x) { return -x; }); break;
    case opcode::add: binary([](double x, double y) { return x + y; }); break;
    case opcode::subtract: binary([](double x, double y) { return x - y; }); break;
    case opcode::multiply: binary([](double x, double y) { return x * y; }); break;
    case opcode::divide: binary([](double x, double y) { return x / y; }); break;
    case opcode::power: binary([](double x, double y) { return std::pow(x, y); }); break;
    case opcode::greater: binary([](double x, double y) { return x > y ? 1.0 : 0.0; }); break;
    case opcode::less: binary([](double x, double y) { return x < y ? 1.0 : 0.0; }); break;
    case opcode::greater_equal:
        binary([](double x, double y) { return x >= y ? 1.0 : 0.0; });
        break;
    case opcode::less_equal: binary([](double x, double y) { return x <= y ? 1.0 : 0.0; }); break;
    case opcode::equal: binary([](double x, double y) { return x == y ? 1.0 : 0.0; }); break;
    case opcode::not_equal: binary([](double x, double y) { return x != y ? 1.0 : 0.0; }); break;
    case opcode::logical_and:
        binary([](double x, double y) { return (x != 0.0 && y != 0.0) ? 1.0 : 0.0; });
        break;
    case opcode::logical_or:
        binary([](double x, double y) { return (x != 0.0 || y != 0.0) ? 1.0 : 0.0; });
        break;
    case opcode::exp: unary([](double x) { return std::exp(x); }); break;
    case opcode::log: unary([](double x) { return std::log(x); }); break;
    case opcode::sqrt: unary([](double x) { return std::sqrt(x); }); break;
    case opcode::sin: unary([](double x) { return std::sin(x); }); break;
    case opcode::cos: unary([](double x) { return std::cos(x); }); break;
    case opcode::tan: unary([](double x) { return std::tan(x); }); break;
    case opcode::sinh: unary([](double x) { return std::sinh(x); }); break;
    case opcode::cosh: unary([](double x) { return std::cosh(x); }); break;
    case opcode::tanh: unary([](double x) { return std::tanh(x); }); break;
    case opcode::abs: unary([](double x) { return std::fabs(x); }); break;
    case opcode::ceil: unary([](double x) { return std::ceil(x); }); break;
    case opcode::floor: unary([](double x) { return std::floor(x); }); break;
    case opcode::heaviside: unary(heaviside); break;
    case opcode::factorial: unary(factorial); break;
    case opcode::random: this->random(random); break;
    case opcode::time: SF_ASSERT(!"a compiled expression reads the time as a column"); break;
    }
}

void group_evaluator::evaluate(const compiled_expression& e, const kind& k,
                               const std::vector<int>& members, java_random& random,
                               std::vector<double>& out) {
    members_ = &members;
    n_ = members.size();
    direct_ = contiguous(members);
    first_ = direct_ ? static_cast<std::size_t>(members.front()) : 0;
    free_buffers_.clear();
    for (std::size_t b = 0; b < buffers_.size(); ++b) {
        free_buffers_.push_back(static_cast<int>(b));
    }
    stack_.clear();
    for (const instruction& ins : e.code) {
        apply(ins, k, random);
    }
    const operand& result = stack_.back();
    out.resize(n_);
    if (result.is_scalar) {
        std::fill(out.begin(), out.end(), result.scalar);
    } else {
        std::copy(result.data, result.data + n_, out.begin());
    }
}

} // namespace sf::lems::engine
