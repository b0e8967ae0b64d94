#pragma once

#include <sf/lems/component.hpp>

namespace sf::lems::engine {

// True when several instances of this component attached to the same cell behave exactly as one
// instance receiving all their events: its state starts at zero, evolves linearly and
// homogeneously, every event adds an increment that depends only on parameters and properties,
// and everything it exposes is linear in its state. Conductance- and current-based exponential
// and alpha synapses qualify; anything with thresholds, regimes or children does not.
bool superposes(const component& comp);

} // namespace sf::lems::engine
