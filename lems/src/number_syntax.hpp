#pragma once

#include <array>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

// The decimal number syntax shared by quantity strings and expressions, so that "1e-5uF" and
// "1e-5 * x" split the same way.
namespace sf::lems::number_syntax {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

inline char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Length of the dotted operator (".gt.", ".AND." ...) at the start of `text`, 0 if none. Only the
// LEMS comparison and logical operators count, in any letter case.
inline std::size_t scan_dotted_operator(std::string_view text) {
    static constexpr std::array<std::string_view, 8> names = {"gt", "lt",  "geq", "leq",
                                                              "eq", "neq", "and", "or"};
    if (text.empty() || text[0] != '.') {
        return 0;
    }
    std::size_t end = 1;
    while (end < text.size() && is_letter(text[end])) {
        ++end;
    }
    if (end == 1 || end >= text.size() || text[end] != '.') {
        return 0;
    }
    const std::string_view word = text.substr(1, end - 1);
    for (std::string_view name : names) {
        if (name.size() != word.size()) {
            continue;
        }
        bool same = true;
        for (std::size_t k = 0; k < word.size(); ++k) {
            same = same && to_lower(word[k]) == name[k];
        }
        if (same) {
            return end + 1;
        }
    }
    return 0;
}

// Length of the unsigned decimal number at the start of `text`: digits with an optional '.',
// then an optional exponent [eE][+-]?digits; 0 when `text` does not start with a number.
// An 'e' not followed by an optional sign and a digit is not an exponent (it starts a unit or
// a name). With `stop_at_dotted_operator`, a '.' that starts an operator such as ".gt." ends the
// number, so that "1.gt.x" reads as 1 .gt. x.
inline std::size_t scan_number(std::string_view text, bool stop_at_dotted_operator) {
    std::size_t pos = 0;
    std::size_t digits = 0;
    while (pos < text.size() && is_digit(text[pos])) {
        ++pos;
        ++digits;
    }
    if (pos < text.size() && text[pos] == '.' &&
        !(stop_at_dotted_operator && scan_dotted_operator(text.substr(pos)) > 0)) {
        ++pos;
        while (pos < text.size() && is_digit(text[pos])) {
            ++pos;
            ++digits;
        }
    }
    if (digits == 0) {
        return 0;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        std::size_t exponent = pos + 1;
        if (exponent < text.size() && (text[exponent] == '+' || text[exponent] == '-')) {
            ++exponent;
        }
        if (exponent < text.size() && is_digit(text[exponent])) {
            pos = exponent;
            while (pos < text.size() && is_digit(text[pos])) {
                ++pos;
            }
        }
    }
    return pos;
}

// Converts a number accepted by scan_number to the nearest double (std::from_chars rounds
// correctly and ignores the locale); std::nullopt when it is beyond the double range.
inline std::optional<double> parse_number(std::string_view number) {
    double value = 0.0;
    const auto result = std::from_chars(number.data(), number.data() + number.size(), value,
                                        std::chars_format::general);
    if (result.ec != std::errc() || result.ptr != number.data() + number.size()) {
        return std::nullopt;
    }
    return value;
}

// value * 10^power10 with a single rounding where possible: dividing by the exact 1000 gives the
// nearest double for -70 * 10^-3, where multiplying by the inexact 1e-3 would not.
inline double scale_by_power_of_ten(double value, int power10) {
    // 10^22 is the largest power of ten a double holds exactly.
    static constexpr int max_exact = 22;
    static const std::array<double, max_exact + 1> exact = [] {
        std::array<double, max_exact + 1> table{};
        double p = 1.0;
        for (double& entry : table) {
            entry = p;
            p *= 10.0;
        }
        return table;
    }();
    if (value == 0.0 || power10 == 0) {
        return value;
    }
    // Beyond +-700 every finite double overflows or underflows, so larger powers need no loop.
    const int clamped = power10 > 700 ? 700 : (power10 < -700 ? -700 : power10);
    int remaining = clamped < 0 ? -clamped : clamped;
    while (remaining > 0) {
        const int step = remaining > max_exact ? max_exact : remaining;
        value = clamped < 0 ? value / exact[step] : value * exact[step];
        remaining -= step;
    }
    return value;
}

} // namespace sf::lems::number_syntax
