#include <iostream>

#include <sf/lems/recordings.hpp>

#include "json_report_file.hpp"
#include "run_output.hpp"

namespace sf::cli {
namespace fs = std::filesystem;

void print_run(const emulator::functional_emulator& board, const std::string& name,
               const char* executor, double seconds, std::size_t threads,
               const std::vector<fs::path>& written) {
    const emulator::functional_counters c = board.counters();
    std::cout << "ran " << name << " on the " << executor << ": " << board.steps() << " steps, "
              << board.core_count() << " cores on " << board.chip_count() << " chips, "
              << c.cores.spikes << " spikes, " << c.cores.delivered_words << " synaptic events, "
              << seconds << " s on " << threads << (threads == 1 ? " thread\n" : " threads\n")
              << "routers: " << c.routers.packets << " packets, " << c.routers.routed
              << " by an entry, " << c.routers.default_routed << " by default route, "
              << c.routers.dropped << " dropped, " << c.routers.lost
              << " lost on dead links or missing chips, " << c.routers.delivered
              << " delivered to cores; " << c.unmatched_keys << " keys no master table took, "
              << c.looped << " looped, " << c.held_rows << " rows held for long delays\n"
              << "cores: saturated results " << c.cores.saturations << ", input overflows "
              << c.cores.input_overflows << ", dropped synaptic words " << c.cores.dropped_words
              << ", program faults " << c.cores.program_faults << "\n";
    for (const auto& file : written) {
        std::cout << "wrote " << file.string() << "\n";
    }
    const bool lost =
        c.routers.dropped + c.routers.lost + c.unmatched_keys + c.looped + c.cores.dropped_words >
        0;
    if (lost) {
        std::cerr << "warning: packets or synaptic words were lost (counted above)\n";
    }
}

std::vector<fs::path> write_outputs(const emulator::functional_emulator& board,
                                    const fs::path& out_dir) {
    std::vector<lems::recorded_trace> traces;
    for (const auto& t : board.traces()) {
        traces.push_back({out_dir / t.path, t.columns, t.rows});
    }
    std::vector<lems::recorded_events> events;
    for (const auto& e : board.events()) {
        events.push_back({out_dir / e.path, e.id_first, e.events});
    }
    return lems::write_recordings(traces, events);
}

int write_run_report(const emulator::functional_emulator& board, const run_facts& facts,
                     const std::string& report_file, int status) {
    const std::string wrong = json_report_file(report_file).write(run_report_json(board, facts));
    if (!wrong.empty()) {
        std::cerr << "spikeforge run: " << wrong << "\n";
        return 2;
    }
    return status;
}

} // namespace sf::cli
