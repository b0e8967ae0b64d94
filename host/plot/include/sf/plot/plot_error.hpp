#pragma once

#include <sf/lems/error.hpp>

namespace sf::plot {

// Input a figure cannot be drawn from: what() names the file (and line, or option) and what was
// expected there.
class plot_error : public sf::error {
public:
    using sf::error::error;
};

} // namespace sf::plot
