#pragma once

#include <vector>

#include <sf/lems/network_ir.hpp>

namespace sf::mapper::detail {

// Variables that hold one value in every neuron all the time (a parameter of a child, a surface
// area computed from fixed dimensions, a weight every connection shares) become constants, so that
// products and quotients with them fold.
void propagate_constants(const lems::ir::neuron_group& group,
                         std::vector<lems::ir::statement>& step);

} // namespace sf::mapper::detail
