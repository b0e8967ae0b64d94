#pragma once

#include <memory>
#include <vector>

#include "runtime.hpp"

namespace sf::lems::engine {

// Per kind (by id), per column: whether anything may read the column's values once they are
// stored: an expression or action of the kind itself (compiled or interpreted), another
// instance through a requirement or a select path, or one of the `watched` cells (what the
// outputs record). A compiled group may leave out storing a column nobody reads (the time, a
// rate, an exposure's copy): the values computed from it are the same.
using column_reads = std::vector<std::vector<bool>>;

column_reads read_columns(const std::vector<std::unique_ptr<kind>>& kinds,
                          const std::vector<const double*>& watched);

} // namespace sf::lems::engine
