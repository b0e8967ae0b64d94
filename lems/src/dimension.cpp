#include <sf/lems/dimension.hpp>

#include <cstddef>
#include <limits>

#include <sf/lems/error.hpp>

namespace sf::lems {

namespace {

// Exponents come from user files and from powers in expressions, so overflow must be an error
// rather than undefined behaviour.
int checked_exponent(long long value) {
    if (value > std::numeric_limits<int>::max() || value < std::numeric_limits<int>::min()) {
        throw expression_error("dimension exponent " + std::to_string(value) + " is out of range");
    }
    return static_cast<int>(value);
}

} // namespace

dimension dimension::pow(int power) const {
    dimension result;
    for (std::size_t k = 0; k < exponents.size(); ++k) {
        result.exponents[k] = checked_exponent(static_cast<long long>(exponents[k]) * power);
    }
    return result;
}

dimension operator*(const dimension& a, const dimension& b) {
    dimension result;
    for (std::size_t k = 0; k < a.exponents.size(); ++k) {
        result.exponents[k] =
            checked_exponent(static_cast<long long>(a.exponents[k]) + b.exponents[k]);
    }
    return result;
}

dimension operator/(const dimension& a, const dimension& b) {
    dimension result;
    for (std::size_t k = 0; k < a.exponents.size(); ++k) {
        result.exponents[k] =
            checked_exponent(static_cast<long long>(a.exponents[k]) - b.exponents[k]);
    }
    return result;
}

std::string dimension::str() const {
    static constexpr const char* names[] = {"m", "l", "t", "i", "k", "n", "j"};
    std::string text;
    for (std::size_t k = 0; k < exponents.size(); ++k) {
        if (exponents[k] == 0) {
            continue;
        }
        if (!text.empty()) {
            text += ' ';
        }
        text += names[k];
        text += '^';
        text += std::to_string(exponents[k]);
    }
    return text.empty() ? "none" : text;
}

} // namespace sf::lems
