#pragma once

#include <string>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/mapper/quantise.hpp>

// Rewrites of a neuron group's statements that fixed point needs: constants folded, divisions by
// constants turned into products with the reciprocal, whole powers into products, and every
// integration into an assignment with its step (dt, or the exact step of a linear equation).
namespace sf::mapper::detail {

// The expression with constant subtrees folded and constant factors gathered at the front.
lems::ir::expr simplify(const lems::ir::expr& e);

// Whether the node's subtree reads no variable, no time and draws no random number.
bool is_constant(const lems::ir::expr& e, int node);

struct prepared_group {
    std::vector<lems::ir::statement> step; // only assignments and emits
    std::vector<std::string> notes;        // one per integration: its step and why
};

prepared_group prepare(const lems::ir::neuron_group& group, double dt, integration integrator);

} // namespace sf::mapper::detail
