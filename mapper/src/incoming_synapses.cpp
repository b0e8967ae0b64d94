#include <algorithm>
#include <string>

#include <sf/firmware/synapse.hpp>
#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/incoming_synapses.hpp>

namespace sf::mapper {
namespace {

[[noreturn]] void throw_too_long(const std::string& population, int delay, int slots) {
    const std::uint64_t longest =
        std::uint64_t{incoming_synapses::max_held_rings} * static_cast<std::uint64_t>(slots) +
        static_cast<std::uint64_t>(slots);
    throw compile_error(population, "a connection's delay of " + std::to_string(delay) +
                                        " steps is longer than a core's rows can wait (at most " +
                                        std::to_string(longest) + " steps with rings of " +
                                        std::to_string(slots) + " slots)");
}

} // namespace

incoming_synapses index_incoming(const lems::ir::network& net, const compiled_network& compiled,
                                 int delay_slots, const lems::progress_callback& progress) {
    incoming_synapses in;
    in.delay_slots = delay_slots;
    std::uint64_t neurons = 0;
    for (const auto& g : net.groups) {
        in.group_base.push_back(static_cast<std::uint32_t>(neurons));
        neurons += g.members.size();
    }
    if (neurons > UINT32_MAX) {
        throw capacity_error("", "network", "neurons", neurons, UINT32_MAX,
                             "the network has " + std::to_string(neurons) +
                                 " neurons; the mapper numbers at most " +
                                 std::to_string(UINT32_MAX));
    }

    in.first.assign(neurons + 1, 0);
    for (const auto& p : net.connections.projections()) {
        const std::uint32_t base = in.group_base[static_cast<std::size_t>(p.target_group)];
        for (std::uint32_t t : p.target) {
            ++in.first[base + t + 1];
        }
    }
    for (std::size_t n = 1; n < in.first.size(); ++n) {
        in.first[n] += in.first[n - 1];
    }
    const std::uint64_t total = in.first.back();
    in.source.resize(total);
    in.word.resize(total);
    in.held_rings.resize(total);

    std::vector<std::uint64_t> fill(in.first.begin(), in.first.end() - 1);
    std::uint64_t filed = 0;
    for (const auto& p : net.connections.projections()) {
        lems::report_progress(progress, "partitioning: indexing connections", filed, total);
        filed += p.target.size();
        const quantised_projection q(compiled, p);
        const std::uint32_t source_base = in.group_base[static_cast<std::size_t>(p.source_group)];
        const std::uint32_t target_base = in.group_base[static_cast<std::size_t>(p.target_group)];
        for (std::size_t k = 0; k < q.size(); ++k) {
            const ring_split split = split_delay(q.delay_steps(k), delay_slots);
            const int ring_delay = split.ring;
            const auto rings = static_cast<std::uint32_t>(split.hold / delay_slots);
            if (rings > incoming_synapses::max_held_rings) {
                throw_too_long(net.groups[static_cast<std::size_t>(p.target_group)].label,
                               q.delay_steps(k), delay_slots);
            }
            firmware::synapse::fields f;
            f.weight = q.weight(k);
            f.delay = static_cast<std::uint32_t>(ring_delay);
            f.channel = static_cast<std::uint32_t>(p.channel);
            std::uint32_t word = 0;
            if (!firmware::synapse::encode(f, word)) {
                throw compile_error(net.groups[static_cast<std::size_t>(p.target_group)].label,
                                    "a connection does not fit a synaptic word (weight " +
                                        std::to_string(f.weight) + ", delay " +
                                        std::to_string(ring_delay) + ", channel " +
                                        std::to_string(p.channel) + ")");
            }
            const std::uint64_t at = fill[target_base + p.target[k]]++;
            in.source[at] = source_base + p.source[k];
            in.word[at] = word;
            in.held_rings[at] = static_cast<std::uint16_t>(rings);
        }
    }
    return in;
}

} // namespace sf::mapper
