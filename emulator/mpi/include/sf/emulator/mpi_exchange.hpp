#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <sf/emulator/spike_exchange.hpp>

namespace sf::emulator {

// MPI started for the life of the object (MPI_Init), and finished however the object goes
// (MPI_Finalize). Only one may exist in a process.
class mpi_environment {
public:
    mpi_environment();
    ~mpi_environment();
    mpi_environment(const mpi_environment&) = delete;
    mpi_environment& operator=(const mpi_environment&) = delete;
};

// The ranks of MPI_COMM_WORLD exchanging spikes: every step each rank's spikes go to all as
// (core, neuron) records. A step is mostly a few spikes, and its time the exchange's latency: one
// MPI_Allgather of a small block per rank (the count and the first few records) carries a step's
// spikes, and only a step with more on some rank takes a second round (MPI_Allgatherv of every
// record).
class mpi_exchange final : public spike_exchange {
public:
    // Needs a live mpi_environment.
    mpi_exchange();

    std::size_t rank() const override { return rank_; }
    std::size_t ranks() const override { return ranks_; }
    void exchange(const std::vector<spike>& local, std::vector<spike>& all) override;
    void sum(std::vector<std::uint64_t>& values) override;
    std::vector<std::vector<std::uint32_t>>
    gather(const std::vector<std::uint32_t>& local) override;

    // The records a rank's block carries in the first round.
    static constexpr std::size_t block_spikes = 15;

private:
    struct block {
        std::uint32_t count = 0; // the rank's spikes this step
        std::uint32_t unused = 0;
        spike first[block_spikes];
    };

    std::size_t rank_ = 0;
    std::size_t ranks_ = 1;
    std::vector<int> counts_;   // per rank, in bytes
    std::vector<int> offsets_;  // per rank, in bytes
    std::vector<block> blocks_; // per rank
};

} // namespace sf::emulator
