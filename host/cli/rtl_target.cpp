#include <sf/emulator/rtl_board.hpp>

#include "rtl_target.hpp"

namespace sf::cli {

namespace {

// A whole number from `text`; false when it is not one.
bool read_number(const std::string& text, std::size_t& number) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != text.npos) {
        return false;
    }
    number = std::stoul(text);
    return true;
}

std::string trimmed(const std::string& text) {
    const std::size_t first = text.find_first_not_of(' ');
    const std::size_t last = text.find_last_not_of(' ');
    return first == text.npos ? std::string() : text.substr(first, last - first + 1);
}

// One item of the list: a core or a range of cores.
bool choose(const std::string& item, std::size_t count, std::vector<bool>& chosen,
            std::string& problem) {
    const std::size_t dash = item.find('-');
    std::size_t first = 0;
    std::size_t last = 0;
    const bool read = dash == item.npos ? read_number(item, first) && read_number(item, last)
                                        : read_number(trimmed(item.substr(0, dash)), first) &&
                                              read_number(trimmed(item.substr(dash + 1)), last);
    if (!read || last < first) {
        problem = "--rtl-cores: '" + item +
                  "' is not a core number or a range FIRST-LAST (expected 'all' or a list such "
                  "as 0,3-5)";
        return false;
    }
    if (last >= count) {
        problem = "--rtl-cores: core " + std::to_string(last) + " is beyond the image's " +
                  std::to_string(count) + " cores (0-" + std::to_string(count - 1) + ")";
        return false;
    }
    for (std::size_t c = first; c <= last; ++c) {
        chosen[c] = true;
    }
    return true;
}

// The RTL core runs neuron programs; on a board whose neurons are analog it has no cycle budget.
bool runs_programs(const mapper::board& board, std::string& problem) {
    if (board.timing.analog_neurons) {
        problem = "board " + board.name +
                  " has analog neurons: the RTL core runs neuron programs, so it cannot stand in "
                  "for them";
        return false;
    }
    return true;
}

} // namespace

bool parse_core_list(const std::string& text, std::size_t count, std::vector<bool>& chosen,
                     std::string& problem) {
    chosen.assign(count, trimmed(text) == "all");
    if (trimmed(text) == "all") {
        return true;
    }
    std::size_t from = 0;
    while (from <= text.size()) {
        const std::size_t comma = std::min(text.find(',', from), text.size());
        if (!choose(trimmed(text.substr(from, comma - from)), count, chosen, problem)) {
            return false;
        }
        from = comma + 1;
    }
    return true;
}

bool use_rtl_cores(const std::string& list, const mapper::board& board,
                   emulator::board_parts& parts, std::string& problem) {
    std::vector<bool> chosen;
    return parse_core_list(list, parts.cores.size(), chosen, problem) &&
           runs_programs(board, problem) &&
           emulator::use_rtl_cores(parts, board.timing, chosen, problem);
}

emulator::board_maker rtl_target_maker(timed_target_options options) {
    return [options = std::move(options)](emulator::board_parts& parts, std::string& problem) {
        const std::string named(parts.machine.board, parts.machine.board_length);
        mapper::board board;
        if (!resolve_board(options, named, board, problem) || !runs_programs(board, problem)) {
            return std::unique_ptr<emulator::board_stepper>();
        }
        return emulator::rtl_board_maker(board.timing)(parts, problem);
    };
}

} // namespace sf::cli
