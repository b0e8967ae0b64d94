#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/rtl_router.hpp>

namespace sf::emulator {

// Every chip's route decided by a Verilated router (rtl_router) loaded with the chip's table: the
// chip_network moves the packets between chips and to the cores, the RTL decides where each goes.
// Every output is ready, as on the untimed board, so a packet leaves the cycle after it enters.
class rtl_routing final : public route_lookup {
public:
    // Loads each chip's table into a router of its own; null with `problem` naming the chip when
    // a table does not fit the Verilated router (its entries, or a route to a core it lacks).
    static std::unique_ptr<rtl_routing> load(const chip_network& network, std::string& problem);

    route_decision decide(std::size_t chip, std::uint32_t key, int arrived_from) override;

    // Clock cycles the routers have run, summed over the chips.
    std::uint64_t cycles() const { return cycles_; }

private:
    rtl_routing() = default;

    std::vector<std::unique_ptr<rtl_router>> routers_;
    std::uint64_t cycles_ = 0;
};

// Makes every chip's router a Verilated one; false, with `problem` naming the chip, when a table
// does not fit it.
bool use_rtl_routers(board_parts& parts, std::string& problem);

} // namespace sf::emulator
