#pragma once

class VerilatedContext;

namespace sf::emulator {

// The environment variable naming the directory a Verilated model's coverage counts go to.
inline constexpr const char* rtl_coverage_dir_variable = "SF_RTL_COVERAGE_DIR";

// Writes the context's coverage counts (line, toggle and cover-property bins) to a file of its own,
// `<design>-<process>-<n>.dat`, in the directory SF_RTL_COVERAGE_DIR names, creating it. Does
// nothing when the variable is unset or the RTL was verilated without coverage (SF_RTL_COVERAGE).
// Harnesses call it as their model is destroyed, so it never throws: a failure is reported on
// standard error, and scripts/rtl_coverage.sh then finds the data missing and fails.
void write_rtl_coverage(VerilatedContext& context, const char* design) noexcept;

} // namespace sf::emulator
