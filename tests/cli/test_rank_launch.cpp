// Whether `spikeforge run` runs in one process, over MPI ranks, or refuses (a build without MPI
// started as several ranks), read from the launcher's environment; and the threads of each rank.
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "rank_launch.hpp"

namespace {

using sf::cli::rank_mode;

sf::cli::rank_launch launch_with(const std::map<std::string, std::string>& variables) {
    return sf::cli::launch_of([&](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    });
}

} // namespace

TEST_CASE("rank launch: no launcher, or one rank, runs in one process", "[cli][mpi]") {
    CHECK(launch_with({}).ranks == 1);
    CHECK(sf::cli::mode_of(launch_with({}), true) == rank_mode::one_process);
    CHECK(sf::cli::mode_of(launch_with({}), false) == rank_mode::one_process);
    CHECK(sf::cli::mode_of(launch_with({{"OMPI_COMM_WORLD_SIZE", "1"}}), true) ==
          rank_mode::one_process);
    CHECK(sf::cli::mode_of(launch_with({{"PMI_SIZE", "1"}}), false) == rank_mode::one_process);
    // Unreadable numbers count as no launcher.
    CHECK(launch_with({{"OMPI_COMM_WORLD_SIZE", "two"}, {"PMI_SIZE", ""}}).ranks == 1);
}

TEST_CASE("rank launch: several ranks run over MPI, or are refused without it", "[cli][mpi]") {
    const auto open_mpi = launch_with({{"OMPI_COMM_WORLD_SIZE", "3"}});
    CHECK(open_mpi.ranks == 3);
    CHECK(sf::cli::mode_of(open_mpi, true) == rank_mode::mpi);
    CHECK(sf::cli::mode_of(open_mpi, false) == rank_mode::refused);
    const auto pmi = launch_with({{"PMI_SIZE", "4"}});
    CHECK(pmi.ranks == 4);
    CHECK(sf::cli::mode_of(pmi, false) == rank_mode::refused);
    CHECK(sf::cli::without_mpi_problem(open_mpi) ==
          "started as 3 MPI ranks, but this spikeforge was built without MPI: install it "
          "(apt-get install libopenmpi-dev openmpi-bin) and build spikeforge again (CMake finds "
          "it; -DSF_MPI=ON insists on it), or run without mpirun");
}

TEST_CASE("rank launch: the machine's threads are shared among the ranks on it", "[cli][mpi]") {
    CHECK(sf::cli::threads_per_rank(8, launch_with({})) == 8);
    const auto two_here =
        launch_with({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}});
    CHECK(two_here.local_ranks == 2);
    CHECK(sf::cli::threads_per_rank(8, two_here) == 4);
    CHECK(sf::cli::threads_per_rank(7, two_here) == 3);
    // More ranks than threads: each still has one.
    CHECK(sf::cli::threads_per_rank(2, launch_with({{"OMPI_COMM_WORLD_SIZE", "5"},
                                                    {"OMPI_COMM_WORLD_LOCAL_SIZE", "5"}})) == 1);
}

TEST_CASE("rank launch: ranks other than the first leave command-line messages to rank 0",
          "[cli][mpi]") {
    CHECK_FALSE(sf::cli::quiet_rank(launch_with({})));
    const auto first = launch_with({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "0"}});
    CHECK(first.rank == 0);
    CHECK_FALSE(sf::cli::quiet_rank(first));
    const auto second = launch_with({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "1"}});
    CHECK(second.rank == 1);
    CHECK(sf::cli::quiet_rank(second));
    const auto pmi = launch_with({{"PMI_SIZE", "3"}, {"PMI_RANK", "2"}});
    CHECK(pmi.rank == 2);
    CHECK(sf::cli::quiet_rank(pmi));
}
