#include <algorithm>

#include <sf/firmware/assert.hpp>

#include "timed_model.hpp"

// The routers and links, one router cycle at a time while any packet is in flight; cycles in
// which nothing can change are skipped. Each cycle runs in phases so that no result depends on the
// order chips are visited in: every link decides to send from what the cycle starts with, then
// the packets that reached the far end of a link enter its input queue (each queue is fed by one
// link only), then every router moves the packets of its own queues.
namespace sf::emulator {
namespace {

constexpr int link_count = static_cast<int>(firmware::image::link_count);
constexpr int input_count = link_count + 1; // the links, then the chip's own cores

int opposite(int direction) { return (direction + link_count / 2) % link_count; }

} // namespace

void timed_model::router_cycle(std::uint64_t cycle) {
    const picoseconds now = cycle * router_ps_;
    ++cycles_run_;
    first_free_cycle_ = cycle + 1;
    // The chips active as the cycle starts; the phases below may activate more, at the end.
    const std::size_t visiting = active_.size();
    for (std::size_t k = 0; k < visiting; ++k) {
        send_on_links(routers_[active_[k]], now);
    }
    for (std::size_t k = 0; k < visiting; ++k) {
        deliver_arrivals(active_[k], now);
    }
    std::sort(active_.begin(), active_.end());
    // A core woken here may send and so wake another chip: that one joins at the end.
    for (std::size_t k = 0; k < active_.size(); ++k) {
        const std::size_t chip = active_[k];
        advance_output(chip, cycle);
        arbitrate(chip, cycle);
        reinject(chip, cycle);
    }
    const auto idle = [this](std::size_t chip) {
        timed_router& r = routers_[chip];
        if (!router_idle(r)) {
            return false;
        }
        r.active = false;
        r.traced_inputs = 0;
        r.traced_blocked = 0;
        return true;
    };
    active_.erase(std::remove_if(active_.begin(), active_.end(), idle), active_.end());
    next_cycle_ = next_router_cycle(cycle);
    if (tracing_) {
        for (const std::size_t chip : active_) {
            timed_router& r = routers_[chip];
            std::size_t waiting = r.local.size();
            for (const auto& input : r.inputs) {
                waiting += input.size();
            }
            r.traced_inputs = static_cast<std::uint32_t>(waiting);
            r.traced_blocked = r.holding && r.waited > 0 ? 1 : 0;
            for (timed_link& link : r.links) {
                link.traced_queue = static_cast<std::uint32_t>(link.queue.size());
            }
        }
        traced_active_routers_ = static_cast<std::uint32_t>(active_.size());
    }
}

void timed_model::send_on_links(timed_router& r, picoseconds now) {
    for (int d = 0; d < link_count; ++d) {
        timed_link& link = r.links[d];
        if (link.queue.empty() || link.free_at > now) {
            continue;
        }
        const auto to = static_cast<std::size_t>(link.to_chip);
        const std::size_t waiting = routers_[to].inputs[opposite(d)].size() + link.wire.size();
        if (waiting >= timing_.input_fifo) {
            continue;
        }
        link.wire.emplace_back(now + link.per_packet + picoseconds{timing_.link_latency_ns} * 1000,
                               link.queue.front());
        link.queue.pop_front();
        link.free_at = now + link.per_packet;
        link.busy += link.per_packet;
        ++link.packets;
        activate(to);
    }
}

// A link's packets that have arrived enter the input queue at its far end, the only queue the link
// feeds, so the order links are visited in does not matter.
void timed_model::deliver_arrivals(std::size_t chip, picoseconds now) {
    timed_router& r = routers_[chip];
    for (int d = 0; d < link_count; ++d) {
        timed_link& link = r.links[d];
        if (link.wire.empty() || link.wire.front().first > now) {
            continue;
        }
        const auto to = static_cast<std::size_t>(link.to_chip);
        timed_router& far = routers_[to];
        std::deque<flit>& input = far.inputs[opposite(d)];
        while (!link.wire.empty() && link.wire.front().first <= now) {
            input.push_back(link.wire.front().second);
            link.wire.pop_front();
        }
        far.measured.input_high_water =
            std::max(far.measured.input_high_water, static_cast<std::uint32_t>(input.size()));
        activate(to);
    }
}

void timed_model::advance_output(std::size_t chip, std::uint64_t cycle) {
    timed_router& r = routers_[chip];
    const picoseconds now = cycle * router_ps_;
    if (r.holding) {
        if (!try_commit(chip, now)) {
            wait_or_drop(chip);
        }
        return;
    }
    if (r.pipeline.empty() || r.pipeline.front().first > cycle) {
        return;
    }
    r.held = r.pipeline.front().second;
    r.pipeline.pop_front();
    r.holding = true;
    decide_output(chip);
    if (!try_commit(chip, now)) {
        wait_or_drop(chip);
    }
}

// Where the packet in the output stage goes: the routing table's cores and links (through
// chip_network, as the functional emulator routes it), or the second leg of an emergency route.
void timed_model::decide_output(std::size_t chip) {
    timed_router& r = routers_[chip];
    const flit& f = r.held;
    r.copies.clear();
    r.rows.clear();
    r.waited = 0;
    r.rerouted = false;
    ++r.measured.packets;
    if (f.hops > hop_limit_) {
        ++totals_.hop_limited;
        return;
    }
    if (f.second_leg >= 0) {
        flit onward = f;
        onward.arrived_from = f.emergency_arrival;
        onward.second_leg = -1;
        ++onward.hops;
        r.copies.push_back({f.second_leg, onward});
        return;
    }
    onward_.clear();
    capture_ = &r.rows;
    network_.route({chip, f.key, f.arrived_from}, f.spike, onward_, *this);
    capture_ = nullptr;
    for (const chip_network::packet& p : onward_) {
        flit copy = f;
        copy.arrived_from = p.arrived_from;
        ++copy.hops;
        r.copies.push_back({opposite(p.arrived_from), copy});
    }
}

// A multicast packet leaves by all its outputs at once or waits.
bool timed_model::try_commit(std::size_t chip, picoseconds now) {
    timed_router& r = routers_[chip];
    for (const copy_out& copy : r.copies) {
        if (r.links[copy.link].queue.size() >= timing_.output_fifo) {
            return false;
        }
    }
    for (const copy_out& copy : r.copies) {
        timed_link& link = r.links[copy.link];
        link.queue.push_back(copy.packet);
        link.high_water = std::max(link.high_water, static_cast<std::uint32_t>(link.queue.size()));
        r.measured.output_high_water = std::max(r.measured.output_high_water, link.high_water);
    }
    for (const auto& [core, row] : r.rows) {
        timed_core& c = cores_[core];
        c.lookups.push_back({row, r.held.step, 0});
        ++c.packets;
        wake(core, now);
    }
    r.holding = false;
    return true;
}

void timed_model::wait_or_drop(std::size_t chip) {
    timed_router& r = routers_[chip];
    if (r.waited == 0) {
        ++r.measured.waited;
    }
    ++r.waited;
    if (r.waited >= timing_.wait1_cycles && !r.rerouted) {
        r.rerouted = true;
        if (take_emergency_routes(chip)) {
            ++r.measured.wait1_expired;
            ++totals_.emergency_routed;
        }
    }
    if (r.waited >= std::uint64_t{timing_.wait1_cycles} + timing_.wait2_cycles) {
        drop(chip);
    }
}

// SpiNNaker's emergency route around a blocked link: out by the next link anticlockwise, then,
// from that neighbour, by the link one clockwise of the blocked one, which reaches the same chip.
bool timed_model::take_emergency_routes(std::size_t chip) {
    timed_router& r = routers_[chip];
    if (!hexagonal_ || r.held.second_leg >= 0) {
        return false;
    }
    bool taken = false;
    for (copy_out& copy : r.copies) {
        const int blocked = copy.link;
        if (r.links[blocked].queue.size() < timing_.output_fifo) {
            continue;
        }
        const int first = (blocked + 1) % link_count;
        const int second = (blocked + link_count - 1) % link_count;
        const int middle = r.links[first].to_chip;
        if (middle < 0 || routers_[static_cast<std::size_t>(middle)].links[second].to_chip !=
                              r.links[blocked].to_chip) {
            continue;
        }
        copy.link = first;
        copy.packet.second_leg = second;
        copy.packet.emergency_arrival = copy.packet.arrived_from;
        copy.packet.arrived_from = opposite(first);
        taken = true;
    }
    return taken;
}

// A packet dropped after wait2 goes to the chip's monitor, which sends it again later; when the
// monitor's queue is full it is lost, and the words it would have delivered are counted.
void timed_model::drop(std::size_t chip) {
    timed_router& r = routers_[chip];
    ++r.measured.wait2_expired;
    ++totals_.dropped;
    ++traced_dropped_;
    r.holding = false;
    if (r.monitor.size() < timing_.reinjection_queue) {
        r.monitor.push_back(r.held);
        return;
    }
    ++totals_.lost;
    const flit& f = r.held;
    if (f.second_leg < 0) {
        totals_.missing_words += network_.words_reached({chip, f.key, f.arrived_from});
        return;
    }
    const int next = r.links[f.second_leg].to_chip;
    if (next >= 0) {
        totals_.missing_words +=
            network_.words_reached({static_cast<std::size_t>(next), f.key, f.emergency_arrival});
    }
}

void timed_model::arbitrate(std::size_t chip, std::uint64_t cycle) {
    timed_router& r = routers_[chip];
    if (r.pipeline.size() >= timing_.pipeline_stages) {
        return;
    }
    const picoseconds now = cycle * router_ps_;
    for (int k = 0; k < input_count; ++k) {
        const int input = (r.next_input + k) % input_count;
        flit f;
        if (input < link_count) {
            if (r.inputs[input].empty()) {
                continue;
            }
            f = r.inputs[input].front();
            r.inputs[input].pop_front();
        } else {
            if (r.local.empty() || r.local.top().at > now) {
                continue;
            }
            f = r.local.top().packet;
            r.local.pop();
        }
        r.pipeline.emplace_back(cycle + timing_.pipeline_stages, f);
        r.next_input = (input + 1) % input_count;
        return;
    }
}

void timed_model::reinject(std::size_t chip, std::uint64_t cycle) {
    timed_router& r = routers_[chip];
    if (r.monitor.empty() || cycle < r.next_reinjection) {
        return;
    }
    flit f = r.monitor.front();
    r.monitor.pop_front();
    f.spike = spike_serial_++; // a new copy: the loop check must not stop it where it was dropped
    r.local.push({cycle * router_ps_, order_++, f});
    r.next_reinjection = cycle + timing_.reinjection_cycles;
    ++totals_.reinjected;
}

void timed_model::send_from_core(std::size_t chip, picoseconds at, const flit& f) {
    timed_router& r = routers_[chip];
    r.local.push({at, order_++, f});
    r.measured.local_high_water =
        std::max(r.measured.local_high_water, static_cast<std::uint32_t>(r.local.size()));
    activate(chip);
    const std::uint64_t cycle = std::max((at + router_ps_ - 1) / router_ps_, first_free_cycle_);
    next_cycle_ = std::min(next_cycle_, cycle);
}

void timed_model::activate(std::size_t chip) {
    if (!routers_[chip].active) {
        routers_[chip].active = true;
        active_.push_back(chip);
    }
}

bool timed_model::router_idle(const timed_router& r) const {
    if (r.holding || !r.pipeline.empty() || !r.local.empty() || !r.monitor.empty()) {
        return false;
    }
    for (int d = 0; d < link_count; ++d) {
        if (!r.inputs[d].empty() || !r.links[d].queue.empty() || !r.links[d].wire.empty()) {
            return false;
        }
    }
    return true;
}

// The next cycle in which something can change: at once while packets wait to move, else when
// the first pipeline, link, core or monitor has a packet ready.
std::uint64_t timed_model::next_router_cycle(std::uint64_t after) const {
    std::uint64_t next = never;
    const auto cycle_of = [this](picoseconds at) { return (at + router_ps_ - 1) / router_ps_; };
    for (const std::size_t chip : active_) {
        const timed_router& r = routers_[chip];
        if (r.holding) {
            return after + 1;
        }
        for (int d = 0; d < link_count; ++d) {
            if (!r.inputs[d].empty()) {
                return after + 1;
            }
            const timed_link& link = r.links[d];
            if (!link.queue.empty()) {
                next = std::min(next, cycle_of(link.free_at));
            }
            if (!link.wire.empty()) {
                next = std::min(next, cycle_of(link.wire.front().first));
            }
        }
        if (!r.pipeline.empty()) {
            next = std::min(next, r.pipeline.front().first);
        }
        if (!r.local.empty()) {
            next = std::min(next, cycle_of(r.local.top().at));
        }
        if (!r.monitor.empty()) {
            next = std::min(next, r.next_reinjection);
        }
    }
    return next == never ? never : std::max(next, after + 1);
}

} // namespace sf::emulator
