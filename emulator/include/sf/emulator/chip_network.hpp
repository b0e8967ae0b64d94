#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/lockstep_board.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/image_views.hpp>

namespace sf::emulator {

struct router_counters {
    std::uint64_t packets = 0;        // packets handled (from a link or from a core of the chip)
    std::uint64_t routed = 0;         // matched an entry
    std::uint64_t default_routed = 0; // matched none and went straight on
    std::uint64_t dropped = 0;        // matched none and came from a core of the chip
    std::uint64_t lost =
        0; // copies sent to a dead link, off the grid, to a failed chip or a missing core
    std::uint64_t delivered = 0; // copies given to cores of the chip
};

// What a chip's router decides for one packet: the route word of its first matching entry, the
// default route straight on for an unmatched packet from a link, or a drop for an unmatched packet
// from the chip's own cores.
struct route_decision {
    enum class how : std::uint8_t { matched, default_route, dropped };
    how by = how::dropped;
    std::uint32_t route = 0; // bit d link d, bit 6 + c application core c (docs/image-format.md)
};

// Who decides a packet's route at a chip: the chip_network reads the image's routing tables
// itself unless it is given another router model (a simulated RTL router, say) to ask instead.
class route_lookup {
public:
    virtual ~route_lookup() = default;
    // `arrived_from` is the link 0-5 the packet came in on, or chip_network::from_core.
    virtual route_decision decide(std::size_t chip, std::uint32_t key, int arrived_from) = 0;
};

// The chips of a board image and the links between them: a spike leaves its core as a multicast
// packet (key | neuron) and travels through the chips' routers — first matching entry, default
// route straight on, dropped when nothing routes it — to the cores it reaches, whose master tables
// turn it into synaptic rows. Each chip is handled on its own, one packet at a time, so that a
// timed model can move the same packets hop by hop and chips can be spread over processes.
class chip_network final : public spike_router {
public:
    // A packet on its way: the chip it reaches and the link it arrives on (from_core for a packet
    // a core of the chip sent).
    struct packet {
        std::size_t chip = 0;
        std::uint32_t key = 0;
        int arrived_from = 0;
    };
    static constexpr int from_core = -1;
    // A link direction's short name (docs/boards.md): E, NE, N, W, SW, S.
    static constexpr const char* link_name(int direction) {
        constexpr const char* names[] = {"E", "NE", "N", "W", "SW", "S"};
        return names[direction];
    }

    explicit chip_network(const firmware::image::machine_view& machine);

    // Adds a chip section; an empty string, or what is wrong (two chips at one place).
    std::string add_chip(const firmware::image::chip_view& chip, std::uint32_t index);
    // Adds a core section as the next core; an empty string, or what is wrong.
    std::string add_core(const firmware::image::core_view& core, std::uint32_t index);
    // Marks the machine's dead links, once every chip is added.
    void mark_dead_links(const firmware::image::machine_view& machine);

    // Every packet of one spike, until none is left.
    void send(std::size_t core, std::uint32_t neuron, row_sink& rows) override;
    // One packet at one chip: the rows of the chip's cores it reaches go to `rows`, the copies
    // sent on over links to `onward`. `spike` numbers the spike it belongs to (from 1): a copy
    // reaching a chip its spike already reached is stopped and counted as looped.
    void route(const packet& p, std::uint64_t spike, std::vector<packet>& onward, row_sink& rows);

    // From now on, every packet's route at every chip is what `lookup` decides (null: the image's
    // tables as read here). The network keeps it.
    void use_lookup(std::unique_ptr<route_lookup> lookup) { lookup_ = std::move(lookup); }
    // The decision the image's own routing table gives; nothing is counted.
    route_decision table_decision(std::size_t chip, std::uint32_t key, int arrived_from) const;

    std::size_t chip_count() const { return chips_.size(); }
    std::size_t core_count() const { return cores_.size(); }
    const router_counters& router(std::size_t chip) const { return chips_[chip].counters; }
    router_counters routers() const; // summed over the chips
    std::uint64_t unmatched_keys() const { return unmatched_; }
    // Where things are, for a timed model: a core's chip, a chip's place on the grid, and the chip
    // one working link away (-1 past the edge, towards a failed chip or over a dead link).
    std::size_t chip_of(std::size_t core) const { return cores_[core].chip; }
    const firmware::image::chip_view& chip(std::size_t c) const { return chips_[c].view; }
    int neighbour(std::size_t chip, int direction) const;
    // The synaptic words a packet would deliver from here on, with nothing counted or changed: what
    // a timed model misses when it loses the packet.
    std::uint64_t words_reached(const packet& p) const;
    std::uint64_t looped() const { return looped_; }

private:
    struct chip_state {
        firmware::image::chip_view view;
        std::vector<int> cores; // per application core index: index into cores_, or -1
        bool dead[firmware::image::link_count] = {};
        router_counters counters;
        std::uint64_t reached_by = 0; // the last spike whose packet reached this chip
    };
    struct core_state {
        firmware::image::core_view view;
        std::size_t chip = 0;
    };

    bool matching_route(const chip_state& chip, std::uint32_t key, std::uint32_t& route) const;
    void deliver_to_cores(chip_state& chip, std::uint32_t route, std::uint32_t key, row_sink& rows);
    void send_on_links(chip_state& chip, std::uint32_t route, std::uint32_t key,
                       std::vector<packet>& onward);
    int chip_at(long x, long y) const;

    std::vector<chip_state> chips_;
    std::vector<core_state> cores_;
    std::vector<int> chip_at_; // width × height: index into chips_, or -1
    std::uint32_t width_ = 0;
    std::uint32_t height_ = 0;
    bool wraps_ = false;
    std::unique_ptr<route_lookup> lookup_;
    std::vector<packet> in_flight_;
    std::uint64_t spike_serial_ = 0;
    std::uint64_t unmatched_ = 0;
    std::uint64_t looped_ = 0;
};

} // namespace sf::emulator
