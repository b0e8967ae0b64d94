#include <map>

#include <sf/mapper/board_loader.hpp>

#include "rtl_target.hpp"
#include "timed_target.hpp"

namespace sf::cli {

namespace {

// The link rate most available chips have; the model's default when no chip is available.
double usual_link_rate(const mapper::board& board, double fallback) {
    std::map<std::int64_t, int> chips_by_rate;
    for (const mapper::chip& chip : board.chips) {
        if (chip.available) {
            ++chips_by_rate[chip.link_bandwidth];
        }
    }
    std::int64_t usual = 0;
    int most = 0;
    for (const auto& [rate, count] : chips_by_rate) {
        if (count > most) {
            usual = rate;
            most = count;
        }
    }
    return most > 0 ? static_cast<double>(usual) : fallback;
}

std::string grid_text(long width, long height) {
    return std::to_string(width) + " x " + std::to_string(height) + " chips";
}

} // namespace

bool resolve_board(const timed_target_options& options, const std::string& named,
                   mapper::board& board, std::string& problem) {
    try {
        board = mapper::find_board(options.board.empty() ? named : options.board);
    } catch (const mapper::board_error& e) {
        problem = options.board.empty() ? "the image's board '" + named +
                                              "' is not found: " + e.what() + options.not_found_hint
                                        : std::string(e.what());
        return false;
    }
    return true;
}

emulator::timed_board_config timed_config(const mapper::board& board) {
    emulator::timed_board_config config;
    config.timing = board.timing;
    config.speedup = board.speedup;
    config.link_packets_per_second = usual_link_rate(board, config.link_packets_per_second);
    for (const mapper::chip& chip : board.chips) {
        const auto rate = static_cast<double>(chip.link_bandwidth);
        if (chip.available && rate != config.link_packets_per_second) {
            config.link_rates.push_back(
                {static_cast<std::uint32_t>(chip.x), static_cast<std::uint32_t>(chip.y), rate});
        }
    }
    return config;
}

emulator::board_maker timed_target_maker(timed_target_options options, timed_target_made* made) {
    return
        [options = std::move(options), made](emulator::board_parts& parts, std::string& problem) {
            const std::string named(parts.machine.board, parts.machine.board_length);
            mapper::board board;
            if (!resolve_board(options, named, board, problem)) {
                return std::unique_ptr<emulator::board_stepper>();
            }
            const long width = board.grid.width;
            const long height = board.grid.height;
            if (width < parts.machine.width || height < parts.machine.height) {
                problem = "board " + board.name + " is " + grid_text(width, height) +
                          ", smaller than the image's " +
                          grid_text(parts.machine.width, parts.machine.height);
                return std::unique_ptr<emulator::board_stepper>();
            }
            if (!options.rtl_cores.empty() &&
                !use_rtl_cores(options.rtl_cores, board, parts, problem)) {
                return std::unique_ptr<emulator::board_stepper>();
            }
            emulator::timed_board_config config = timed_config(board);
            config.trace_file = options.trace_file;
            config.trace_signals = options.trace_signals;
            emulator::timed_board* built = nullptr;
            auto stepper = emulator::timed_board_maker(std::move(config), &built)(parts, problem);
            if (made != nullptr) {
                made->board = built;
                made->board_name = board.name;
            }
            return stepper;
        };
}

} // namespace sf::cli
