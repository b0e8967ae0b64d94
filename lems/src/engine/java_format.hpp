#pragma once

#include <string>

namespace sf::lems::engine {

// Formats a value as Java's Float.toString does for the float nearest to it ("0.0", "-0.07",
// "5.0E-6", "1.0E7"), which is how the reference simulator writes output files.
std::string java_float_string(double value);

} // namespace sf::lems::engine
