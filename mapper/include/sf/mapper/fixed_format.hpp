#pragma once

#include <cmath>
#include <cstdint>

// The fixed-point format of one 32-bit word the compiler gives a variable, a constant or an
// intermediate value: value = raw × 2^-frac_bits. frac_bits may exceed 31 (a small quantity such
// as a capacitance in farads) or be negative (a large one).
namespace sf::mapper {

struct fixed_format {
    int frac_bits = 0;

    double unit() const { return std::ldexp(1.0, -frac_bits); }
    // The largest magnitude the format holds.
    double limit() const { return std::ldexp(2147483647.0, -frac_bits); }

    friend bool operator==(fixed_format a, fixed_format b) { return a.frac_bits == b.frac_bits; }
    friend bool operator!=(fixed_format a, fixed_format b) { return a.frac_bits != b.frac_bits; }

    // The format with the most fractional bits that still holds `magnitude` (0 for zero).
    static fixed_format holding(double magnitude) {
        if (!(magnitude > 0.0) || !std::isfinite(magnitude)) {
            return fixed_format{0};
        }
        int exponent = 0;
        std::frexp(magnitude, &exponent); // magnitude < 2^exponent
        fixed_format f{31 - exponent};
        while (f.limit() < magnitude) {
            --f.frac_bits;
        }
        return f;
    }
};

// A value rounded to a format: what the word holds, and what went wrong.
struct quantised_value {
    std::int32_t raw = 0;
    bool saturated = false;   // the value did not fit and was clamped
    bool underflowed = false; // a non-zero value became zero
    double value(fixed_format f) const {
        return std::ldexp(static_cast<double>(raw), -f.frac_bits);
    }
};

// Rounds to nearest (halves away from zero), clamping what does not fit and saying so.
inline quantised_value round_to_fixed(double value, fixed_format f) {
    quantised_value q;
    const double scaled = std::round(std::ldexp(value, f.frac_bits));
    if (scaled > 2147483647.0 || scaled < -2147483648.0 || std::isnan(scaled)) {
        q.saturated = true;
        q.raw = std::isnan(scaled) ? 0 : (scaled > 0 ? INT32_MAX : INT32_MIN);
        return q;
    }
    q.raw = static_cast<std::int32_t>(scaled);
    q.underflowed = q.raw == 0 && value != 0.0;
    return q;
}

} // namespace sf::mapper
