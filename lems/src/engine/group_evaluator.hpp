#pragma once

#include <cstddef>
#include <vector>

#include "bytecode.hpp"
#include "java_random.hpp"
#include "runtime.hpp"

namespace sf::lems::engine {

// Members listed in increasing order without gaps can be read straight from the columns.
inline bool contiguous(const std::vector<int>& members) {
    return !members.empty() &&
           members.back() - members.front() + 1 == static_cast<int>(members.size());
}

// Evaluates a compiled expression for a group of members at once: each operation makes one pass
// over the members. Operands are views of columns, scalars, or temporary buffers taken from a
// pool kept between calls, so that loads and constants cost nothing and a group that advances
// every step does not allocate.
class group_evaluator {
public:
    // One value per listed member into `out`; `random` is drawn in member order.
    void evaluate(const compiled_expression& e, const kind& k, const std::vector<int>& members,
                  java_random& random, std::vector<double>& out);

private:
    struct operand {
        const double* data = nullptr;
        double scalar = 0.0;
        int buffer = -1; // index into buffers_, or -1 when not owned
        bool is_scalar = false;
    };

    void apply(const instruction& ins, const kind& k, java_random& random);
    int take();
    void release(const operand& o);
    void load(const std::vector<double>& column);
    template <class F>
    void unary(F f);
    template <class F>
    void binary(F f);
    void random(java_random& random);

    // The group being evaluated.
    const std::vector<int>* members_ = nullptr;
    std::size_t n_ = 0;
    bool direct_ = false; // members are contiguous: columns are read in place from first_
    std::size_t first_ = 0;

    std::vector<std::vector<double>> buffers_;
    std::vector<int> free_buffers_;
    std::vector<operand> stack_;
};

} // namespace sf::lems::engine
