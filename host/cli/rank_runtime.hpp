#pragma once

#include <functional>

#include <sf/emulator/spike_exchange.hpp>

// The one place that starts MPI: a spikeforge built with MPI (SF_MPI) runs a command as one rank
// of several; one built without it has only the answer that it cannot.
namespace sf::cli {

bool built_with_mpi();

// Starts MPI, runs `run` with the ranks' exchange, and finishes MPI however `run` ends (an
// exception passes on after it). Ranks other than 0 print nothing: rank 0 speaks for all.
int run_as_rank(const std::function<int(emulator::spike_exchange&)>& run);

} // namespace sf::cli
