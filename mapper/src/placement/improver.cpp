// Local improvement of a placement by moves and swaps of slices between chips.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "improver.hpp"

namespace sf::mapper::placing {
namespace {

using clock_type = std::chrono::steady_clock;

// Local improvement: each active slice tries the chips of its heaviest partners and the chips
// next to its own, moving to a free core or swapping with a slice there, whichever lowers the
// cost most. A slice becomes active again when one of its partners moves.
class improver {
public:
    improver(const traffic_graph& g, const hop_distances& d, const chip_map& map,
             std::vector<int>& chip_of)
        : g_(g), d_(d), links_(map.links), capacity_(map.capacity), chip_of_(chip_of),
          occupants_(map.capacity.size()), cost_here_(g.vertices(), 0.0),
          weight_to_(map.capacity.size(), 0.0), candidate_stamp_(map.capacity.size(), 0),
          active_(g.vertices(), 0) {
        for (std::size_t s = 0; s < chip_of_.size(); ++s) {
            occupants_[at(chip_of_[s])].push_back(static_cast<int>(s));
        }
        // Changes smaller than this are rounding, not improvement.
        epsilon_ = 1e-12 * std::max(g.total, 1e-300);
    }

    void run(const placement_options& options, placement_result& result) {
        const auto began = clock_type::now();
        const bool bounded = options.improvement_seconds < 1e6;
        const auto deadline =
            began + std::chrono::duration_cast<clock_type::duration>(
                        std::chrono::duration<double>(bounded ? options.improvement_seconds : 0.0));
        random_stream random(static_cast<std::uint64_t>(static_cast<std::int64_t>(options.seed)));
        for (std::size_t s = 0; s < g_.vertices(); ++s) {
            active_[s] = g_.degree(static_cast<int>(s)) > 0 ? 1 : 0;
        }
        std::vector<int> round;
        std::int64_t visited = 0;
        bool out_of_time = false;
        while (!out_of_time) {
            round.clear();
            for (std::size_t s = 0; s < g_.vertices(); ++s) {
                if (active_[s] != 0) {
                    round.push_back(static_cast<int>(s));
                }
            }
            if (round.empty()) {
                result.converged = true;
                break;
            }
            random.shuffle(round);
            recompute_costs(); // keeps rounding from piling up over many small updates
            for (const int s : round) {
                if (bounded && ++visited % 16 == 0 && clock_type::now() >= deadline) {
                    out_of_time = true;
                    break;
                }
                if (active_[at(s)] == 0) {
                    continue;
                }
                active_[at(s)] = 0;
                if (improve(s)) {
                    ++result.moves;
                }
            }
            ++result.rounds;
        }
        result.improvement_seconds =
            std::chrono::duration<double>(clock_type::now() - began).count();
    }

private:
    static constexpr std::size_t partner_chips = 12; // heaviest partners' chips tried per slice
    static constexpr std::size_t swap_chips = 4;     // chips whose slices are tried for a swap

    double distance(int a, int b) const { return static_cast<double>(d_.cost_between(a, b)); }

    void recompute_costs() {
        for (std::size_t s = 0; s < g_.vertices(); ++s) {
            cost_here_[s] = cost_at(static_cast<int>(s), chip_of_[s]);
        }
    }

    // Σ weight x hops from slice s, were it on chip c.
    double cost_at(int s, int c) const {
        double sum = 0.0;
        for (int e = g_.start[at(s)]; e < g_.start[at(s) + 1]; ++e) {
            sum += g_.weight[at(e)] * distance(c, chip_of_[at(g_.other[at(e)])]);
        }
        return sum;
    }

    // The best change found for a slice: to `chip`, moving to a free core (partner -1) or
    // swapping with slice `partner`.
    struct change {
        double cost;
        int chip = -1;
        int partner = -1;
    };

    // Moves or swaps s to where it lowers the cost most, if anywhere; true when it did.
    bool improve(int s) {
        const int home = chip_of_[at(s)];
        weigh_partner_chips(s);
        gather_candidates(home);
        change best{-epsilon_, -1, -1};
        try_moves(s, best);
        for (const int p : partner_) {
            weight_to_[at(p)] = 0.0;
        }
        try_swaps(s, home, best);
        if (best.chip < 0) {
            return false;
        }
        apply(s, home, best);
        return true;
    }

    // The chips s's partners are on (partner_), with the weight to each (weight_to_), and the
    // heaviest of them (ranked_).
    void weigh_partner_chips(int s) {
        partner_.clear();
        for (int e = g_.start[at(s)]; e < g_.start[at(s) + 1]; ++e) {
            const int c = chip_of_[at(g_.other[at(e)])];
            if (weight_to_[at(c)] == 0.0) {
                partner_.push_back(c);
            }
            weight_to_[at(c)] += g_.weight[at(e)];
        }
        ranked_ = partner_;
        const auto heavier = [this](int a, int b) {
            return weight_to_[at(a)] != weight_to_[at(b)] ? weight_to_[at(a)] > weight_to_[at(b)]
                                                          : a < b;
        };
        const std::size_t tried = std::min(partner_chips, ranked_.size());
        std::partial_sort(ranked_.begin(), ranked_.begin() + static_cast<std::ptrdiff_t>(tried),
                          ranked_.end(), heavier);
        ranked_.resize(tried);
    }

    // The chips to try (candidates_): the heaviest partners' chips, then those next to home, then
    // those next to the heaviest partner's chip, each once, home and chips without cores left out.
    void gather_candidates(int home) {
        ++stamp_;
        candidates_.clear();
        const auto consider = [this, home](int c) {
            if (c != home && capacity_[at(c)] > 0 && candidate_stamp_[at(c)] != stamp_) {
                candidate_stamp_[at(c)] = stamp_;
                candidates_.push_back(c);
            }
        };
        for (const int c : ranked_) {
            consider(c);
        }
        for (const int c : links_[at(home)]) {
            consider(c);
        }
        if (!ranked_.empty()) {
            for (const int c : links_[at(ranked_.front())]) {
                consider(c);
            }
        }
    }

    // Moves of s to a free core of a candidate chip; the occupied chips where s alone would gain
    // go to gains_ for try_swaps.
    void try_moves(int s, change& best) {
        gains_.clear();
        for (const int c : candidates_) {
            double there = 0.0;
            for (const int p : partner_) {
                there += weight_to_[at(p)] * distance(c, p);
            }
            const double gain = cost_here_[at(s)] - there;
            if (occupants_[at(c)].size() < at(capacity_[at(c)]) && -gain < best.cost) {
                best = {-gain, c, -1};
            }
            if (gain > epsilon_ && !occupants_[at(c)].empty()) {
                gains_.push_back({gain, c});
            }
        }
    }

    // Swaps of s with a slice of the chips where s would gain most.
    void try_swaps(int s, int home, change& best) {
        const std::size_t swaps = std::min(swap_chips, gains_.size());
        std::partial_sort(gains_.begin(), gains_.begin() + static_cast<std::ptrdiff_t>(swaps),
                          gains_.end(), [](const auto& a, const auto& b) {
                              return a.first != b.first ? a.first > b.first : a.second < b.second;
                          });
        for (std::size_t k = 0; k < swaps; ++k) {
            const auto [gain, c] = gains_[k];
            const double apart = distance(home, c);
            for (const int t : occupants_[at(c)]) {
                double t_home = 0.0;
                double between = 0.0;
                for (int e = g_.start[at(t)]; e < g_.start[at(t) + 1]; ++e) {
                    const int n = g_.other[at(e)];
                    t_home += g_.weight[at(e)] * distance(home, chip_of_[at(n)]);
                    if (n == s) {
                        between += g_.weight[at(e)];
                    }
                }
                const double cost = -gain + (t_home - cost_here_[at(t)]) + 2.0 * between * apart;
                if (cost < best.cost) {
                    best = {cost, c, t};
                }
            }
        }
    }

    void apply(int s, int home, const change& best) {
        if (best.partner < 0) {
            auto& from = occupants_[at(home)];
            from.erase(std::find(from.begin(), from.end(), s));
            occupants_[at(best.chip)].push_back(s);
            relocate(s, best.chip);
        } else {
            auto& from = occupants_[at(home)];
            *std::find(from.begin(), from.end(), s) = best.partner;
            auto& to = occupants_[at(best.chip)];
            *std::find(to.begin(), to.end(), best.partner) = s;
            relocate(s, best.chip);
            relocate(best.partner, home);
            wake(best.partner);
        }
        wake(s);
    }

    // Moves s to chip c, keeping every slice's cost_here_ up to date.
    void relocate(int s, int c) {
        const int from = chip_of_[at(s)];
        double here = 0.0;
        for (int e = g_.start[at(s)]; e < g_.start[at(s) + 1]; ++e) {
            const int n = g_.other[at(e)];
            const int where = chip_of_[at(n)];
            const double w = g_.weight[at(e)];
            cost_here_[at(n)] += w * (distance(where, c) - distance(where, from));
            here += w * distance(c, where);
        }
        chip_of_[at(s)] = c;
        cost_here_[at(s)] = here;
    }

    void wake(int s) {
        active_[at(s)] = 1;
        for (int e = g_.start[at(s)]; e < g_.start[at(s) + 1]; ++e) {
            active_[at(g_.other[at(e)])] = 1;
        }
    }

    const traffic_graph& g_;
    const hop_distances& d_;
    const std::vector<std::vector<int>>& links_;
    const std::vector<int>& capacity_;
    std::vector<int>& chip_of_;
    std::vector<std::vector<int>> occupants_;
    std::vector<double> cost_here_; // by slice: Σ weight x hops from its current chip
    std::vector<double> weight_to_; // by chip, scratch of improve()
    std::vector<int> candidate_stamp_;
    std::vector<char> active_;
    std::vector<int> partner_;
    std::vector<int> ranked_;
    std::vector<int> candidates_;
    std::vector<std::pair<double, int>> gains_;
    int stamp_ = 0;
    double epsilon_ = 0.0;
};

} // namespace

void improve(const traffic_graph& g, const hop_distances& d, const chip_map& map,
             std::vector<int>& chip_of, const placement_options& options,
             placement_result& result) {
    improver(g, d, map, chip_of).run(options, result);
}

} // namespace sf::mapper::placing
