#include <algorithm>
#include <cmath>

#include <sf/lems/network_run.hpp>
#include <sf/mapper/quantise.hpp>

namespace sf::mapper {
namespace {

int whole_steps(double seconds, double dt) {
    return static_cast<int>(std::min<std::int64_t>(lems::ir::delay_steps(seconds, dt), 1 << 30));
}

} // namespace

quantised_projection::quantised_projection(const compiled_network& compiled,
                                           const lems::ir::projection& p)
    : p_(&p), min_weight_(compiled.min_weight), max_weight_(compiled.max_weight), dt_(compiled.dt) {
    const auto& units = compiled.groups[static_cast<std::size_t>(p.target_group)].channel_unit;
    unit_ = units[static_cast<std::size_t>(p.channel)];
    if (p.delay.coded()) {
        for (double seconds : p.delay.distinct()) {
            coded_steps_.push_back(whole_steps(seconds, dt_));
        }
    }
}

std::int32_t quantised_projection::weight(std::size_t k) const {
    return static_cast<std::int32_t>(
        std::clamp(std::round(p_->payload[k] / unit_), min_weight_, max_weight_));
}

int quantised_projection::delay_steps(std::size_t k) const {
    return p_->delay.coded() ? coded_steps_[p_->delay.code(k)] : whole_steps(p_->delay[k], dt_);
}

quantised_connection quantised_projection::at(std::size_t k) const {
    quantised_connection q;
    q.source = {p_->source_group, static_cast<int>(p_->source[k])};
    q.target = {p_->target_group, static_cast<int>(p_->target[k])};
    q.channel = p_->channel;
    q.weight = weight(k);
    q.delay_steps = delay_steps(k);
    return q;
}

} // namespace sf::mapper
