#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/model.hpp>
#include <sf/lems/progress.hpp>

namespace sf::lems {

struct simulation_options {
    // Folder that output file names are relative to; empty means the folder of the file that
    // defines the Simulation, as the reference simulator does.
    std::filesystem::path output_dir;
    // Simulation component to run; empty means the model's <Target>.
    std::string simulation_id;
    // Advance every instance one at a time in the reference simulator's order and keep every
    // synapse instance separate. The results are the same; only slower. For checking.
    bool reference_order = false;
    // Whether population groups run machine code made by the system's C++ compiler (identical
    // results): automatic compiles when the run is long enough to repay the compilation.
    enum class native_code { automatic, always, never };
    native_code native = native_code::automatic;
    // How the time of each step is kept, for the `time` a model reads, event due times and the
    // recorded time column. accumulated: a running sum t += dt, as the reference simulator keeps
    // it, so a period of a whole number of steps ends on a rounding tie that the sum's growing
    // error decides one way or the other from one occurrence to the next. steps: step number x dt,
    // one product per step that carries no error from earlier steps, and comparisons of values
    // within 1e-12 of their size decided as ties (j dt + refract against (j + m) dt for a refract
    // of m steps differ only by the rounding of the decimal dt), so such a period comes out the
    // same each time, as exact arithmetic and a core that counts steps make it.
    enum class time_keeping { accumulated, steps };
    time_keeping time = time_keeping::accumulated;
    // Told of building and of the steps run, every progress_interval_steps.
    progress_callback progress;
};

struct simulation_summary {
    std::string simulation_id;
    std::string target_id;
    double length = 0.0; // seconds
    double step = 0.0;   // seconds
    std::int64_t steps = 0;
    std::int64_t seed = 0;
    std::uint64_t instances = 0;
    std::uint64_t events_sent = 0;
    std::uint64_t events_delivered = 0;
    std::uint64_t member_updates = 0;
    double build_seconds = 0.0;
    std::string execution; // how the step ran: interpreted, or compiled and how long that took
    double run_seconds = 0.0;
    std::vector<std::filesystem::path> files_written;
};

// The Simulation component a model runs: the one named by `id`, else the model's <Target>.
// Throws parse_error when there is none or it is not a simulation.
const component& find_simulation(const model& m, const std::string& id = {});

// Checks that the simulation's network can be built (every path, population index and port
// resolves), without running it. Throws parse_error naming the component.
void check_simulation(const model& m, const std::string& id = {});

// Runs a Simulation in double precision and writes its OutputFiles and EventOutputFiles in the
// reference simulator's formats. Nothing is written unless the whole run succeeds.
simulation_summary simulate(const model& m, const simulation_options& options = {});

} // namespace sf::lems
