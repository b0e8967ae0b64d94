#include <sf/firmware/assert.hpp>

#include "rank_runtime.hpp"

namespace sf::cli {

bool built_with_mpi() { return false; }

// Never called: without MPI a launch as several ranks is refused before (rank_launch.hpp).
int run_as_rank(const std::function<int(emulator::spike_exchange&)>&) {
    SF_ASSERT(false);
    return 2;
}

} // namespace sf::cli
