#pragma once

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/model.hpp>

namespace sf::lems {

// Links types to their bases and components to their types, converts values to SI and checks
// every expression's dimensions. Each problem found is added to `problems`.
void resolve_model(model& m, diagnostics& problems);

} // namespace sf::lems
