#pragma once

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/model.hpp>

namespace sf::lems {

// Checks what the NeuroML2 network types say about each other and the generic structure
// building would only find one at a time, with less to say: that projections and input lists
// name populations of their network, and that every connection and input addresses a cell of
// the right population within its size. Each problem found is added to `problems`.
void check_networks(const model& m, diagnostics& problems);

} // namespace sf::lems
