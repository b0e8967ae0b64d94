#pragma once

#include <cstddef>
#include <functional>
#include <string>

// Whether `spikeforge run` was started by mpirun (or another MPI launcher) as one of several
// ranks, read from the environment the launcher sets, before MPI is started: a plain run never
// starts MPI.
namespace sf::cli {

struct rank_launch {
    std::size_t ranks = 1;       // OMPI_COMM_WORLD_SIZE, or PMI_SIZE
    std::size_t rank = 0;        // this process's: OMPI_COMM_WORLD_RANK, or PMI_RANK
    std::size_t local_ranks = 1; // the ranks on this machine: OMPI_COMM_WORLD_LOCAL_SIZE
};

// Reads the launch from `variable(name)` (null when unset); unreadable numbers count as 1.
rank_launch launch_of(const std::function<const char*(const char*)>& variable);
rank_launch launch_from_environment();

// What `run` does: in one process as always, over MPI ranks, or refuses (launched as several
// ranks by a spikeforge built without MPI).
enum class rank_mode { one_process, mpi, refused };
rank_mode mode_of(const rank_launch& launch, bool built_with_mpi);

// Whether this process is a rank other than the first: it leaves the messages about the command
// line, which every rank finds alike, to rank 0.
inline bool quiet_rank(const rank_launch& launch) { return launch.ranks > 1 && launch.rank > 0; }

// Why a spikeforge built without MPI refuses to run as several ranks, and how to get MPI.
std::string without_mpi_problem(const rank_launch& launch);

// The threads each rank steps its cores on when --threads is not given: the machine's hardware
// threads shared among the ranks on it, at least 1.
std::size_t threads_per_rank(std::size_t machine_threads, const rank_launch& launch);

} // namespace sf::cli
