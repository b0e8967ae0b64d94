#pragma once

#include <vector>

#include <sf/lems/expression.hpp>
#include <sf/lems/network_ir.hpp>

namespace sf::lems::engine {

// The expression operations are the flattened IR's, so that the simulator and the quantiser read
// one list. A compiled expression pushes a kind's column with `variable` and never uses `time`:
// the time is a column like any other.
using opcode = ir::op;

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
