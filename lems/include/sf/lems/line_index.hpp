#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace sf::lems {

// Where the lines of a text start, so that a byte offset into it (as an XML parser reports for
// an element or an error) can be named by its line. Built before the text is parsed in place.
class line_index {
public:
    explicit line_index(std::string_view text) {
        starts_.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n') {
                starts_.push_back(i + 1);
            }
        }
    }

    // The 1-based line holding the byte at `offset`; a negative offset is taken as the first byte.
    int line_at(std::ptrdiff_t offset) const {
        const auto it =
            std::upper_bound(starts_.begin(), starts_.end(),
                             static_cast<std::size_t>(std::max<std::ptrdiff_t>(offset, 0)));
        return static_cast<int>(it - starts_.begin());
    }

private:
    std::vector<std::size_t> starts_;
};

} // namespace sf::lems
