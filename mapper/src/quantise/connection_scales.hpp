#pragma once

#include <cstdint>
#include <vector>

#include <sf/lems/network_ir.hpp>
#include <sf/lems/network_run.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/quantisation_report.hpp>

// The scale of every synaptic input channel: what its connections can bring in one step, and
// the weight unit its synaptic words count in.
namespace sf::mapper::detail {

struct channel_weights {
    double unit = 1.0; // SI payload of one unit of weight
    channel_entry entry;
};

struct connection_scales {
    // Per group, per input channel.
    std::vector<std::vector<lems::ir::value_range>> input_bounds;
    std::vector<std::vector<channel_weights>> weights;
};

// Throws compile_error when a neuron receives more synapses than the board's max_fan_in, or a
// channel of a board with unsigned weights receives weights of both signs.
connection_scales scale_connections(const lems::ir::network& net, const board& target);

// The largest weight a synaptic word carries on this board: the board's weight bits, within the
// word's signed 16-bit field.
double largest_code(const core_limits& core);

// Each channel's weights rounded to its unit and clamped to [min_weight, max_weight]: counts of
// those that saturate or become zero and the largest relative error, into the channels' entries.
void measure_weight_errors(const lems::ir::network& net, std::int32_t min_weight,
                           std::int32_t max_weight, connection_scales& scales);

// The delays in whole steps, with warnings for connections without delay and for delays beyond
// the cores' delay slots.
void report_delays(const lems::ir::network& net, const core_limits& core,
                   quantisation_report& report);

} // namespace sf::mapper::detail
