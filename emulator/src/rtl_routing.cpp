#include <sf/emulator/rtl_routing.hpp>
#include <sf/firmware/assert.hpp>
#include <sf/firmware/image_format.hpp>

namespace sf::emulator {
namespace image = firmware::image;

namespace {

std::string chip_name(const image::chip_view& chip) {
    return "chip (" + std::to_string(chip.x) + ", " + std::to_string(chip.y) + ")";
}

// What keeps a chip's table out of the Verilated router; empty when it fits.
std::string misfit(const image::chip_view& chip) {
    if (chip.entries > rtl_router::entries) {
        return chip_name(chip) + ": " + std::to_string(chip.entries) +
               " routing entries, the RTL router holds " + std::to_string(rtl_router::entries);
    }
    const std::uint32_t served = image::route_to_core(rtl_router::cores) - 1;
    for (std::uint32_t e = 0; e < chip.entries; ++e) {
        const std::uint32_t route = chip.routes[3 * e + 2];
        if ((route & ~served) != 0) {
            return chip_name(chip) + ": routing entry " + std::to_string(e) +
                   " sends to an application core above " + std::to_string(rtl_router::cores - 1) +
                   ", the last the RTL router serves";
        }
    }
    return {};
}

} // namespace

std::unique_ptr<rtl_routing> rtl_routing::load(const chip_network& network, std::string& problem) {
    std::unique_ptr<rtl_routing> routing(new rtl_routing());
    for (std::size_t c = 0; c < network.chip_count(); ++c) {
        const image::chip_view& chip = network.chip(c);
        problem = misfit(chip);
        if (!problem.empty()) {
            return nullptr;
        }
        auto router = std::make_unique<rtl_router>();
        for (std::uint32_t e = 0; e < chip.entries; ++e) {
            const std::uint32_t* entry = chip.routes + 3 * e;
            router->write_entry(e, entry[0], entry[1], entry[2]);
        }
        router->set_entries(chip.entries);
        routing->routers_.push_back(std::move(router));
    }
    return routing;
}

route_decision rtl_routing::decide(std::size_t chip, std::uint32_t key, int arrived_from) {
    rtl_router& router = *routers_[chip];
    const rtl_router_counters before = router.counters();
    router.offer(key,
                 arrived_from == chip_network::from_core ? rtl_router::from_cores
                                                         : static_cast<unsigned>(arrived_from),
                 0);
    const rtl_router_cycle entered = router.tick();
    SF_ASSERT(entered.accepted);
    const rtl_router_counters after = router.counters();
    route_decision decided;
    if (after.dropped_unmatched != before.dropped_unmatched) {
        cycles_ += 1;
        return decided; // dropped: it takes no output stage
    }
    const rtl_router_cycle left = router.tick();
    cycles_ += 2;
    SF_ASSERT((left.links == 0 && left.cores == 0) || left.key == key);
    decided.by = after.default_routed != before.default_routed ? route_decision::how::default_route
                                                               : route_decision::how::matched;
    decided.route = left.links | left.cores << image::link_count;
    return decided;
}

bool use_rtl_routers(board_parts& parts, std::string& problem) {
    std::unique_ptr<rtl_routing> routing = rtl_routing::load(*parts.network, problem);
    if (routing == nullptr) {
        return false;
    }
    parts.network->use_lookup(std::move(routing));
    return true;
}

} // namespace sf::emulator
