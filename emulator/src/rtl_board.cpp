#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/rtl_board.hpp>
#include <sf/emulator/rtl_core.hpp>
#include <sf/emulator/rtl_routing.hpp>

namespace sf::emulator {

namespace {

std::string core_name(std::size_t index, const firmware::image::core_view& section) {
    return "core " + std::to_string(index) + " (chip (" + std::to_string(section.x) + ", " +
           std::to_string(section.y) + "), application core " + std::to_string(section.core) + ")";
}

} // namespace

bool use_rtl_cores(board_parts& parts, const firmware::timing::board_timing& timing,
                   const std::vector<bool>& chosen, std::string& problem) {
    for (std::size_t c = 0; c < parts.cores.size(); ++c) {
        if (!chosen.empty() && (c >= chosen.size() || !chosen[c])) {
            continue;
        }
        auto core = std::make_unique<rtl_core>(parts.core_sections[c], timing);
        if (!core->problem().empty()) {
            problem = core_name(c, parts.core_sections[c]) + ": " + core->problem();
            return false;
        }
        parts.cores[c] = std::move(core);
    }
    return true;
}

board_maker rtl_board_maker(firmware::timing::board_timing timing) {
    return [timing](board_parts& parts, std::string& problem) {
        if (!use_rtl_cores(parts, timing, {}, problem) || !use_rtl_routers(parts, problem)) {
            return std::unique_ptr<board_stepper>();
        }
        return std::unique_ptr<board_stepper>(
            std::make_unique<lockstep_board>(std::move(parts.cores), *parts.network));
    };
}

} // namespace sf::emulator
