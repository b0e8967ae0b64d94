#include <sf/emulator/chip_network.hpp>
#include <sf/firmware/master_table.hpp>

namespace sf::emulator {
namespace image = firmware::image;

namespace {

constexpr int direction_count = static_cast<int>(image::link_count);
constexpr int dx[direction_count] = {1, 1, 0, -1, -1, 0};
constexpr int dy[direction_count] = {0, 1, 1, 0, -1, -1};

int opposite(int direction) { return (direction + direction_count / 2) % direction_count; }

std::string place(std::uint32_t x, std::uint32_t y) {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ")";
}

} // namespace

chip_network::chip_network(const image::machine_view& machine)
    : chip_at_(static_cast<std::size_t>(machine.width) * machine.height, -1), width_(machine.width),
      height_(machine.height), wraps_(machine.wraps == 1) {}

std::string chip_network::add_chip(const image::chip_view& chip, std::uint32_t index) {
    int& at = chip_at_[chip.y * width_ + chip.x];
    if (at >= 0) {
        return "chips " + std::to_string(at) + " and " + std::to_string(index) + " are both at " +
               place(chip.x, chip.y);
    }
    at = static_cast<int>(chips_.size());
    chip_state state;
    state.view = chip;
    state.cores.assign(image::max_cores_per_chip, -1);
    chips_.push_back(std::move(state));
    return {};
}

std::string chip_network::add_core(const image::core_view& core, std::uint32_t index) {
    const int chip = chip_at_[core.y * width_ + core.x];
    if (chip < 0) {
        return "core " + std::to_string(index) + " is on chip " + place(core.x, core.y) +
               ", which has no chip section";
    }
    int& slot = chips_[static_cast<std::size_t>(chip)].cores[core.core];
    if (slot >= 0) {
        return "cores " + std::to_string(slot) + " and " + std::to_string(index) +
               " are both application core " + std::to_string(core.core) + " of chip " +
               place(core.x, core.y);
    }
    slot = static_cast<int>(cores_.size());
    cores_.push_back({core, static_cast<std::size_t>(chip)});
    return {};
}

void chip_network::mark_dead_links(const image::machine_view& machine) {
    for (std::uint32_t d = 0; d < machine.dead_links; ++d) {
        const std::uint32_t* link = machine.dead + 3 * d;
        const int chip = chip_at_[link[1] * width_ + link[0]];
        if (chip >= 0) {
            chips_[static_cast<std::size_t>(chip)].dead[link[2]] = true;
        }
    }
}

void chip_network::send(std::size_t core, std::uint32_t neuron, row_sink& rows) {
    const core_state& c = cores_[core];
    if (c.view.sends == 0) {
        return;
    }
    ++spike_serial_;
    in_flight_.push_back({c.chip, c.view.key | neuron, from_core});
    while (!in_flight_.empty()) {
        const packet p = in_flight_.back();
        in_flight_.pop_back();
        route(p, spike_serial_, in_flight_, rows);
    }
}

void chip_network::route(const packet& p, std::uint64_t spike, std::vector<packet>& onward,
                         row_sink& rows) {
    chip_state& chip = chips_[p.chip];
    ++chip.counters.packets;
    // A correct multicast tree reaches each chip once per spike. A copy that reaches a chip again
    // is on a loop or a second path; stopping it bounds a step's work by the chips, whatever the
    // tables say, where a hop limit alone would let branching routes multiply copies exponentially.
    if (chip.reached_by == spike) {
        ++looped_;
        return;
    }
    chip.reached_by = spike;
    const route_decision decided = lookup_ != nullptr
                                       ? lookup_->decide(p.chip, p.key, p.arrived_from)
                                       : table_decision(p.chip, p.key, p.arrived_from);
    switch (decided.by) {
    case route_decision::how::matched: ++chip.counters.routed; break;
    case route_decision::how::default_route: ++chip.counters.default_routed; break;
    case route_decision::how::dropped: ++chip.counters.dropped; return;
    }
    const std::uint32_t route = decided.route;
    deliver_to_cores(chip, route, p.key, rows);
    send_on_links(chip, route, p.key, onward);
}

route_decision chip_network::table_decision(std::size_t chip, std::uint32_t key,
                                            int arrived_from) const {
    route_decision decided;
    if (matching_route(chips_[chip], key, decided.route)) {
        decided.by = route_decision::how::matched;
    } else if (arrived_from != from_core) {
        decided.by = route_decision::how::default_route;
        decided.route = image::route_to_link(static_cast<unsigned>(opposite(arrived_from)));
    }
    return decided;
}

bool chip_network::matching_route(const chip_state& chip, std::uint32_t key,
                                  std::uint32_t& route) const {
    for (std::uint32_t e = 0; e < chip.view.entries; ++e) {
        const std::uint32_t* entry = chip.view.routes + 3 * e;
        if ((key & entry[1]) == entry[0]) {
            route = entry[2];
            return true;
        }
    }
    return false;
}

void chip_network::deliver_to_cores(chip_state& chip, std::uint32_t route, std::uint32_t key,
                                    row_sink& rows) {
    for (unsigned c = 0; c < image::max_cores_per_chip; ++c) {
        if ((route & image::route_to_core(c)) == 0) {
            continue;
        }
        const int core = chip.cores[c];
        if (core < 0) {
            ++chip.counters.lost;
            continue;
        }
        ++chip.counters.delivered;
        const auto target = static_cast<std::size_t>(core);
        unmatched_ += rows.deliver_packet(target, cores_[target].view, key);
    }
}

void chip_network::send_on_links(chip_state& chip, std::uint32_t route, std::uint32_t key,
                                 std::vector<packet>& onward) {
    for (int d = 0; d < direction_count; ++d) {
        if ((route & image::route_to_link(static_cast<unsigned>(d))) == 0) {
            continue;
        }
        const int next =
            chip_at(static_cast<long>(chip.view.x) + dx[d], static_cast<long>(chip.view.y) + dy[d]);
        if (chip.dead[d] || next < 0) {
            ++chip.counters.lost;
            continue;
        }
        // The packet arrives on the link pointing back.
        onward.push_back({static_cast<std::size_t>(next), key, opposite(d)});
    }
}

int chip_network::neighbour(std::size_t chip, int direction) const {
    const chip_state& from = chips_[chip];
    if (from.dead[direction]) {
        return -1;
    }
    return chip_at(static_cast<long>(from.view.x) + dx[direction],
                   static_cast<long>(from.view.y) + dy[direction]);
}

std::uint64_t chip_network::words_reached(const packet& first) const {
    std::uint64_t words = 0;
    std::vector<bool> reached(chips_.size(), false);
    std::vector<packet> waiting{first};
    while (!waiting.empty()) {
        const packet p = waiting.back();
        waiting.pop_back();
        const chip_state& chip = chips_[p.chip];
        if (reached[p.chip]) {
            continue;
        }
        reached[p.chip] = true;
        const route_decision decided = table_decision(p.chip, p.key, p.arrived_from);
        if (decided.by == route_decision::how::dropped) {
            continue;
        }
        const std::uint32_t route = decided.route;
        for (unsigned c = 0; c < image::max_cores_per_chip; ++c) {
            if ((route & image::route_to_core(c)) == 0 || chip.cores[c] < 0) {
                continue;
            }
            const auto core = static_cast<std::size_t>(chip.cores[c]);
            firmware::for_each_row(cores_[core].view, p.key,
                                   [&](const firmware::synaptic_row& row) { words += row.count; });
        }
        for (int d = 0; d < direction_count; ++d) {
            const int next = neighbour(p.chip, d);
            if ((route & image::route_to_link(static_cast<unsigned>(d))) != 0 && next >= 0) {
                waiting.push_back({static_cast<std::size_t>(next), p.key, opposite(d)});
            }
        }
    }
    return words;
}

int chip_network::chip_at(long x, long y) const {
    if (wraps_) {
        x = (x + width_) % width_;
        y = (y + height_) % height_;
    }
    const bool on_grid =
        x >= 0 && y >= 0 && x < static_cast<long>(width_) && y < static_cast<long>(height_);
    return on_grid ? chip_at_[static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x)]
                   : -1;
}

router_counters chip_network::routers() const {
    router_counters total;
    for (const chip_state& chip : chips_) {
        total.packets += chip.counters.packets;
        total.routed += chip.counters.routed;
        total.default_routed += chip.counters.default_routed;
        total.dropped += chip.counters.dropped;
        total.lost += chip.counters.lost;
        total.delivered += chip.counters.delivered;
    }
    return total;
}

} // namespace sf::emulator
