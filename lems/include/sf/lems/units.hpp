#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <sf/lems/dimension.hpp>

namespace sf::lems {

// A LEMS <Unit>: value_in_si = (value * scale * 10^power10) + offset.
struct unit {
    std::string symbol;
    std::string dimension_name;
    dimension dim;
    int power10 = 0;
    double scale = 1.0;
    double offset = 0.0;

    double to_si(double value) const;
};

// A number converted to SI units, with its dimension.
struct quantity {
    double si_value = 0.0;
    dimension dim;
};

// The named dimensions and units a model defines (<Dimension>, <Unit>).
class unit_system {
public:
    // Adding the same name twice with an identical definition is allowed (files are often included
    // by several others); a conflicting redefinition throws expression_error.
    void add_dimension(const std::string& name, const dimension& dim);
    void add_unit(const unit& u);

    const dimension* find_dimension(std::string_view name) const;
    const unit* find_unit(std::string_view symbol) const;

    // Parses a quantity string as written in a model: a decimal number with optional sign and
    // exponent, optionally followed (with or without spaces) by a unit symbol: "10mV", "-70 mV",
    // "1e-5uF", "0.2nS", "5", "2.5E+3 per_ms". A bare number is dimensionless.
    // Throws expression_error naming the text and what is wrong (no number, unknown unit).
    quantity parse_quantity(std::string_view text) const;

    const std::map<std::string, dimension, std::less<>>& dimensions() const { return dimensions_; }
    const std::map<std::string, unit, std::less<>>& units() const { return units_; }

private:
    std::map<std::string, dimension, std::less<>> dimensions_;
    std::map<std::string, unit, std::less<>> units_;
};

} // namespace sf::lems
