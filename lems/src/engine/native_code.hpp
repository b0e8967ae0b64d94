#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "native_source.hpp"

namespace sf::lems::engine {

// Machine code for vectorised groups and for event handlers, made by the system's C++ compiler
// when a simulation is large enough to repay it. A group phase does, member by member, what the
// interpreter does phase by phase; the actions of conditions that fire are left to the
// interpreter. The code performs the same double operations in the same order (compiled without
// contraction into fused multiply-adds), so results are identical to the interpreter's.
class native_code {
public:
    // Returns how many rows fired.
    using group_phase = std::size_t (*)(const group_context* context);
    using event_handler = native_event_handler;

    struct group_kernels {
        // Time, requirements, select paths, derived variables, rates, the integration step and
        // the tests of the conditions; with no such conditions, the exposures too.
        group_phase main = nullptr;
        // Requirements again, then the active regime's derived variables, rates and tests.
        group_phase regimes = nullptr;
        std::size_t test_stride = 0; // the most conditions of main or any regime
        // Runs of cells read in place of pointers: row j of the group reads slots[i][j].
        std::vector<const double*> slots;
        // The kind's pointer tables, as group_context passes them.
        std::vector<const value_source*> requirement_sources;
        std::vector<const std::uint32_t*> path_offsets;
        std::vector<const value_source*> path_sources;
    };

    // Compiles kernels for every vectorised group of `schedule` (by index) whose expressions all
    // compile, and the OnEvent handlers that only assign, installing those in their kinds; the
    // kernels store only the columns something reads (read_columns, with the `watched` cells the
    // outputs record). Throws sf::lems::simulation_error with the compiler's message when it
    // cannot compile or load them.
    static std::shared_ptr<native_code> build(const std::vector<schedule_entry>& schedule,
                                              const std::vector<std::unique_ptr<kind>>& kinds,
                                              const std::vector<const double*>& watched);

    const group_kernels* group(std::size_t schedule_index) const {
        const auto it = groups_.find(schedule_index);
        return it == groups_.end() ? nullptr : &it->second;
    }

    ~native_code();
    native_code(const native_code&) = delete;
    native_code& operator=(const native_code&) = delete;

private:
    native_code() = default;

    void* library_ = nullptr;
    std::map<std::size_t, group_kernels> groups_;
};

} // namespace sf::lems::engine
