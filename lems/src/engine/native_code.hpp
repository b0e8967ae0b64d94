#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "schedule.hpp"

namespace sf::lems::engine {

// Machine code for the expressions of vectorised groups, made by the system's C++ compiler when a
// simulation is large enough to repay it. A kernel computes, member by member, what the
// interpreter computes phase by phase: derived variables, rates and the integration step, and
// every condition's test. It performs the same double operations in the same order (compiled
// without contraction into fused multiply-adds), so results are identical to the interpreter's.
class native_code {
public:
    // columns: every column's data of the kind; tests: one array per condition, indexed like
    // `members`.
    using kernel = void (*)(double* const* columns, const int* members, std::size_t n, double dt,
                            double* const* tests);

    struct group_kernels {
        kernel main = nullptr;
        std::vector<kernel> regimes; // one per regime
    };

    // Compiles kernels for every vectorised group of `schedule` (by index). Throws
    // sf::lems::runtime_error with the compiler's message when it cannot compile or load them.
    static std::shared_ptr<native_code> build(const std::vector<schedule_entry>& schedule);

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
