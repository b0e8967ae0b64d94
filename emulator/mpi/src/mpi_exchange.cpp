#include <algorithm>
#include <numeric>

#include <mpi.h>

#include <sf/emulator/mpi_exchange.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

static_assert(sizeof(spike) == 2 * sizeof(std::uint32_t), "a spike travels as two words");

// The command line is spikeforge's own: MPI needs none of it.
mpi_environment::mpi_environment() { MPI_Init(nullptr, nullptr); }

mpi_environment::~mpi_environment() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized == 0) {
        MPI_Finalize();
    }
}

mpi_exchange::mpi_exchange() {
    int rank = 0;
    int ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    rank_ = static_cast<std::size_t>(rank);
    ranks_ = static_cast<std::size_t>(ranks);
    counts_.resize(ranks_);
    offsets_.resize(ranks_);
}

void mpi_exchange::exchange(const std::vector<spike>& local, std::vector<spike>& all) {
    block mine;
    mine.count = static_cast<std::uint32_t>(local.size());
    std::copy_n(local.begin(), std::min(local.size(), block_spikes), mine.first);
    blocks_.resize(ranks_);
    MPI_Allgather(&mine, sizeof(block), MPI_BYTE, blocks_.data(), sizeof(block), MPI_BYTE,
                  MPI_COMM_WORLD);
    all.clear();
    bool overflow = false;
    for (const block& b : blocks_) {
        overflow = overflow || b.count > block_spikes;
        all.insert(all.end(), b.first, b.first + std::min<std::size_t>(b.count, block_spikes));
    }
    if (!overflow) {
        return;
    }
    // Every rank knows every count now: the records again, all of them.
    for (std::size_t r = 0; r < ranks_; ++r) {
        counts_[r] = static_cast<int>(blocks_[r].count * sizeof(spike));
    }
    std::exclusive_scan(counts_.begin(), counts_.end(), offsets_.begin(), 0);
    all.resize(static_cast<std::size_t>(offsets_.back() + counts_.back()) / sizeof(spike));
    MPI_Allgatherv(local.data(), counts_[rank_], MPI_BYTE, all.data(), counts_.data(),
                   offsets_.data(), MPI_BYTE, MPI_COMM_WORLD);
}

void mpi_exchange::sum(std::vector<std::uint64_t>& values) {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                  MPI_SUM, MPI_COMM_WORLD);
}

std::vector<std::vector<std::uint32_t>>
mpi_exchange::gather(const std::vector<std::uint32_t>& local) {
    const int count = static_cast<int>(local.size());
    std::vector<int> counts(ranks_);
    MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets(ranks_, 0);
    std::exclusive_scan(counts.begin(), counts.end(), offsets.begin(), 0);
    std::vector<std::uint32_t> words(
        rank_ == 0 ? static_cast<std::size_t>(offsets.back() + counts.back()) : 0);
    MPI_Gatherv(local.data(), count, MPI_UINT32_T, words.data(), counts.data(), offsets.data(),
                MPI_UINT32_T, 0, MPI_COMM_WORLD);
    std::vector<std::vector<std::uint32_t>> all;
    if (rank_ == 0) {
        for (std::size_t r = 0; r < ranks_; ++r) {
            const auto from = words.begin() + offsets[r];
            all.emplace_back(from, from + counts[r]);
        }
    }
    return all;
}

} // namespace sf::emulator
