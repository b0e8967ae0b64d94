#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <sf/firmware/synapse.hpp>
#include <sf/lems/parallel_items.hpp>
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

// Writes connection k of `q` as its synaptic word and held rings at `at`. Throws compile_error
// naming `population` when it does not fit.
void file_one(const quantised_projection& q, std::size_t k, int channel, int delay_slots,
              const std::string& population, std::vector<std::uint16_t>& held_rings,
              std::vector<std::uint32_t>& words, std::uint64_t at) {
    const ring_split split = split_delay(q.delay_steps(k), delay_slots);
    const auto rings = static_cast<std::uint32_t>(split.hold / delay_slots);
    if (rings > incoming_synapses::max_held_rings) {
        throw_too_long(population, q.delay_steps(k), delay_slots);
    }
    firmware::synapse::fields f;
    f.weight = q.weight(k);
    f.delay = static_cast<std::uint32_t>(split.ring);
    f.channel = static_cast<std::uint32_t>(channel);
    std::uint32_t word = 0;
    if (!firmware::synapse::encode(f, word)) {
        throw compile_error(population, "a connection does not fit a synaptic word (weight " +
                                            std::to_string(f.weight) + ", delay " +
                                            std::to_string(split.ring) + ", channel " +
                                            std::to_string(channel) + ")");
    }
    words[at] = word;
    held_rings[at] = static_cast<std::uint16_t>(rings);
}

// Counts every neuron's incoming connections into in.first (offsets) and sizes the arrays.
void count_incoming(const lems::ir::network& net, incoming_synapses& in) {
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
}

// Target neurons [first, end) of the global numbering, whose connections one thread files.
struct target_share {
    std::uint32_t first = 0;
    std::uint32_t end = 0;
};

// Shares of the neurons with about equal numbers of incoming connections, at most `count`.
std::vector<target_share> share_targets(const incoming_synapses& in, std::size_t count) {
    std::vector<target_share> shares;
    const auto neurons = static_cast<std::uint32_t>(in.first.size() - 1);
    const std::uint64_t total = in.first.back();
    std::uint32_t first = 0;
    for (std::size_t s = 1; s <= count && first < neurons; ++s) {
        const std::uint64_t upto = total / count * s + (s == count ? total % count : 0);
        auto end = static_cast<std::uint32_t>(
            std::lower_bound(in.first.begin() + first, in.first.end() - 1, upto) -
            in.first.begin());
        end = s == count ? neurons : std::max(end, first + 1);
        shares.push_back({first, std::min(end, neurons)});
        first = shares.back().end;
    }
    return shares;
}

// Where filing stopped on an error: the connection (projection, index) and what was thrown.
struct filing_error {
    std::size_t projection = SIZE_MAX;
    std::size_t connection = 0;
    std::exception_ptr error;

    bool before(const filing_error& other) const {
        return projection != other.projection ? projection < other.projection
                                              : connection < other.connection;
    }
};

// Files the connections reaching `share`, in the network's order; returns where it stopped on an
// error, or an empty error.
filing_error file_share(const lems::ir::network& net, const compiled_network& compiled,
                        const target_share& share, std::vector<std::uint64_t>& fill,
                        incoming_synapses& in, const lems::progress_callback& progress) {
    const int delay_slots = in.delay_slots;
    const auto& projections = net.connections.projections();
    std::uint64_t filed = 0;
    const std::uint64_t total = in.first.back();
    for (std::size_t pi = 0; pi < projections.size(); ++pi) {
        const auto& p = projections[pi];
        lems::report_progress(progress, "partitioning: indexing connections", filed, total);
        filed += p.target.size();
        const std::uint32_t source_base = in.group_base[static_cast<std::size_t>(p.source_group)];
        const std::uint32_t target_base = in.group_base[static_cast<std::size_t>(p.target_group)];
        const std::string& population = net.groups[static_cast<std::size_t>(p.target_group)].label;
        const quantised_projection q(compiled, p);
        for (std::size_t k = 0; k < q.size(); ++k) {
            const std::uint32_t target = target_base + p.target[k];
            if (target < share.first || target >= share.end) {
                continue;
            }
            try {
                file_one(q, k, p.channel, delay_slots, population, in.held_rings, in.word,
                         fill[target]);
                in.source[fill[target]++] = source_base + p.source[k];
            } catch (...) {
                return {pi, k, std::current_exception()};
            }
        }
    }
    return {};
}

} // namespace

hold_numbers::hold_numbers(const incoming_synapses& in)
    : in_(&in), number_(std::size_t{incoming_synapses::max_held_rings} + 1, 0) {
    std::vector<bool> seen(number_.size(), false);
    for (const std::uint16_t rings : in.held_rings) {
        seen[rings] = true;
    }
    for (std::size_t rings = 1; rings < seen.size(); ++rings) {
        if (seen[rings]) {
            number_[rings] = static_cast<std::uint32_t>(count_++);
        }
    }
}

incoming_synapses index_incoming(const lems::ir::network& net, const compiled_network& compiled,
                                 int delay_slots, const lems::progress_callback& progress,
                                 std::size_t threads) {
    incoming_synapses in;
    in.delay_slots = delay_slots;
    count_incoming(net, in);
    std::vector<std::uint64_t> fill(in.first.begin(), in.first.end() - 1);
    const std::vector<target_share> shares =
        share_targets(in, lems::threads_for(threads, in.first.size() - 1));
    std::vector<filing_error> errors(shares.size());
    lems::report_progress(progress, "partitioning: indexing connections", 0, in.first.back());
    // The calling thread tells how far its shares' passes have come; a pass that starts over is
    // not told until it passes the last count told.
    std::uint64_t told = 0;
    lems::progress_callback forward;
    if (progress) {
        forward = [&](const lems::progress_report& r) {
            if (r.done >= told) {
                told = r.done;
                progress(r);
            }
        };
    }
    lems::for_each_item(shares.size(), threads, [&](std::size_t s, std::size_t worker) {
        errors[s] = file_share(net, compiled, shares[s], fill, in,
                               worker == 0 ? forward : lems::progress_callback{});
    });
    const filing_error* first = nullptr;
    for (const filing_error& e : errors) {
        if (e.error && (first == nullptr || e.before(*first))) {
            first = &e;
        }
    }
    if (first != nullptr) {
        std::rethrow_exception(first->error);
    }
    return in;
}

} // namespace sf::mapper
