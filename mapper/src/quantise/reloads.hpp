#pragma once

#include <string>
#include <vector>

#include <sf/firmware/isa.hpp>

namespace sf::mapper::detail {

// Removes loads of a state word that a register still holds: straight code stores a value and
// soon reads it back. A load `lds rB, s` goes when some rA holds word s (it stored it or loaded it
// unpredicated, and neither rA nor s changed since) and rA stays unchanged up to rB's last use
// before rB is written again; those uses read rA instead. Constants loaded again (ldc) are served
// the same way. Then stores to scratch words (below `scratch_words`: values that live within one
// step) that nothing loads afterwards are dropped. `notes` (a comment per instruction) moves with
// the code.
void remove_reloads(std::vector<firmware::isa::instruction>& code, std::vector<std::string>& notes,
                    int scratch_words);

} // namespace sf::mapper::detail
