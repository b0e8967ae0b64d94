#pragma once

#include <map>
#include <vector>

#include <sf/lems/component.hpp>

namespace sf::lems::engine {

// Components that differ in the values of their parameters alone: the same type, the same texts,
// references and property defaults, the same parameters set, and no children. On a neuron core
// such components run one program, the parameters that differ becoming per-neuron constants (30
// cells each driven by a pulseGenerator of its own amplitude share one core).
class parameter_classes {
public:
    // The first component asked about that differs from `c` in parameter values alone; `c` itself
    // when there is none.
    const component* representative(const component* c);

private:
    std::map<const component*, const component*> known_;
    std::map<const component_type*, std::vector<const component*>> by_type_;
};

bool differ_in_parameters_only(const component& a, const component& b);

} // namespace sf::lems::engine
