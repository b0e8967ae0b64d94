#include <map>
#include <string>

#include <sf/firmware/assert.hpp>

#include "compile_expression.hpp"

namespace sf::lems::engine {
namespace {

const std::map<std::string, opcode>& functions() {
    static const std::map<std::string, opcode> table{
        {"exp", opcode::exp},       {"log", opcode::log},
        {"ln", opcode::log},        {"sqrt", opcode::sqrt},
        {"sin", opcode::sin},       {"cos", opcode::cos},
        {"tan", opcode::tan},       {"sinh", opcode::sinh},
        {"cosh", opcode::cosh},     {"tanh", opcode::tanh},
        {"abs", opcode::abs},       {"ceil", opcode::ceil},
        {"floor", opcode::floor},   {"H", opcode::heaviside},
        {"random", opcode::random}, {"factorial", opcode::factorial},
    };
    return table;
}

opcode binary_opcode(expr_op op) {
    switch (op) {
    case expr_op::add: return opcode::add;
    case expr_op::subtract: return opcode::subtract;
    case expr_op::multiply: return opcode::multiply;
    case expr_op::divide: return opcode::divide;
    case expr_op::power: return opcode::power;
    case expr_op::greater: return opcode::greater;
    case expr_op::less: return opcode::less;
    case expr_op::greater_equal: return opcode::greater_equal;
    case expr_op::less_equal: return opcode::less_equal;
    case expr_op::equal: return opcode::equal;
    case expr_op::not_equal: return opcode::not_equal;
    case expr_op::logical_and: return opcode::logical_and;
    case expr_op::logical_or: return opcode::logical_or;
    default: return opcode::constant;
    }
}

struct emitter {
    const expression& source;
    const column_lookup& lookup;
    compiled_expression out;
    int depth = 0;

    void push(instruction ins) {
        out.code.push_back(ins);
        // A load pushes one value, a function replaces one, a binary operation takes two for one.
        depth += 1 - ir::operand_count(ins.op);
        out.max_depth = std::max(out.max_depth, depth);
    }

    void emit(int node_index) {
        const expr_node& node = source.nodes()[static_cast<std::size_t>(node_index)];
        switch (node.op) {
        case expr_op::number: push({opcode::constant, -1, node.value}); return;
        case expr_op::symbol: {
            const int column = lookup(node.name);
            if (column < 0) {
                throw expression_error("unknown symbol '" + node.name + "' in \"" + source.text() +
                                       "\"");
            }
            push({opcode::variable, column, 0.0});
            return;
        }
        case expr_op::negate:
            emit(node.a);
            push({opcode::negate, -1, 0.0});
            return;
        case expr_op::call: {
            const auto it = functions().find(node.name);
            // The parser accepts the names of this table only.
            SF_ASSERT(it != functions().end());
            emit(node.a);
            push({it->second, -1, 0.0});
            return;
        }
        default:
            emit(node.a);
            emit(node.b);
            push({binary_opcode(node.op), -1, 0.0});
            return;
        }
    }
};

} // namespace

compiled_expression compile_expression(const expression& e, const column_lookup& lookup) {
    emitter em{e, lookup, {}, 0};
    em.emit(e.root());
    return std::move(em.out);
}

} // namespace sf::lems::engine
