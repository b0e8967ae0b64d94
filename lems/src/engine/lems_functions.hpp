#pragma once

#include <cmath>

// LEMS functions that C++ does not have, as the reference simulator computes them.
namespace sf::lems::engine {

// H(x): 1 above zero, 0 below, one half at zero.
inline double heaviside(double x) {
    if (std::isnan(x)) {
        return x;
    }
    return x > 0 ? 1.0 : (x < 0 ? 0.0 : 0.5);
}

// The product of the whole numbers up to x.
inline double factorial(double x) {
    double result = 1.0;
    for (int k = 2; k <= static_cast<int>(x); ++k) {
        result *= k;
    }
    return result;
}

} // namespace sf::lems::engine
