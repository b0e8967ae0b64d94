#pragma once

#include <string>

#include <sf/lems/dimension.hpp>

namespace sf::mapper::detail {

// The SI unit of a dimension as a short name ("V", "A", "S", "F", "s", "mol/m3"), or its base
// exponents when it has no common name; empty for dimensionless values.
std::string si_unit(const lems::dimension& d);

} // namespace sf::mapper::detail
