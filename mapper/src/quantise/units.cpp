#include <utility>
#include <vector>

#include "units.hpp"

namespace sf::mapper::detail {

std::string si_unit(const lems::dimension& d) {
    using lems::dimension;
    static const std::vector<std::pair<dimension, const char*>> named{
        {dimension::of(1, 2, -3, -1), "V"},    {dimension::of(0, 0, 0, 1), "A"},
        {dimension::of(-1, -2, 3, 2), "S"},    {dimension::of(-1, -2, 4, 2), "F"},
        {dimension::of(0, 0, 1, 0), "s"},      {dimension::of(0, 0, -1, 0), "1/s"},
        {dimension::of(1, 2, -3, -2), "ohm"},  {dimension::of(0, -3, 0, 0, 0, 1), "mol/m3"},
        {dimension::of(1, 2, -4, -1), "V/s"},  {dimension::of(0, 0, -1, 1), "A/s"},
        {dimension::of(-1, -2, 2, 2), "S/s"},  {dimension::of(0, 0, 0, 0, 1), "K"},
        {dimension::of(-1, -4, 3, 2), "S/m2"}, {dimension::of(0, -2, 0, 1), "A/m2"},
    };
    if (d.is_none()) {
        return "";
    }
    for (const auto& [dim, name] : named) {
        if (dim == d) {
            return name;
        }
    }
    return d.str();
}

} // namespace sf::mapper::detail
