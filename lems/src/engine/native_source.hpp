#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "column_reads.hpp"
#include "schedule.hpp"

namespace sf::lems::engine {

// What a compiled group phase reads and reports. Plain data: the generated code declares the same
// layout in its prelude.
struct group_context {
    double* const* columns = nullptr; // every column's data of the kind
    const int* members = nullptr;     // null when the members are first .. first + n - 1
    std::size_t first = 0;
    std::size_t n = 0;
    double dt = 0.0;
    double t = 0.0;
    const value_source* const* requirement_sources = nullptr; // per requirement, per member
    const std::uint32_t* const* path_offsets = nullptr;       // per select path, per member (+1)
    const value_source* const* path_sources = nullptr;        // per select path
    int* active_regime = nullptr;                             // per member of the kind
    const double* const* slots = nullptr;                     // group_kernels::slots
    // Out: the rows (indices into the group) where some condition's test passed, the regime the
    // member was in, and every test's value (test_stride per row).
    std::size_t* fired_rows = nullptr;
    int* fired_regimes = nullptr;
    double* fired_tests = nullptr;
};

// The C++ source of a runtime's compiled code, and the functions in it.
struct native_source {
    struct group_plan {
        std::size_t schedule_index = 0;
        std::string main;    // the phase before the regimes
        std::string regimes; // the active regime's phase; empty without regimes
        std::size_t test_stride = 0;
        std::vector<const double*> slots; // group_context::slots
    };
    struct handler_plan {
        kind* owner = nullptr;
        int port = -1;
        std::string function;
    };
    std::string text;
    std::vector<group_plan> groups;     // the vectorised groups whose expressions all compile
    std::vector<handler_plan> handlers; // OnEvent handlers that only assign
};

// `read` (read_columns): the columns whose stores the groups may not leave out.
native_source write_native_source(const std::vector<schedule_entry>& schedule,
                                  const std::vector<std::unique_ptr<kind>>& kinds,
                                  const column_reads& read);

} // namespace sf::lems::engine
