#include <string>

#include <sf/plot/plot_error.hpp>

#include "time_window.hpp"

namespace sf::plot::detail {

range time_range(const time_window& window, range data_ms) {
    if (window.from_ms && window.to_ms && !(*window.from_ms < *window.to_ms)) {
        throw plot_error("--from " + std::to_string(*window.from_ms) + " must be before --to " +
                         std::to_string(*window.to_ms) + " (milliseconds)");
    }
    range r{window.from_ms.value_or(data_ms.low), window.to_ms.value_or(data_ms.high)};
    if (r.high < r.low) {
        // Only one end was given and the data lie beyond it: show that end alone.
        r = window.from_ms ? range{r.low, r.low} : range{r.high, r.high};
    }
    return r;
}

bool inside(const time_window& window, double ms) {
    return (!window.from_ms || ms >= *window.from_ms) && (!window.to_ms || ms <= *window.to_ms);
}

} // namespace sf::plot::detail
