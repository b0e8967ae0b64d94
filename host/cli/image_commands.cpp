#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/native_code.hpp>
#include <sf/firmware/image.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/image_file.hpp>

#include "image_commands.hpp"
#include "json_report_file.hpp"
#include "map_report.hpp"
#include "rank_run.hpp"
#include "rtl_target.hpp"
#include "run_output.hpp"
#include "run_report.hpp"
#include "timed_target.hpp"

namespace sf::cli {
namespace fs = std::filesystem;
namespace image = firmware::image;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;

lems::model load(const std::string& file, const image_job& job) {
    lems::load_options options;
    for (const auto& path : job.include_paths) {
        options.include_paths.emplace_back(path);
    }
    options.builtin_core_types = job.builtin_core_types;
    return lems::load_model({fs::path(file)}, options);
}

// The model mapped, its output paths relative to the Simulation's own folder.
mapper::mapped_network map_model(const std::string& file, const image_job& job) {
    lems::report_progress(job.options.progress, "reading");
    const lems::model model = load(file, job);
    const mapper::board machine = mapper::find_board(job.board);
    lems::flatten_options flat;
    flat.output_dir = ".";
    lems::report_progress(job.options.progress, "flattening");
    return mapper::map_network(lems::flatten(model, flat), machine, job.options);
}

bool is_image(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::uint32_t word = 0;
    in.read(reinterpret_cast<char*>(&word), sizeof word);
    return in && word == image::magic;
}

std::string refusal(const std::string& file, const image::check_result& r) {
    static const char* kinds[] = {"header", "machine", "chip", "core", "recording", "report"};
    const bool header = r.offset < image::header_words;
    const char* kind =
        header ? kinds[0] : (r.kind >= 1 && r.kind <= 5 ? kinds[r.kind] : "unknown kind");
    return file + ": word " + std::to_string(r.offset) + ", section " + std::to_string(r.section) +
           " (" + kind +
           (r.kind == 2 || r.kind == 3 ? " " + std::to_string(r.index) : std::string()) +
           "): " + image::describe(r.what) +
           (r.field[0] != '\0' ? std::string(" (") + r.field + ")" : std::string());
}

// The systemc or rtl target's run: its options, and the board given on the command line (empty:
// the image's own).
struct timed_run {
    const timed_run_options& options;
    std::string board;
    bool rtl = false; // every core and router Verilated, stepped untimed

    bool list_signals() const { return options.trace_signals == "list"; }
};

std::vector<std::string> split_signals(const std::string& list);

// What steps the cores: the timed model for the systemc target, the Verilated board for the rtl
// target, the kernels in lockstep on `threads` otherwise.
emulator::board_maker maker_of(const timed_run* timed, std::size_t threads,
                               timed_target_made& made) {
    if (timed == nullptr) {
        return emulator::lockstep_board_maker(threads);
    }
    timed_target_options options;
    options.board = timed->board;
    options.not_found_hint = " (give the board with --board NAME|FILE)";
    if (timed->rtl) {
        return rtl_target_maker(std::move(options));
    }
    options.rtl_cores = timed->options.rtl_cores;
    options.trace_file = timed->options.trace_file;
    if (!timed->list_signals()) {
        options.trace_signals = split_signals(timed->options.trace_signals);
    }
    return timed_target_maker(std::move(options), &made);
}

int run_emulator(mapper::image_in_memory&& image, const std::string& name, const fs::path& out_dir,
                 const timed_run* timed, std::size_t threads, const image_job& job) {
    using clock = std::chrono::steady_clock;
    const std::string& report_file = job.report_file;
    const lems::progress_callback& progress = job.options.progress;
    timed_target_made made;
    emulator::board_maker make = maker_of(timed, threads, made);
    emulator::native_outcome native;
    if (timed == nullptr) { // only the functional target's cores are kernels
        emulator::native_choice choice = emulator::native_choice::automatic;
        emulator::read_native_choice(job.native_code, choice);
        make = emulator::with_native_code(std::move(make), choice, native);
    }
    emulator::functional_emulator board(image.words, image.count, std::move(image.owner),
                                        std::move(make));
    if (!board.ready()) {
        std::cerr << "spikeforge run: " << name << ": " << board.problem() << "\n";
        return exit_bad_input;
    }
    const bool timed_model = timed != nullptr && !timed->rtl;
    if (timed_model) {
        for (const std::string& warning : made.board->warnings()) {
            std::cerr << "warning: " << warning << "\n";
        }
        if (timed->list_signals()) {
            for (const std::string& signal : made.board->signal_names()) {
                std::cout << signal << "\n";
            }
            return exit_ok;
        }
    }
    const auto started = clock::now();
    board.run(board.steps(), [&](std::uint64_t done, std::uint64_t total) {
        lems::report_progress(progress, "running", done, total, "steps");
    });
    lems::report_finished(progress);
    run_facts facts;
    facts.input = name;
    facts.target = timed_model ? "systemc" : timed != nullptr ? "rtl" : "functional";
    facts.seconds = std::chrono::duration<double>(clock::now() - started).count();
    const auto* lockstep = dynamic_cast<const emulator::lockstep_board*>(board.board());
    facts.threads = lockstep != nullptr ? lockstep->threads() : 1;
    facts.written = write_outputs(board, out_dir);
    print_run(board, name,
              timed_model        ? "timed board model"
              : timed != nullptr ? "Verilated RTL"
                                 : "functional emulator",
              facts.seconds, facts.threads, facts.written);
    if (timed == nullptr) {
        facts.native_code = native;
        std::cout << "neuron programs: " << native.describe() << "\n";
    }
    if (timed_model) {
        facts.timing = made.board->report();
        emulator::write_report(std::cout, *facts.timing);
        if (timed->options.real_time_check) {
            facts.real_time_verdict = emulator::real_time_verdict(*facts.timing);
            std::cout << made.board_name << ": " << facts.real_time_verdict << "\n";
        }
    }
    const int status = board.counters().cores.program_faults > 0 ? exit_failed : exit_ok;
    return write_run_report(board, facts, report_file, status);
}

std::vector<std::string> split_signals(const std::string& list) {
    std::vector<std::string> names;
    std::size_t from = 0;
    while (from <= list.size()) {
        const std::size_t comma = std::min(list.find(',', from), list.size());
        const std::size_t first = list.find_first_not_of(' ', from);
        const std::size_t last = list.find_last_not_of(' ', comma - 1);
        if (first < comma && last != std::string::npos && last >= first) {
            names.push_back(list.substr(first, last - first + 1));
        }
        from = comma + 1;
    }
    return names;
}

// --threads steps the functional target's cores in this process: the other targets and a board
// by URL run as they are made to.
std::string check_threads(const std::string& target, const std::string& url,
                          const thread_count& threads) {
    if (!threads.given || threads.threads == 1) {
        return {};
    }
    if (!url.empty()) {
        return "--threads chooses how many threads step the cores in this process: it does not go "
               "with --url";
    }
    if (target != "functional") {
        return "--target " + target + " runs on one thread: --threads " +
               std::to_string(threads.threads) +
               " is for --target functional (give --threads 1 or leave it out)";
    }
    return {};
}

// What is wrong with the run's options for `target`; empty when nothing.
std::string check_target_options(const std::string& input, const std::string& target,
                                 const image_job& job, const std::string& url,
                                 const timed_run_options& timed) {
    const bool timed_options = !timed.trace_file.empty() || !timed.trace_signals.empty() ||
                               timed.real_time_check || !timed.rtl_cores.empty();
    if (target != "functional" && target != "systemc" && target != "rtl") {
        return "unknown target '" + target + "' (available: functional, systemc, rtl)";
    }
    if (target != "systemc" && timed_options) {
        return std::string("--trace, --trace-signals, --real-time-check and --rtl-cores choose "
                           "how --target systemc runs: they do not go with ") +
               (url.empty() ? "--target " + target : "--url");
    }
    if (target == "functional" && job.board_given && is_image(input)) {
        return std::string("--board for an image chooses the board whose timing --target systemc "
                           "or rtl uses: it does not go with ") +
               (url.empty() ? "--target functional" : "--url");
    }
    if (target != "functional" && !url.empty()) {
        return "--target " + target + " runs in this process: for a server of it, use " +
               "`spikeforge serve --target " + target + "` or --url emu://" + target;
    }
    if (!timed.trace_signals.empty() && timed.trace_signals != "list" && timed.trace_file.empty()) {
        return "--trace-signals chooses what --trace records: give --trace FILE.vcd";
    }
    return {};
}

// What stops --report: a run that is not in this process, one that runs nothing, or a path that
// cannot be written; empty when nothing (or no report is asked for).
std::string check_report(const std::string& report_file, const std::string& url,
                         const timed_run_options& timed) {
    if (report_file.empty()) {
        return {};
    }
    if (!url.empty()) {
        return "--report writes the counters of a run in this process: it does not go with --url";
    }
    if (timed.trace_signals == "list") {
        return "--trace-signals list prints the signal names and runs nothing: it does not go "
               "with --report";
    }
    return json_report_file(report_file).problem();
}

} // namespace

int map_command(const std::string& model_file, const std::string& image_file,
                const image_job& job) {
    const json_report_file report(job.report_file);
    if (const std::string wrong = report.problem(); !wrong.empty()) {
        std::cerr << "spikeforge map: " << wrong << "\n";
        return exit_bad_input;
    }
    const mapper::mapped_network mapped = map_model(model_file, job);
    lems::report_progress(job.options.progress, "writing");
    const std::vector<std::uint32_t> words = mapper::encode_image(mapped);
    mapper::save_image(image_file, words);
    lems::report_finished(job.options.progress);
    std::cout << mapped.summary() << "wrote " << image_file << " (" << words.size() * 4
              << " bytes)\n";
    if (const std::string wrong =
            report.write(map_report_json(mapped, image_file, words.size() * 4));
        !wrong.empty()) {
        std::cerr << "spikeforge map: " << wrong << "\n";
        return exit_bad_input;
    }
    return exit_ok;
}

int inspect_command(const std::string& image_file) {
    const std::vector<std::uint32_t> words = mapper::load_image(image_file);
    const image::check_result checked = image::check_image(words.data(), words.size());
    if (!checked) {
        std::cerr << "spikeforge inspect: " << refusal(image_file, checked) << "\n";
        return exit_bad_input;
    }
    image::sections walk(words.data(), words.size());
    image::section_view s;
    std::uint64_t neurons = 0;
    std::uint64_t synapses = 0;
    std::uint64_t entries = 0;
    std::size_t cores = 0;
    std::size_t chips = 0;
    std::string report;
    while (walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        if (s.kind == image::section_kind::machine) {
            image::machine_view m;
            image::read_machine(c, m);
            std::cout << image_file << ": board " << std::string(m.board, m.board_length) << " ("
                      << m.width << " x " << m.height << " chips), time step " << m.dt * 1e3
                      << " ms, " << m.steps << " steps\n";
        } else if (s.kind == image::section_kind::chip) {
            image::chip_view chip;
            image::read_chip(c, chip);
            ++chips;
            entries += chip.entries;
        } else if (s.kind == image::section_kind::core) {
            image::core_view core;
            image::read_core(c, core);
            ++cores;
            neurons += core.neurons;
            synapses += core.synaptic_words;
        } else if (s.kind == image::section_kind::report) {
            std::uint32_t length = 0;
            const char* text = c.text(length, "report");
            report.assign(text, length);
        }
    }
    std::cout << cores << " cores, " << neurons << " neurons, " << synapses << " synapses, "
              << chips << " chips, " << entries << " routing entries, " << words.size() * 4
              << " bytes; every section's checksum holds\n";
    if (!report.empty()) {
        std::cout << "\nas mapped:\n" << report;
    }
    return exit_ok;
}

int run_command(const std::string& input, const std::string& target, const std::string& out_dir,
                const image_job& job, remote_run_options remote, const timed_run_options& timed,
                const thread_count& threads, emulator::spike_exchange* ranks) {
    if (ranks != nullptr && (target != "functional" || !remote.url.empty())) {
        std::cerr << "spikeforge run: runs over MPI ranks (mpirun -np N) are for the functional "
                     "target; "
                  << (remote.url.empty() ? "--target " + target : std::string("--url"))
                  << " runs in one process: start it without mpirun\n";
        return exit_bad_input;
    }
    const bool wants_board = !remote.live_inputs.empty() || !remote.live_outputs.empty() ||
                             remote.realtime || remote.take_over;
    if (remote.url.empty() && wants_board) {
        std::cerr << "spikeforge run: --live-input, --live-output, --realtime and --take-over "
                     "talk to a board: give its --url (udp://HOST:PORT, usb://VID:PID, "
                     "emu://functional, emu://systemc, emu://rtl)\n";
        return exit_bad_input;
    }
    std::string wrong = check_target_options(input, target, job, remote.url, timed);
    if (wrong.empty()) {
        wrong = check_threads(target, remote.url, threads);
    }
    if (wrong.empty()) {
        wrong = check_report(job.report_file, remote.url, timed);
    }
    if (wrong.empty() && job.native_code == "always" &&
        (target != "functional" || !remote.url.empty())) {
        wrong = "--native-code always compiles the functional target's neuron programs in this "
                "process: it does not go with " +
                (remote.url.empty() ? "--target " + target : std::string("--url"));
    }
    if (!wrong.empty()) {
        std::cerr << "spikeforge run: " << wrong << "\n";
        return exit_bad_input;
    }
    if (!remote.url.empty()) {
        remote.image_file = input;
        remote.out_dir = out_dir.empty() ? "." : out_dir;
        if (!is_image(input)) {
            remote.image_words = mapper::encode_image(map_model(input, job));
            lems::report_finished(job.options.progress);
            const fs::path beside = fs::path(input).parent_path();
            remote.out_dir = !out_dir.empty() ? out_dir : beside.empty() ? "." : beside.string();
        }
        return remote_run(remote);
    }
    const timed_run board_run{timed, job.board_given ? job.board : std::string(), target == "rtl"};
    const timed_run* how = target == "functional" ? nullptr : &board_run;
    mapper::image_in_memory image;
    fs::path folder = out_dir;
    if (is_image(input)) {
        image = mapper::map_image(input);
    } else {
        // A model: mapped on the fly, its outputs beside it unless -o says otherwise.
        image = mapper::hold_image(mapper::encode_image(map_model(input, job)));
        lems::report_finished(job.options.progress);
        folder = out_dir.empty() ? fs::path(input).parent_path() : fs::path(out_dir);
    }
    folder = folder.empty() ? fs::path(".") : folder;
    if (ranks != nullptr) {
        return run_on_ranks(std::move(image), input, folder, threads.threads, job.native_code,
                            job.report_file, *ranks);
    }
    return run_emulator(std::move(image), input, folder, how, threads.threads, job);
}

} // namespace sf::cli
