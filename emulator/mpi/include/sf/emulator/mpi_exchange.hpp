#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/emulator/spike_exchange.hpp>

namespace sf::emulator {

// MPI started for the life of the object (MPI_Init), and finished however the object goes
// (MPI_Finalize). Only one may exist in a process.
class mpi_session {
public:
    mpi_session();
    ~mpi_session();
    mpi_session(const mpi_session&) = delete;
    mpi_session& operator=(const mpi_session&) = delete;
};

// The ranks of MPI_COMM_WORLD exchanging spikes: every step each rank's spikes go to all
// (MPI_Allgatherv of the (core, neuron) records).
class mpi_exchange final : public spike_exchange {
public:
    // Needs a live mpi_session.
    mpi_exchange();

    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return ranks_; }
    void exchange(const std::vector<spike>& local, std::vector<spike>& all) override;
    void sum(std::vector<std::uint64_t>& values) override;
    std::vector<std::vector<std::uint32_t>>
    gather(const std::vector<std::uint32_t>& local) override;

private:
    std::size_t rank_ = 0;
    std::size_t ranks_ = 1;
    std::vector<int> counts_;  // per rank, in bytes
    std::vector<int> offsets_; // per rank, in bytes
};

} // namespace sf::emulator
