#pragma once

#include <array>
#include <string>

namespace sf::lems {

// A physical dimension as integer exponents of the seven SI base quantities, in LEMS order:
// mass (m), length (l), time (t), current (i), temperature (k), amount (n), luminous intensity (j).
struct dimension {
    std::array<int, 7> exponents{};

    static dimension none() { return {}; }
    static dimension of(int m, int l, int t, int i, int k = 0, int n = 0, int j = 0) {
        return dimension{{m, l, t, i, k, n, j}};
    }

    bool is_none() const { return *this == none(); }
    dimension pow(int power) const;

    friend dimension operator*(const dimension& a, const dimension& b);
    friend dimension operator/(const dimension& a, const dimension& b);
    friend bool operator==(const dimension& a, const dimension& b) {
        return a.exponents == b.exponents;
    }
    friend bool operator!=(const dimension& a, const dimension& b) { return !(a == b); }

    // "none", or the non-zero exponents such as "m^1 l^2 t^-3 i^-1".
    std::string str() const;
};

} // namespace sf::lems
