#pragma once

#include <sf/plot/figures.hpp>

#include "axes.hpp"

namespace sf::plot::detail {

// The x range of a figure in milliseconds: the window's ends where set, the data's elsewhere.
// plot_error when the window is empty.
range time_range(const time_window& window, range data_ms);

// Whether a time in milliseconds is inside the window's set ends.
bool inside(const time_window& window, double ms);

} // namespace sf::plot::detail
