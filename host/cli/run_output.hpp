#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/emulator/functional.hpp>

#include "run_report.hpp"

// What `spikeforge run` leaves of a run in this process: the recorded files, the text report and
// the JSON report.
namespace sf::cli {

// The run's counters and the files it wrote; what was lost is also a warning.
void print_run(const emulator::functional_emulator& board, const std::string& name,
               const char* executor, double seconds, std::size_t threads,
               const std::vector<std::filesystem::path>& written);

// The recordings of the run, written into `out_dir`: the files written.
std::vector<std::filesystem::path> write_outputs(const emulator::functional_emulator& board,
                                                 const std::filesystem::path& out_dir);

// The run's JSON report, when one is asked for: 2 (bad input) when it cannot be written, else
// `status`.
int write_run_report(const emulator::functional_emulator& board, const run_facts& facts,
                     const std::string& report_file, int status);

} // namespace sf::cli
