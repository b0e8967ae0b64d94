// spikeforge: the command-line entry point. Exit codes: 0 success, 1 the job failed,
// 2 bad input or usage, 3 a bug in spikeforge (a broken invariant, see SF_ASSERT).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <sf/emulator/native_code.hpp>
#include <sf/firmware/assert.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/model_info.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/lems/simulator.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/quantise.hpp>

#include "compare_command.hpp"
#include "compile_report.hpp"
#include "emulator_link.hpp"
#include "fixed_backend.hpp"
#include "image_commands.hpp"
#include "json_report_file.hpp"
#include "plot_command.hpp"
#include "progress_line.hpp"
#include "rank_launch.hpp"
#include "rank_runtime.hpp"
#include "serve_command.hpp"
#include "thread_count.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;
static_assert(sf::firmware::assertion_exit_status != exit_ok &&
                  sf::firmware::assertion_exit_status != exit_failed &&
                  sf::firmware::assertion_exit_status != exit_bad_input,
              "a bug in spikeforge has an exit status of its own");

struct model_arguments {
    std::vector<std::string> files;
    std::vector<std::string> include_paths;
    bool no_builtin_core_types = false;

    void add_to(CLI::App& command, bool many_files) {
        if (many_files) {
            command.add_option("files", files, "LEMS or NeuroML2 files")
                ->required()
                ->check(CLI::ExistingFile);
        } else {
            command.add_option("file", files, "LEMS file with a <Simulation> and a <Target>")
                ->required()
                ->expected(1)
                ->check(CLI::ExistingFile);
        }
        add_search_options_to(command);
    }

    // Only -I and --no-builtin-coretypes, for commands that name their input themselves.
    void add_search_options_to(CLI::App& command) {
        command
            .add_option(
                "-I,--include-path", include_paths,
                "folder searched for <Include> files (before the built-in NeuroML2 core types)")
            ->check(CLI::ExistingDirectory);
        command.add_flag("--no-builtin-coretypes", no_builtin_core_types,
                         "do not search the built-in NeuroML2 core type definitions");
    }

    sf::lems::load_options options() const {
        sf::lems::load_options result;
        for (const auto& path : include_paths) {
            result.include_paths.emplace_back(path);
        }
        result.builtin_core_types = !no_builtin_core_types;
        return result;
    }

    std::vector<fs::path> paths() const { return {files.begin(), files.end()}; }
};

void print_warnings(const sf::lems::diagnostics& problems) {
    for (const auto& warning : problems.warnings()) {
        std::cerr << "warning: " << warning.what() << "\n";
    }
}

void print_problems(const sf::lems::diagnostics& problems) {
    print_warnings(problems);
    for (const auto& problem : problems.problems()) {
        std::cerr << problem.what() << "\n";
    }
    std::cerr << problems.size() << (problems.size() == 1 ? " problem" : " problems") << " found\n";
}

int run_validate(const model_arguments& args) {
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (problems.empty() && !model.targets.empty()) {
        try {
            sf::lems::check_simulation(model);
        } catch (const sf::lems::parse_error& e) {
            problems.add(e);
        }
    }
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    print_warnings(problems);
    std::cout << "valid: " << model.files.size() << " files, " << model.types.size()
              << " component types, " << model.components.size() << " top-level components\n";
    return exit_ok;
}

int run_info(const model_arguments& args) {
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    std::cout << sf::lems::describe_model(model);
    return exit_ok;
}

struct compile_arguments {
    std::string board = "spinn5";
    std::string integrator = "euler";
    std::int64_t range_steps = -1;

    void add_to(CLI::App& command) {
        command
            .add_option("--board", board,
                        "board description: a built-in name (" + known_board_names() +
                            "), NAME x N for N joined boards, NAME x auto for as many as the "
                            "network needs, or a file")
            ->capture_default_str();
        command
            .add_option("--integrator", integrator,
                        "euler: forward Euler as the reference simulator; exact: linear equations "
                        "advanced with their exact propagators")
            ->check(CLI::IsMember({"euler", "exact"}))
            ->capture_default_str();
        command.add_option(
            "--range-steps", range_steps,
            "steps of the float run that measures value ranges (default: as many as a "
            "budget allows, the whole run when small)");
    }

    static std::string known_board_names() {
        std::string names;
        for (const auto& name : sf::mapper::known_boards()) {
            names += (names.empty() ? "" : ", ") + name;
        }
        return names;
    }

    sf::mapper::quantise_options options() const {
        sf::mapper::quantise_options result;
        result.integrator =
            integrator == "exact" ? sf::mapper::integration::exact : sf::mapper::integration::euler;
        result.range_steps = range_steps;
        return result;
    }
};

int run_fixed(const sf::lems::model& model, const std::string& out_dir,
              const compile_arguments& compile, std::size_t threads, bool step_times,
              const sf::lems::progress_callback& progress, sf::emulator::native_choice native) {
    const sf::mapper::board board = sf::mapper::find_board(compile.board);
    sf::cli::fixed_run_options options;
    options.output_dir = out_dir;
    options.quantise = compile.options();
    options.threads = threads;
    options.step_times = step_times;
    options.progress = progress;
    options.native = native;
    const sf::cli::fixed_run_summary s = sf::cli::run_fixed(model, board, options);
    const auto written = sf::lems::write_recordings(s.traces, s.events);
    for (const auto& group : s.report.groups) {
        for (const auto& warning : group.warnings) {
            std::cerr << "warning: " << group.label << ": " << warning << "\n";
        }
    }
    for (const auto& warning : s.report.warnings) {
        std::cerr << "warning: " << warning << "\n";
    }
    std::cout << "simulation " << s.simulation << " on " << s.cores
              << (s.cores == 1 ? " core" : " cores") << " of board " << s.report.board
              << " (fixed point): " << s.steps << " steps of " << s.dt * 1e3 << " ms, " << s.neurons
              << " neurons, " << s.spikes << " spikes, " << s.synaptic_events
              << " synaptic events\n"
              << "compile " << s.compile_seconds << " s, run " << s.run_seconds
              << " s (neuron updates " << s.update_seconds << " s, spike delivery "
              << s.delivery_seconds << " s) on " << s.threads
              << (s.threads == 1 ? " thread\n" : " threads\n")
              << "neuron programs: " << s.native_code.describe() << "\n"
              << "saturated results " << s.saturations << ", input overflows " << s.input_overflows
              << ", dropped synaptic words " << s.dropped_words << ", program faults "
              << s.program_faults << ", words held for long delays " << s.held_words << "\n";
    for (const auto& line : s.trouble) {
        std::cerr << "warning: " << line << "\n";
    }
    if (!s.first_fault.empty()) {
        std::cerr << "spikeforge: first program fault: " << s.first_fault << "\n";
    }
    for (const auto& file : written) {
        std::cout << "wrote " << file.string() << "\n";
    }
    return s.program_faults > 0 ? exit_failed : exit_ok;
}

// What is wrong with simulate's --threads for `backend`; empty when nothing.
std::string check_simulate_threads(const std::string& text, bool given, const std::string& backend,
                                   sf::cli::thread_count& threads) {
    const std::string wrong = sf::cli::read_thread_count(text, given, threads);
    if (!wrong.empty() || backend == "fixed" || !threads.given || threads.threads == 1) {
        return wrong;
    }
    return "--backend " + backend + " runs on one thread: --threads " +
           std::to_string(threads.threads) +
           " is for --backend fixed (give --threads 1 or leave it out)";
}

// What simulate was asked for beyond the model, its output folder and the compile options.
struct simulate_choices {
    std::string backend = "float";
    bool reference_order = false;
    std::string native = "auto";
    std::string threads_text;
    bool threads_given = false;
    std::string time = "accumulated";
    bool time_given = false;
    bool quiet = false;
};

// What is wrong with simulate's --time for the backend; empty when nothing.
std::string check_simulate_time(const simulate_choices& choices) {
    if (choices.backend == "fixed" && choices.time_given && choices.time == "accumulated") {
        return "--backend fixed counts whole steps on its cores and cannot keep time as an "
               "accumulated sum of dt: --time accumulated is for --backend float (give --time "
               "steps or leave it out)";
    }
    return {};
}

int run_simulate(const model_arguments& args, const std::string& out_dir,
                 const compile_arguments& compile, const simulate_choices& choices) {
    sf::cli::progress_line progress(std::cerr,
                                    sf::cli::progress_line::wanted_on_stderr(choices.quiet));
    const std::string& backend = choices.backend;
    if (backend != "float" && backend != "fixed") {
        std::cerr << "spikeforge simulate: unknown backend '" << backend
                  << "' (available: float, fixed)\n";
        return exit_bad_input;
    }
    sf::cli::thread_count threads;
    std::string wrong =
        check_simulate_threads(choices.threads_text, choices.threads_given, backend, threads);
    if (wrong.empty()) {
        wrong = check_simulate_time(choices);
    }
    if (!wrong.empty()) {
        std::cerr << "spikeforge simulate: " << wrong << "\n";
        return exit_bad_input;
    }
    const bool step_times = choices.time == "steps";
    sf::lems::diagnostics problems;
    sf::lems::report_progress(progress.callback(), "reading");
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    progress.clear();
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    if (backend == "fixed") {
        sf::emulator::native_choice native = sf::emulator::native_choice::automatic;
        sf::emulator::read_native_choice(choices.native, native);
        return run_fixed(model, out_dir, compile, threads.threads, step_times, progress.callback(),
                         native);
    }
    using sf::lems::simulation_options;
    simulation_options options;
    options.output_dir = out_dir;
    options.reference_order = choices.reference_order;
    options.native = choices.native == "always"  ? simulation_options::native_code::always
                     : choices.native == "never" ? simulation_options::native_code::never
                                                 : simulation_options::native_code::automatic;
    options.time = step_times ? simulation_options::time_keeping::steps
                              : simulation_options::time_keeping::accumulated;
    options.progress = progress.callback();
    const sf::lems::simulation_summary summary = sf::lems::simulate(model, options);
    std::cout << "simulation " << summary.simulation_id << " of " << summary.target_id << ": "
              << summary.steps << " steps of " << summary.step * 1e3 << " ms, " << summary.instances
              << " instances, " << summary.events_sent << " events sent, "
              << summary.events_delivered << " delivered\n"
              << "build " << summary.build_seconds << " s, run " << summary.run_seconds << " s, "
              << summary.execution << "\n";
    for (const auto& file : summary.files_written) {
        std::cout << "wrote " << file.string() << "\n";
    }
    return exit_ok;
}

// Each population's program as assembly in `asm_dir`: the file written per group index, or
// nullopt when one cannot be written (said on the standard error).
std::optional<std::map<int, fs::path>> write_assembly(const sf::lems::ir::network& net,
                                                      const sf::mapper::compiled_network& compiled,
                                                      const std::string& asm_dir) {
    std::map<int, fs::path> written;
    std::error_code ec;
    fs::create_directories(asm_dir, ec);
    for (const auto& group : compiled.groups) {
        const auto& g = net.groups[static_cast<std::size_t>(group.group)];
        std::string name = g.label;
        for (char& c : name) {
            if (c == '[' || c == ']' || c == '.' || c == '/') {
                c = '_';
            }
        }
        const fs::path path = fs::path(asm_dir) / (name + ".s");
        std::ofstream out(path);
        out << "; " + g.label + " (" + g.component + ")\n" + group.assembly;
        if (!out) {
            std::cerr << "spikeforge compile: cannot write " << path.string() << "\n";
            return std::nullopt;
        }
        std::cout << "wrote " << path.string() << "\n";
        written[group.group] = path;
    }
    return written;
}

int run_compile(const model_arguments& args, const compile_arguments& compile,
                const std::string& asm_dir, const std::string& report_file) {
    const sf::cli::json_report_file report(report_file);
    if (const std::string wrong = report.problem(); !wrong.empty()) {
        std::cerr << "spikeforge compile: " << wrong << "\n";
        return exit_bad_input;
    }
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    const sf::mapper::board board = sf::mapper::find_board(compile.board);
    const sf::lems::ir::network net = sf::lems::flatten(model);
    const sf::mapper::compiled_network compiled =
        sf::mapper::quantise(net, board, compile.options());
    std::cout << compiled.report.text();
    std::map<int, fs::path> assembly;
    if (!asm_dir.empty()) {
        auto written = write_assembly(net, compiled, asm_dir);
        if (!written) {
            return exit_failed;
        }
        assembly = std::move(*written);
    }
    if (const std::string wrong =
            report.write(sf::cli::compile_report_json(net, compiled, assembly));
        !wrong.empty()) {
        std::cerr << "spikeforge compile: " << wrong << "\n";
        return exit_bad_input;
    }
    return exit_ok;
}

// Every subcommand with its arguments.
struct commands {
    model_arguments validate_args;
    CLI::App* validate = nullptr;
    model_arguments info_args;
    CLI::App* info = nullptr;

    model_arguments simulate_args;
    std::string out_dir;
    compile_arguments simulate_compile;
    simulate_choices simulate_with;
    CLI::App* simulate = nullptr;

    model_arguments compile_model;
    compile_arguments compile_args;
    std::string asm_dir;
    std::string compile_report;
    CLI::App* compile = nullptr;

    std::string map_model;
    std::string map_output;
    compile_arguments map_args;
    std::string map_report;
    model_arguments map_includes;
    std::string map_threads;
    bool map_quiet = false;
    CLI::App* map = nullptr;

    std::string inspect_image;
    CLI::App* inspect = nullptr;

    std::string run_input;
    std::string run_target = "functional";
    std::string run_out;
    sf::cli::remote_run_options run_remote;
    sf::cli::timed_run_options run_timed;
    compile_arguments run_args;
    model_arguments run_includes;
    std::string run_threads;
    std::string run_report;
    bool run_quiet = false;
    std::string run_native = "auto";
    CLI::App* run = nullptr;

    sf::cli::serve_options serve_args;
    CLI::App* serve = nullptr;

    sf::cli::plot_arguments plot_args;
    CLI::App* plot = nullptr;

    sf::cli::compare_arguments compare_args;
    CLI::App* compare = nullptr;

    void add_to(CLI::App& app) {
        add_model_commands(app);
        add_simulate(app);
        add_compile(app);
        add_image_commands(app);
        add_serve(app);
        plot = sf::cli::add_plot_command(app, plot_args);
        compare = sf::cli::add_compare_command(app, compare_args);
    }

    void add_serve(CLI::App& app) {
        serve = app.add_subcommand(
            "serve", "answer the host protocol as a board would, with an emulator behind it");
        serve
            ->add_option("--target", serve_args.target,
                         "functional: the functional emulator; systemc: the timed board model "
                         "on the board each image names; rtl: every core and router Verilated")
            ->capture_default_str();
        serve->add_option("--port", serve_args.port, "UDP port (0: any free one, printed)")
            ->capture_default_str();
        serve
            ->add_option("--bind", serve_args.bind,
                         "address to listen on (other than loopback exposes the board)")
            ->capture_default_str();
        serve
            ->add_option("--pace", serve_args.pace,
                         "lockstep: a free run's step waits for the host's input for it; "
                         "realtime: steps at the board's time step, late input counted")
            ->capture_default_str();
        serve
            ->add_option("--speed-up", serve_args.speed_up,
                         "realtime: model time per wall-clock time")
            ->capture_default_str();
        serve
            ->add_option("--lease", serve_args.lease_seconds,
                         "seconds after which a silent host's session ends")
            ->capture_default_str();
        serve->add_option("--max-frame", serve_args.max_frame, "largest frame in bytes (84-4096)")
            ->capture_default_str();
    }

    static void add_report_option(CLI::App& command, std::string& file, const std::string& what) {
        command.add_option("--report", file,
                           "also write " + what + " to this JSON file (docs/reports.md)");
    }

    void add_model_commands(CLI::App& app) {
        validate = app.add_subcommand("validate", "check models and report every problem found");
        validate_args.add_to(*validate, true);
        info = app.add_subcommand("info",
                                  "summarise a model: types, populations, projections, inputs");
        info_args.add_to(*info, true);
    }

    void add_compile(CLI::App& app) {
        compile = app.add_subcommand(
            "compile",
            "quantise a model for a board's neuron cores and print the quantisation report");
        compile_model.add_to(*compile, false);
        compile_args.add_to(*compile);
        compile->add_option("--asm", asm_dir,
                            "folder to write each population's core program to, as assembly");
        add_report_option(*compile, compile_report, "the quantisation report");
    }

    void add_simulate(CLI::App& app) {
        simulate =
            app.add_subcommand("simulate", "run a LEMS Simulation and write its output files");
        simulate_args.add_to(*simulate, false);
        simulate->add_option("-o,--out", out_dir,
                             "folder for output files (default: beside the LEMS file)");
        simulate
            ->add_option(
                "--backend", simulate_with.backend,
                "float: double-precision reference simulator; fixed: quantised for --board's "
                "neuron cores and run by the firmware kernel")
            ->capture_default_str();
        simulate_compile.add_to(*simulate);
        simulate
            ->add_option(
                "--native-code", simulate_with.native,
                "auto: compile population groups (--backend float) or the cores' neuron "
                "programs (--backend fixed) with the system C++ compiler when the run is long "
                "enough; always; never")
            ->check(CLI::IsMember({"auto", "always", "never"}))
            ->capture_default_str();
        simulate->add_option("--threads", simulate_with.threads_text,
                             "with --backend fixed: threads that step the cores, the results the "
                             "same on any number (default: this machine's hardware threads, " +
                                 std::to_string(sf::cli::machine_threads()) + ")");
        simulate->add_flag("--reference-order", simulate_with.reference_order,
                           "advance instances one at a time in the reference simulator's order and "
                           "keep every synapse separate (same results, slower)");
        simulate
            ->add_option("--time", simulate_with.time,
                         "accumulated: time is a running sum of dt, as the reference simulator "
                         "keeps it; steps: time is step number x dt, as the fixed backend's cores "
                         "count it (the only choice with --backend fixed)")
            ->check(CLI::IsMember({"accumulated", "steps"}))
            ->capture_default_str();
        add_quiet_flag(*simulate, simulate_with.quiet);
    }

    static void add_quiet_flag(CLI::App& command, bool& quiet) {
        command.add_flag("-q,--quiet", quiet,
                         "no progress line on a terminal (it shows only when standard error is "
                         "one, and only for jobs longer than half a second)");
    }

    void add_image_commands(CLI::App& app) {
        map = app.add_subcommand("map", "map a model onto a board and write its board image");
        map->add_option("file", map_model, "LEMS file with a <Simulation> and a <Target>")
            ->required()
            ->check(CLI::ExistingFile);
        map->add_option("-o,--out", map_output, "the board image to write")->required();
        map->add_option("--threads", map_threads,
                        "threads that index the connections and build the cores' synaptic "
                        "matrices, the image the same on any number (default: this machine's "
                        "hardware threads, " +
                            std::to_string(sf::cli::machine_threads()) + ")");
        map_args.add_to(*map);
        add_report_option(*map, map_report, "how the model was mapped");
        map_includes.add_search_options_to(*map);
        add_quiet_flag(*map, map_quiet);

        inspect = app.add_subcommand("inspect", "check a board image and summarise what it holds");
        inspect->add_option("image", inspect_image, "board image (.sfimg)")
            ->required()
            ->check(CLI::ExistingFile);

        run = app.add_subcommand("run",
                                 "run a board image, or a model mapped onto a board on the fly "
                                 "(started as `mpirun -np N spikeforge run`, the functional "
                                 "target's chips are spread over N processes)");
        run->add_option("input", run_input, "board image (.sfimg) or LEMS file")
            ->required()
            ->check(CLI::ExistingFile);
        run->add_option("--target", run_target,
                        "functional|systemc|rtl: the multi-chip functional emulator; the timed "
                        "board model (docs/timing.md), which also reports how long each part of "
                        "the board is busy; or every core and router as Verilated RTL "
                        "(docs/rtl.md)")
            ->capture_default_str();
        run->add_option("-o,--out", run_out,
                        "folder for output files (default: the current folder for an image, "
                        "beside the LEMS file for a model)");
        run->add_option("--threads", run_threads,
                        "with --target functional: threads that step the cores, the results the "
                        "same on any number (default: this machine's hardware threads, " +
                            std::to_string(sf::cli::machine_threads()) +
                            "; under mpirun, shared among the ranks on this machine)");
        run->add_option("--native-code", run_native,
                        "with --target functional: auto: run the cores' neuron programs as machine "
                        "code from the system C++ compiler when the run is long enough; always; "
                        "never (the firmware kernel's op loop)")
            ->check(CLI::IsMember({"auto", "always", "never"}))
            ->capture_default_str();
        run_args.add_to(*run);
        add_report_option(*run, run_report, "the run's counters and the files it wrote");
        run_includes.add_search_options_to(*run);
        add_remote_options(*run);
        add_timed_options(*run);
        add_quiet_flag(*run, run_quiet);
    }

    // The systemc target's options; --board (from the mapping options) is the board whose
    // timing it uses, by default the one the image names.
    void add_timed_options(CLI::App& command) {
        command.add_option("--trace", run_timed.trace_file,
                           "with --target systemc: write the model's signals to this VCD file");
        command.add_option("--trace-signals", run_timed.trace_signals,
                           "with --trace: the signals to record, comma-separated names or "
                           "patterns with * (default board.*,*.router.*); 'list' prints every "
                           "signal name and exits");
        command.add_flag("--real-time-check", run_timed.real_time_check,
                         "with --target systemc: say whether the network runs in real time on "
                         "the board and, if not, what must change");
        command.add_option(
            "--rtl-cores", run_timed.rtl_cores,
            "with --target systemc: run these cores as Verilated RTL in the model "
            "instead of the kernel: 'all', or core numbers and ranges such as 0,3-5");
    }

    void add_remote_options(CLI::App& command) {
        command.add_option("--url", run_remote.url,
                           "run on the board or server at this address instead: "
                           "udp://HOST:PORT, usb://VID:PID[/SERIAL], emu://functional, "
                           "emu://systemc or emu://rtl");
        command.add_option("--live-input", run_remote.live_inputs,
                           "a population of spike sources the host feeds at every step (with "
                           "--url; without a program of yours it gets no spikes)");
        command.add_option("--live-output", run_remote.live_outputs,
                           "a population whose spikes come back at every step (with --url)");
        command.add_flag("--take-over", run_remote.take_over,
                         "replace the session of a host that left the board without closing it");
        command.add_flag("--realtime", run_remote.realtime,
                         "run freely at the board's pace instead of step by step (with --url)");
    }

    // The parsed subcommand's job.
    int dispatch() const {
        if (validate->parsed()) {
            return run_validate(validate_args);
        }
        if (info->parsed()) {
            return run_info(info_args);
        }
        if (simulate->parsed()) {
            simulate_choices choices = simulate_with;
            choices.threads_given = simulate->count("--threads") > 0;
            choices.time_given = simulate->count("--time") > 0;
            return run_simulate(simulate_args, out_dir, simulate_compile, choices);
        }
        if (compile->parsed()) {
            return run_compile(compile_model, compile_args, asm_dir, compile_report);
        }
        if (map->parsed()) {
            sf::cli::image_job job = job_of(map_args, map_includes);
            job.report_file = map_report;
            sf::cli::thread_count threads;
            if (!read_threads("map", map_threads, *map, threads)) {
                return exit_bad_input;
            }
            job.options.threads = threads.threads;
            sf::cli::progress_line progress(std::cerr,
                                            sf::cli::progress_line::wanted_on_stderr(map_quiet));
            job.options.progress = progress.callback();
            return sf::cli::map_command(map_model, map_output, job);
        }
        if (inspect->parsed()) {
            return sf::cli::inspect_command(inspect_image);
        }
        if (serve->parsed()) {
            return sf::cli::serve_command(serve_args);
        }
        if (plot->parsed()) {
            return sf::cli::plot_command(plot_args);
        }
        if (compare->parsed()) {
            return sf::cli::compare_command(compare_args);
        }
        if (run->parsed()) {
            sf::cli::image_job job = job_of(run_args, run_includes);
            job.board_given = run->count("--board") > 0;
            job.report_file = run_report;
            job.native_code = run_native;
            sf::cli::thread_count threads;
            if (!read_threads("run", run_threads, *run, threads)) {
                return exit_bad_input;
            }
            sf::cli::progress_line progress(std::cerr,
                                            sf::cli::progress_line::wanted_on_stderr(run_quiet));
            job.options.progress = progress.callback();
            return run_image(job, threads);
        }
        return exit_bad_input;
    }

    // `command`'s --threads into `threads`; false, after saying what is wrong, when it is wrong.
    static bool read_threads(const std::string& command, const std::string& text,
                             const CLI::App& app, sf::cli::thread_count& threads) {
        const std::string wrong =
            sf::cli::read_thread_count(text, app.count("--threads") > 0, threads);
        if (!wrong.empty()) {
            std::cerr << "spikeforge " << command << ": " << wrong << "\n";
        }
        return wrong.empty();
    }

    // In one process, or as one rank of several when mpirun started this one.
    int run_image(sf::cli::image_job job, sf::cli::thread_count threads) const {
        const sf::cli::rank_launch launch = sf::cli::launch_from_environment();
        switch (sf::cli::mode_of(launch, sf::cli::built_with_mpi())) {
        case sf::cli::rank_mode::refused:
            std::cerr << "spikeforge run: " << sf::cli::without_mpi_problem(launch) << "\n";
            return exit_bad_input;
        case sf::cli::rank_mode::mpi:
            if (!threads.given) {
                threads.threads = sf::cli::threads_per_rank(sf::cli::machine_threads(), launch);
            }
            job.options.threads = threads.threads;
            return sf::cli::run_as_rank([&](sf::emulator::spike_exchange& ranks) {
                return sf::cli::run_command(run_input, run_target, run_out, job, run_remote,
                                            run_timed, threads, &ranks);
            });
        case sf::cli::rank_mode::one_process: break;
        }
        job.options.threads = threads.threads; // a model given is mapped on the run's threads
        return sf::cli::run_command(run_input, run_target, run_out, job, run_remote, run_timed,
                                    threads);
    }

    static sf::cli::image_job job_of(const compile_arguments& c, const model_arguments& m) {
        sf::cli::image_job job;
        job.include_paths = m.include_paths;
        job.builtin_core_types = !m.no_builtin_core_types;
        job.board = c.board;
        job.options.quantise = c.options();
        return job;
    }
};

// A first word that names no command is refused with the list of commands.
bool known_command(int argc, char** argv, CLI::App& app) {
    if (argc <= 1 || argv[1][0] == '-') {
        return true;
    }
    const std::string command = argv[1];
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        known = known || sub->get_name() == command;
        names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known && !sf::cli::quiet_rank(sf::cli::launch_from_environment())) {
        std::cerr << "spikeforge: unknown command '" << command << "' (commands: " << names
                  << ")\n";
    }
    return known;
}

// Runs a job, turning the errors a user can cause into messages and exit codes.
template <class Job>
int reporting_errors(Job&& job) {
    try {
        return job();
    } catch (const sf::lems::parse_error& e) {
        std::cerr << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::mapper::board_error& e) {
        std::cerr << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::mapper::compile_error& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::mapper::image_file_error& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::emulator::native_code_error& e) {
        std::cerr << "spikeforge: --native-code always: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::error& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_failed;
    } catch (const std::exception& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_failed;
    }
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"spikeforge: NeuroML2/LEMS networks on neuromorphic hardware"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "spikeforge 0.1.0");
    app.footer("Exit status: 0 success, 1 the job failed, 2 bad input or usage, 3 a bug in "
               "spikeforge (an internal error; please report it).");
    sf::cli::register_emulator_links();
    commands all;
    all.add_to(app);
    if (!known_command(argc, argv, app)) {
        return exit_bad_input;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Under mpirun every rank parses the same command line: rank 0 alone says what is wrong.
        std::ostream silent(nullptr);
        const bool quiet = sf::cli::quiet_rank(sf::cli::launch_from_environment());
        const int code = quiet ? app.exit(e, silent, silent) : app.exit(e);
        return code == 0 ? exit_ok : exit_bad_input;
    }
    return reporting_errors([&] { return all.dispatch(); });
}
