#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include <sf/mapper/capacity_error.hpp>
#include <sf/mapper/compile_error.hpp>

#include "connection_scales.hpp"

namespace sf::mapper::detail {
namespace {

// What the connections of one group deliver, per neuron and channel and per channel.
struct payload_sums {
    std::vector<std::pair<double, double>> sums; // neuron-major: positive and negative payloads
    std::vector<std::uint8_t> connected;         // the same, 1 where any connection arrives
    std::vector<double> largest;                 // per channel: the largest |payload|
    std::vector<int> signs;                // per channel: 0 none, 1 or -1 one sign, 2 both signs
    std::vector<int> fan_in;               // per neuron
    std::vector<std::int64_t> connections; // per channel
};

std::vector<payload_sums> sum_payloads(const lems::ir::network& net) {
    std::vector<payload_sums> out(net.groups.size());
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const std::size_t channels = net.groups[g].inputs.size();
        payload_sums& p = out[g];
        p.sums.assign(net.groups[g].members.size() * channels, {0.0, 0.0});
        p.connected.assign(p.sums.size(), 0);
        p.largest.assign(channels, 0.0);
        p.signs.assign(channels, 0);
        p.fan_in.assign(net.groups[g].members.size(), 0);
        p.connections.assign(channels, 0);
    }
    for (const lems::ir::projection& p : net.connections.projections()) {
        const auto g = static_cast<std::size_t>(p.target_group);
        const auto channel = static_cast<std::size_t>(p.channel);
        const std::size_t channels = net.groups[g].inputs.size();
        payload_sums& group = out[g];
        double& big = group.largest[channel];
        int& sign = group.signs[channel];
        for (std::size_t k = 0; k < p.size(); ++k) {
            const double payload = p.payload[k];
            auto& [positive, negative] = group.sums[p.target[k] * channels + channel];
            group.connected[p.target[k] * channels + channel] = 1;
            (payload >= 0 ? positive : negative) += payload;
            big = std::max(big, std::fabs(payload));
            if (payload != 0.0) {
                const int s = payload > 0 ? 1 : -1;
                sign = sign == 0 || sign == s ? s : 2;
            }
            ++group.fan_in[p.target[k]];
        }
        group.connections[channel] += static_cast<std::int64_t>(p.size());
    }
    return out;
}

void check_fan_in(const lems::ir::neuron_group& group, const payload_sums& p,
                  const core_limits& core) {
    if (core.max_fan_in <= 0) {
        return;
    }
    const int most = p.fan_in.empty() ? 0 : *std::max_element(p.fan_in.begin(), p.fan_in.end());
    if (most > core.max_fan_in) {
        throw capacity_error(group.label, group.label, "fan-in", static_cast<std::uint64_t>(most),
                             static_cast<std::uint64_t>(core.max_fan_in),
                             "a neuron receives " + std::to_string(most) +
                                 " synapses; the board's neurons take at most " +
                                 std::to_string(core.max_fan_in));
    }
}

// The unit of a channel's weights: its largest payload is the largest code the board carries.
channel_weights weights_of(const lems::ir::neuron_group& group, std::size_t c,
                           const payload_sums& p, const board& target) {
    const core_limits& core = target.core;
    channel_weights w;
    w.entry.connections = p.connections[c];
    w.entry.name = group.inputs[c].name;
    const double max_code = largest_code(core);
    if (!core.weights_signed && p.signs[c] == 2) {
        throw compile_error(group.label,
                            w.entry.name + " receives positive and negative weights; board " +
                                target.name +
                                " has unsigned weights with the sign set per input channel: use "
                                "separate synapses for excitation and inhibition");
    }
    const double sign = !core.weights_signed && p.signs[c] < 0 ? -1.0 : 1.0;
    w.unit = p.largest[c] > 0.0 ? sign * p.largest[c] / max_code : 1.0;
    w.entry.unit = w.unit;
    return w;
}

} // namespace

double largest_code(const core_limits& core) {
    const double board = core.weights_signed ? std::ldexp(1.0, core.weight_bits - 1) - 1.0
                                             : std::ldexp(1.0, core.weight_bits) - 1.0;
    return std::min(board, 32767.0);
}

connection_scales scale_connections(const lems::ir::network& net, const board& target) {
    const std::vector<payload_sums> sums = sum_payloads(net);
    connection_scales out;
    out.input_bounds.resize(net.groups.size());
    out.weights.resize(net.groups.size());
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        const lems::ir::neuron_group& group = net.groups[g];
        const std::size_t channels = group.inputs.size();
        out.input_bounds[g].resize(channels);
        for (std::size_t k = 0; k < sums[g].sums.size(); ++k) {
            if (sums[g].connected[k] == 0) {
                continue;
            }
            auto& bound = out.input_bounds[g][k % channels];
            bound.include(sums[g].sums[k].first);
            bound.include(sums[g].sums[k].second);
        }
        check_fan_in(group, sums[g], target.core);
        for (std::size_t c = 0; c < channels; ++c) {
            out.weights[g].push_back(weights_of(group, c, sums[g], target));
        }
    }
    return out;
}

void measure_weight_errors(const lems::ir::network& net, std::int32_t min_weight,
                           std::int32_t max_weight, connection_scales& scales) {
    for (const lems::ir::projection& p : net.connections.projections()) {
        channel_weights& w = scales.weights[static_cast<std::size_t>(p.target_group)]
                                           [static_cast<std::size_t>(p.channel)];
        for (std::size_t k = 0; k < p.size(); ++k) {
            const double payload = p.payload[k];
            const double code = std::round(payload / w.unit);
            const double clamped =
                std::clamp(code, static_cast<double>(min_weight), static_cast<double>(max_weight));
            if (clamped != code) {
                ++w.entry.saturated_weights;
            }
            if (clamped == 0.0 && payload != 0.0) {
                ++w.entry.zero_weights;
            }
            if (payload != 0.0) {
                w.entry.max_relative_error =
                    std::max(w.entry.max_relative_error,
                             std::fabs(clamped * w.unit - payload) / std::fabs(payload));
            }
        }
    }
}

void report_delays(const lems::ir::network& net, const core_limits& core,
                   quantisation_report& report) {
    std::map<std::int64_t, delay_entry> delays; // by whole steps
    std::int64_t undelayed = 0;
    auto count_delay = [&](double seconds, std::int64_t steps, std::int64_t count) {
        if (seconds <= 0.0) {
            undelayed += count;
        }
        auto [at, added] = delays.try_emplace(steps);
        delay_entry& d = at->second;
        if (added) {
            d.steps = static_cast<int>(std::min<std::int64_t>(steps, 1 << 30));
            d.seconds = d.seconds_high = seconds;
        }
        d.seconds = std::min(d.seconds, seconds);
        d.seconds_high = std::max(d.seconds_high, seconds);
        d.connections += count;
    };
    for (const lems::ir::projection& p : net.connections.projections()) {
        if (p.delay.coded()) {
            std::vector<std::int64_t> uses(p.delay.distinct().size(), 0);
            for (std::size_t k = 0; k < p.size(); ++k) {
                ++uses[p.delay.code(k)];
            }
            for (std::size_t d = 0; d < uses.size(); ++d) {
                const double seconds = p.delay.distinct()[d];
                count_delay(seconds, lems::ir::delay_steps(seconds, net.dt), uses[d]);
            }
        } else {
            for (std::size_t k = 0; k < p.size(); ++k) {
                count_delay(p.delay[k], lems::ir::delay_steps(p.delay[k], net.dt), 1);
            }
        }
    }
    if (undelayed > 0) {
        report.warnings.push_back(
            std::to_string(undelayed) +
            " connections have no delay; on the cores a spike arrives one step later, at "
            "the start of the next step");
    }
    for (const auto& [steps, entry] : delays) {
        report.delays.push_back(entry);
        if (steps > core.delay_slots) {
            report.warnings.push_back(std::to_string(entry.connections) +
                                      " connections are delayed " + std::to_string(steps) +
                                      " steps, more than the cores' " +
                                      std::to_string(core.delay_slots) +
                                      " delay slots: they are held back before delivery");
        }
    }
}

} // namespace sf::mapper::detail
