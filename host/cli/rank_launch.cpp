#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "rank_launch.hpp"

namespace sf::cli {
namespace {

// A positive whole number, or 0 when the text is missing or not one.
std::size_t count_in(const char* text) {
    if (text == nullptr) {
        return 0;
    }
    std::size_t value = 0;
    const char* end = text + std::strlen(text);
    const auto [stop, error] = std::from_chars(text, end, value);
    return error == std::errc() && stop == end ? value : 0;
}

} // namespace

rank_launch launch_of(const std::function<const char*(const char*)>& variable) {
    rank_launch launch;
    const std::size_t open_mpi = count_in(variable("OMPI_COMM_WORLD_SIZE"));
    const std::size_t pmi = count_in(variable("PMI_SIZE"));
    launch.ranks = std::max<std::size_t>({open_mpi, pmi, 1});
    launch.rank = count_in(variable(open_mpi > 0 ? "OMPI_COMM_WORLD_RANK" : "PMI_RANK"));
    launch.local_ranks = std::max<std::size_t>(count_in(variable("OMPI_COMM_WORLD_LOCAL_SIZE")), 1);
    return launch;
}

rank_launch launch_from_environment() {
    return launch_of([](const char* name) { return std::getenv(name); });
}

rank_mode mode_of(const rank_launch& launch, bool built_with_mpi) {
    if (launch.ranks <= 1) {
        return rank_mode::one_process;
    }
    return built_with_mpi ? rank_mode::mpi : rank_mode::refused;
}

std::string without_mpi_problem(const rank_launch& launch) {
    return "started as " + std::to_string(launch.ranks) +
           " MPI ranks, but this spikeforge was built without MPI: install it (apt-get install "
           "libopenmpi-dev openmpi-bin) and build spikeforge again (CMake finds it; -DSF_MPI=ON "
           "insists on it), or run without mpirun";
}

std::size_t threads_per_rank(std::size_t machine_threads, const rank_launch& launch) {
    return std::max<std::size_t>(machine_threads / std::max<std::size_t>(launch.local_ranks, 1), 1);
}

} // namespace sf::cli
