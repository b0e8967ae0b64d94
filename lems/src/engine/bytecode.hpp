#pragma once

#include <cstdint>
#include <vector>

#include <sf/lems/expression.hpp>

namespace sf::lems::engine {

enum class opcode : std::uint8_t {
    load,     // push column[a][member]
    constant, // push value
    negate,
    add,
    subtract,
    multiply,
    divide,
    power,
    greater,
    less,
    greater_equal,
    less_equal,
    equal,
    not_equal,
    logical_and,
    logical_or,
    exp,
    log,
    sqrt,
    sin,
    cos,
    tan,
    sinh,
    cosh,
    tanh,
    abs,
    ceil,
    floor,
    heaviside,
    random,
    factorial,
};

struct instruction {
    opcode op = opcode::constant;
    int column = -1;
    double value = 0.0;
};

// An expression compiled once into a flat stack program over a kind's columns; evaluated per
// member without walking the expression tree.
struct compiled_expression {
    std::vector<instruction> code;
    int max_depth = 0;
};

} // namespace sf::lems::engine
