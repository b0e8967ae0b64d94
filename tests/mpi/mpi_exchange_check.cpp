// The MPI spike exchange between real ranks (run under mpirun): steps whose spikes fit the first
// round's blocks and steps with more on some rank, the sums and the gather. Exit status 0 when
// every rank got what it should; rank 0 names the first difference.
#include <cstdio>
#include <string>
#include <vector>

#include <sf/emulator/mpi_exchange.hpp>

namespace {

using sf::emulator::mpi_exchange;
using sf::emulator::spike;

// Rank r's spikes in a step with `count` each: cores r * 1000 + k, neurons k + step.
std::vector<spike> spikes_of(std::size_t rank, std::size_t count, std::uint32_t step) {
    std::vector<spike> list;
    for (std::size_t k = 0; k < count; ++k) {
        list.push_back(
            {static_cast<std::uint32_t>(rank * 1000 + k), static_cast<std::uint32_t>(k) + step});
    }
    return list;
}

// Each step a different number of spikes per rank, some beyond a block.
std::size_t count_of(std::size_t rank, std::uint32_t step) {
    const std::size_t counts[] = {0,
                                  1,
                                  mpi_exchange::block_spikes,
                                  mpi_exchange::block_spikes + 1,
                                  3 * mpi_exchange::block_spikes,
                                  2};
    return counts[(rank + step) % 6];
}

std::string check_exchange(mpi_exchange& ranks) {
    std::vector<spike> all;
    for (std::uint32_t step = 0; step < 12; ++step) {
        ranks.exchange(spikes_of(ranks.rank(), count_of(ranks.rank(), step), step), all);
        std::vector<spike> expected;
        for (std::size_t r = 0; r < ranks.ranks(); ++r) {
            const std::vector<spike> theirs = spikes_of(r, count_of(r, step), step);
            expected.insert(expected.end(), theirs.begin(), theirs.end());
        }
        bool same = all.size() == expected.size();
        for (std::size_t k = 0; same && k < all.size(); ++k) {
            same = all[k].core == expected[k].core && all[k].neuron == expected[k].neuron;
        }
        if (!same) {
            return "step " + std::to_string(step) + ": " + std::to_string(all.size()) +
                   " spikes exchanged, " + std::to_string(expected.size()) + " expected";
        }
    }
    return {};
}

std::string check_sum_and_gather(mpi_exchange& ranks) {
    std::vector<std::uint64_t> values{ranks.rank() + 1, 1ull << 40};
    ranks.sum(values);
    const std::uint64_t n = ranks.ranks();
    if (values[0] != n * (n + 1) / 2 || values[1] != n << 40) {
        return "the sums are wrong";
    }
    const std::vector<std::uint32_t> mine(ranks.rank() + 1,
                                          static_cast<std::uint32_t>(ranks.rank()));
    const auto all = ranks.gather(mine);
    if (ranks.rank() != 0) {
        return all.empty() ? std::string() : "a rank other than 0 got the gather";
    }
    for (std::size_t r = 0; r < ranks.ranks(); ++r) {
        if (all.size() != ranks.ranks() ||
            all[r] != std::vector<std::uint32_t>(r + 1, static_cast<std::uint32_t>(r))) {
            return "rank 0 gathered the wrong words from rank " + std::to_string(r);
        }
    }
    return {};
}

} // namespace

int main() {
    sf::emulator::mpi_environment mpi;
    mpi_exchange ranks;
    std::string wrong = check_exchange(ranks);
    if (wrong.empty()) {
        wrong = check_sum_and_gather(ranks);
    }
    if (!wrong.empty()) {
        std::fprintf(stderr, "rank %zu: %s\n", ranks.rank(), wrong.c_str());
        return 1;
    }
    if (ranks.rank() == 0) {
        std::printf("%zu ranks exchanged, summed and gathered as expected\n", ranks.ranks());
    }
    return 0;
}
