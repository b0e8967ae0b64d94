#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/native_code.hpp>
#include <sf/lems/model.hpp>
#include <sf/lems/progress.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/quantise.hpp>

// `spikeforge simulate --backend fixed`: the model quantised for a board's cores and run by the
// firmware kernel, one kernel per core, recording what the float simulator records.
namespace sf::cli {

struct fixed_run_options {
    std::filesystem::path output_dir;
    mapper::quantise_options quantise;
    std::size_t threads = 1; // that step the cores (lockstep_board): the results are the same
    emulator::side_by_side_limits side_by_side; // when the threads are woken
    // Recorded times as step number x dt, the time the cores keep, instead of the accumulated
    // sum of dt that the float simulator records by default (the spikes are the same).
    bool step_times = false;
    // Told of each phase and of the steps run, every lems::progress_interval_steps.
    lems::progress_callback progress;
    // Whether the cores run their programs as machine code compiled for the run.
    emulator::native_choice native = emulator::native_choice::automatic;
};

struct fixed_run_summary {
    std::string simulation;
    std::int64_t steps = 0;
    double dt = 0.0;
    std::size_t cores = 0;
    std::size_t threads = 1; // that stepped them
    std::size_t neurons = 0;
    std::uint64_t spikes = 0;
    std::uint64_t synaptic_events = 0; // synaptic words delivered into ring buffers
    std::uint64_t saturations = 0;
    std::uint64_t input_overflows = 0;
    std::uint64_t dropped_words = 0;
    std::uint64_t program_faults = 0;
    std::uint64_t held_words = 0;
    std::string first_fault; // empty when none
    // Per population with any: "label: N saturated results, M input overflows".
    std::vector<std::string> trouble;
    double compile_seconds = 0.0; // including native_code.compile_seconds
    emulator::native_outcome native_code;
    double run_seconds = 0.0;
    double update_seconds = 0.0;   // of run_seconds: the cores running their programs
    double delivery_seconds = 0.0; // of run_seconds: spikes delivered into ring buffers
    mapper::quantisation_report report;
    // What the simulation records, in the float simulator's formats, not yet written.
    std::vector<lems::recorded_trace> traces;
    std::vector<lems::recorded_events> events;
};

// Flattens, compiles and runs the model's Simulation; output paths are relative to
// options.output_dir. Throws the errors of flattening and compiling, and
// emulator::native_code_error when native code is always wanted and cannot be had.
fixed_run_summary run_fixed(const lems::model& model, const mapper::board& board,
                            const fixed_run_options& options);

} // namespace sf::cli
