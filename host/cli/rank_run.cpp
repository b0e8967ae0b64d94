#include <chrono>
#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/native_code.hpp>

#include "rank_run.hpp"
#include "run_output.hpp"

namespace sf::cli {
namespace fs = std::filesystem;

namespace {

constexpr int exit_bad_input = 2;

// Creating a file in the folder is the one test that also covers permissions; it is removed at
// once. Found before the run, so that no rank runs for nothing.
std::string check_out_dir(const fs::path& out_dir) {
    std::error_code ec;
    fs::create_directories(out_dir, ec);
    const fs::path probe = out_dir / ".spikeforge-write-test";
    std::FILE* file = ec ? nullptr : std::fopen(probe.c_str(), "wb");
    if (file == nullptr) {
        return "cannot write into the output folder " + out_dir.string() + ": " +
               (ec ? ec.message() : std::string(std::strerror(errno)));
    }
    std::fclose(file);
    fs::remove(probe, ec);
    return {};
}

// Collective: how the chips and the spikes were shared among the ranks.
rank_facts share_facts(const emulator::functional_emulator& board,
                       emulator::spike_exchange& ranks) {
    rank_facts facts;
    facts.ranks = ranks.ranks();
    const emulator::chip_partition& p = board.partition();
    std::vector<std::uint64_t> values(ranks.ranks() + 2, 0);
    for (std::size_t c = 0; c < board.core_count(); ++c) {
        values[ranks.rank()] += board.local(c) ? 1 : 0;
    }
    const auto* lockstep = dynamic_cast<const emulator::lockstep_board*>(board.board());
    const emulator::exchange_counters exchanged =
        lockstep != nullptr ? lockstep->exchanged() : emulator::exchange_counters{};
    values[ranks.ranks()] = exchanged.sent;
    values[ranks.ranks() + 1] = exchanged.kept;
    ranks.sum(values);
    for (std::size_t r = 0; r < ranks.ranks(); ++r) {
        facts.chips.push_back(p.chips_of(r));
        facts.cores.push_back(values[r]);
    }
    const double steps = board.steps() > 0 ? static_cast<double>(board.steps()) : 1.0;
    facts.spikes_per_step = static_cast<double>(exchanged.exchanged) / steps;
    facts.bytes_per_step = facts.spikes_per_step * static_cast<double>(sizeof(emulator::spike));
    const std::uint64_t sent = values[ranks.ranks()];
    facts.kept_percent = sent > 0 ? 100.0 * static_cast<double>(values[ranks.ranks() + 1]) /
                                        static_cast<double>(sent)
                                  : 100.0;
    return facts;
}

std::string per_rank(const std::vector<std::size_t>& counts) {
    std::string text;
    for (const std::size_t n : counts) {
        text += (text.empty() ? "" : "/") + std::to_string(n);
    }
    return text;
}

void print_share(const rank_facts& f) {
    std::cout << "MPI: " << f.ranks << " ranks; chips per rank " << per_rank(f.chips)
              << "; cores per rank " << per_rank(f.cores) << "; spikes exchanged per step: mean "
              << f.spikes_per_step << " (" << f.bytes_per_step
              << " bytes); spikes whose packets stay inside their rank: " << f.kept_percent
              << " %\n";
}

// Rank 0's part at the end: the files, the text report and the JSON report.
int report_run(const emulator::functional_emulator& board, run_facts& facts,
               const fs::path& out_dir, const std::string& report_file) {
    try {
        facts.written = write_outputs(board, out_dir);
    } catch (const std::exception& e) {
        std::cerr << "spikeforge run: " << e.what() << "\n";
        return exit_bad_input;
    }
    print_run(board, facts.input, "functional emulator", facts.seconds, facts.threads,
              facts.written);
    print_share(*facts.ranks);
    std::cout << "neuron programs (rank 0's cores): " << facts.native_code->describe() << "\n";
    const int status = board.counters().cores.program_faults > 0 ? 1 : 0;
    return write_run_report(board, facts, report_file, status);
}

// Collective: every rank ends with rank 0's exit code.
int agreed_status(emulator::spike_exchange& ranks, int status) {
    std::vector<std::uint64_t> value{ranks.rank() == 0 ? static_cast<std::uint64_t>(status) : 0};
    ranks.sum(value);
    return static_cast<int>(value[0]);
}

} // namespace

std::string first_problem(emulator::spike_exchange& ranks, const std::string& local) {
    std::vector<std::uint64_t> failed{local.empty() ? 0u : 1u};
    ranks.sum(failed);
    if (failed[0] == 0) {
        return {};
    }
    std::vector<std::uint32_t> words(local.begin(), local.end());
    const std::vector<std::vector<std::uint32_t>> all = ranks.gather(words);
    for (const auto& text : all) {
        if (!text.empty()) {
            return std::string(text.begin(), text.end());
        }
    }
    return "a problem on another rank";
}

int run_on_ranks(mapper::image_in_memory&& image, const std::string& name, const fs::path& out_dir,
                 std::size_t threads, const std::string& native_code,
                 const std::string& report_file, emulator::spike_exchange& ranks) {
    using clock = std::chrono::steady_clock;
    emulator::native_choice choice = emulator::native_choice::automatic;
    emulator::read_native_choice(native_code, choice);
    emulator::native_outcome native;
    emulator::functional_emulator board(
        image.words, image.count, std::move(image.owner),
        emulator::with_native_code(emulator::lockstep_board_maker(threads), choice, native), ranks);
    std::string problem = board.ready() ? std::string() : name + ": " + board.problem();
    if (problem.empty() && ranks.rank() == 0) {
        problem = check_out_dir(out_dir);
    }
    problem = first_problem(ranks, problem);
    if (!problem.empty()) {
        if (ranks.rank() == 0) {
            std::cerr << "spikeforge run: " << problem << "\n";
        }
        return exit_bad_input;
    }
    const auto started = clock::now();
    board.run(board.steps());
    board.gather_ranks();
    run_facts facts;
    facts.input = name;
    facts.target = "functional";
    facts.seconds = std::chrono::duration<double>(clock::now() - started).count();
    const auto* lockstep = dynamic_cast<const emulator::lockstep_board*>(board.board());
    facts.threads = lockstep != nullptr ? lockstep->threads() : 1;
    facts.ranks = share_facts(board, ranks);
    facts.native_code = native;
    const int status = ranks.rank() == 0 ? report_run(board, facts, out_dir, report_file) : 0;
    return agreed_status(ranks, status);
}

} // namespace sf::cli
