#include <sf/lems/units.hpp>

#include <cstddef>
#include <limits>
#include <string>

#include <sf/lems/error.hpp>

#include "number_syntax.hpp"

namespace sf::lems {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool same_definition(const unit& a, const unit& b) {
    // Compared bit for bit on purpose: a file included twice yields identical doubles.
    return a.dim == b.dim && a.power10 == b.power10 && a.scale == b.scale && a.offset == b.offset;
}

std::string describe(const unit& u) {
    return "dimension " + u.dim.str() + ", power " + std::to_string(u.power10) + ", scale " +
           std::to_string(u.scale) + ", offset " + std::to_string(u.offset);
}

} // namespace

double unit::to_si(double value) const {
    double si = number_syntax::scale_by_power_of_ten(value, power10);
    if (scale != 1.0) {
        si *= scale;
    }
    return offset != 0.0 ? si + offset : si;
}

void unit_system::add_dimension(const std::string& name, const dimension& dim) {
    const auto [it, inserted] = dimensions_.emplace(name, dim);
    if (!inserted && it->second != dim) {
        throw expression_error("dimension '" + name + "' redefined as " + dim.str() + " (it was " +
                               it->second.str() + ")");
    }
}

void unit_system::add_unit(const unit& u) {
    const auto [it, inserted] = units_.emplace(u.symbol, u);
    if (!inserted && !same_definition(it->second, u)) {
        throw expression_error("unit '" + u.symbol + "' redefined with " + describe(u) +
                               " (it was " + describe(it->second) + ")");
    }
}

const dimension* unit_system::find_dimension(std::string_view name) const {
    const auto it = dimensions_.find(name);
    return it == dimensions_.end() ? nullptr : &it->second;
}

const unit* unit_system::find_unit(std::string_view symbol) const {
    const auto it = units_.find(symbol);
    return it == units_.end() ? nullptr : &it->second;
}

quantity unit_system::parse_quantity(std::string_view text) const {
    const std::string quoted = "\"" + std::string(text) + "\"";
    auto fail = [&](const std::string& what, std::size_t column) -> expression_error {
        const auto max_column = static_cast<std::size_t>(std::numeric_limits<int>::max());
        return expression_error(quoted + ": " + what,
                                static_cast<int>(column < max_column ? column : max_column));
    };

    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(text[begin])) {
        ++begin;
    }
    while (end > begin && is_space(text[end - 1])) {
        --end;
    }
    if (begin == end) {
        throw fail("expected a number, found an empty string", begin);
    }

    std::size_t pos = begin;
    bool negative = false;
    if (text[pos] == '+' || text[pos] == '-') {
        negative = text[pos] == '-';
        ++pos;
    }
    const std::size_t length =
        number_syntax::scan_number(text.substr(pos, end - pos), /*stop_at_dotted_operator=*/false);
    if (length == 0) {
        throw fail("expected a number at column " + std::to_string(pos + 1), pos);
    }
    const std::optional<double> magnitude = number_syntax::parse_number(text.substr(pos, length));
    if (!magnitude) {
        throw fail("number '" + std::string(text.substr(pos, length)) +
                       "' is out of the range of a double",
                   pos);
    }
    const double value = negative ? -*magnitude : *magnitude;
    pos += length;
    while (pos < end && is_space(text[pos])) {
        ++pos;
    }
    if (pos == end) {
        return quantity{value, dimension::none()};
    }

    const std::string_view symbol = text.substr(pos, end - pos);
    const unit* u = find_unit(symbol);
    if (u == nullptr) {
        throw fail("unknown unit '" + std::string(symbol) + "'", pos);
    }
    return quantity{u->to_si(value), u->dim};
}

} // namespace sf::lems
