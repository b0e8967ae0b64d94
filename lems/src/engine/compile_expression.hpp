#pragma once

#include <functional>
#include <string>

#include <sf/lems/error.hpp>
#include <sf/lems/expression.hpp>

#include "bytecode.hpp"

namespace sf::lems::engine {

// Maps a symbol to the column holding it, or -1.
using column_lookup = std::function<int(const std::string&)>;

// Compiles an expression into a stack program; throws expression_error for unknown symbols.
compiled_expression compile_expression(const expression& e, const column_lookup& lookup);

} // namespace sf::lems::engine
