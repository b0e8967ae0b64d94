#include <charconv>
#include <cmath>
#include <cstdlib>

#include "java_format.hpp"

namespace sf::lems::engine {

std::string java_float_string(double value) {
    const auto f = static_cast<float>(value);
    if (std::isnan(f)) {
        return "NaN";
    }
    if (std::isinf(f)) {
        return f > 0 ? "Infinity" : "-Infinity";
    }
    if (f == 0.0f) {
        return std::signbit(f) ? "-0.0" : "0.0";
    }
    // Shortest digits that identify the float, in scientific form: "d.dddde±x".
    char buffer[64];
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, f, std::chars_format::scientific);
    std::string text(buffer, result.ptr);
    const bool negative = text.front() == '-';
    if (negative) {
        text.erase(0, 1);
    }
    const auto e = text.find('e');
    const int exponent = std::atoi(text.c_str() + e + 1);
    std::string digits;
    for (std::size_t k = 0; k < e; ++k) {
        if (text[k] != '.') {
            digits += text[k];
        }
    }
    std::string out;
    const float magnitude = std::fabs(f);
    if (magnitude >= 1e-3f && magnitude < 1e7f) {
        if (exponent >= 0) {
            const auto integer_digits = static_cast<std::size_t>(exponent) + 1;
            if (digits.size() <= integer_digits) {
                out = digits + std::string(integer_digits - digits.size(), '0') + ".0";
            } else {
                out = digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
            }
        } else {
            out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        }
    } else {
        out = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
              std::to_string(exponent);
    }
    return negative ? "-" + out : out;
}

} // namespace sf::lems::engine
