#pragma once

#include <string>

#include <sf/lems/model.hpp>

namespace sf::lems {

// A human-readable summary of a model: component types used, networks with their populations,
// projections and inputs, and the simulation settings.
std::string describe_model(const model& m);

} // namespace sf::lems
