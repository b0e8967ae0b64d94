#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/native_code.hpp>
#include <sf/emulator/timed_board.hpp>

// `spikeforge run --report`: the run's counters and the files it wrote, as JSON
// (docs/reports.md, spikeforge-run-report/1); the facts of the text report.
namespace sf::cli {

inline constexpr const char* run_report_schema = "spikeforge-run-report/1";

// How a run spread over MPI ranks shared the board out (the JSON report's "mpi").
struct rank_facts {
    std::size_t ranks = 1;
    std::vector<std::size_t> chips; // per rank
    std::vector<std::size_t> cores; // per rank
    double spikes_per_step = 0.0;   // exchanged: every rank's spikes, a mean over the steps
    double bytes_per_step = 0.0;    // the records those spikes took
    double kept_percent = 100.0;    // of the spikes, those whose every row stayed on their rank
};

// What the run was, beside what the emulator counted.
struct run_facts {
    std::string input;  // the image or model run
    std::string target; // functional, systemc or rtl
    std::size_t threads = 1;
    double seconds = 0.0; // wall-clock time of the run, without loading and writing
    std::vector<std::filesystem::path> written;
    std::optional<emulator::timing_report> timing; // the systemc target's
    std::string real_time_verdict;                 // with --real-time-check
    std::optional<rank_facts> ranks;               // a run over MPI ranks
    // The functional target's neuron programs: native code or the kernel, and why.
    std::optional<emulator::native_outcome> native_code;
};

nlohmann::ordered_json run_report_json(const emulator::functional_emulator& board,
                                       const run_facts& run);

} // namespace sf::cli
