#pragma once

#include <cstdint>

#include <sf/firmware/core_config.hpp>

// The synaptic word (docs/kernel.md): one synapse of a row that a spike delivers to a core.
//   bits 31-16  weight, signed 16-bit, in the raw units of the target's input channel
//   bits 15-12  delay - 1 (delays of 1 to 16 time steps)
//   bits 11-8   input channel of the target neuron
//   bits  7-0   target neuron within the core
// Delay and channel together (bits 15-8) are the word's route: where in a core's ring buffer the
// target's sum is.
namespace sf::firmware::synapse {

constexpr unsigned target_bits = 8;
constexpr unsigned channel_bits = 4;
constexpr unsigned delay_bits = 4;
constexpr unsigned weight_bits = 16;

constexpr unsigned channel_shift = target_bits;
constexpr unsigned delay_shift = channel_shift + channel_bits;
constexpr unsigned weight_shift = delay_shift + delay_bits;
static_assert(weight_shift + weight_bits == 32, "the synaptic word is one 32-bit word");

constexpr std::int32_t min_weight = -(1 << (weight_bits - 1));
constexpr std::int32_t max_weight = (1 << (weight_bits - 1)) - 1;
constexpr std::uint32_t min_delay = 1;
constexpr std::uint32_t max_delay = 1u << delay_bits;
constexpr std::uint32_t max_channel = (1u << channel_bits) - 1;
constexpr std::uint32_t max_target = (1u << target_bits) - 1;

// The routes: every delay and channel a word can name, channel fastest.
constexpr unsigned route_bits = channel_bits + delay_bits;
constexpr std::uint32_t route_count = 1u << route_bits;

// A word must be able to name every neuron, channel and ring slot a core can have.
static_assert(max_target + 1 == max_neurons, "the target field spans a core's neurons");
static_assert(max_channel + 1 == max_input_channels, "the channel field spans a neuron's inputs");
static_assert(max_delay == max_delay_slots, "the delay field spans a core's ring buffer");

struct fields {
    std::int32_t weight = 0;
    std::uint32_t delay = 1; // time steps, 1 to 16
    std::uint32_t channel = 0;
    std::uint32_t target = 0;
};

// Packs `f` into `word` when every field is within its range; otherwise leaves `word` alone.
constexpr bool encode(const fields& f, std::uint32_t& word) {
    if (f.weight < min_weight || f.weight > max_weight || f.delay < min_delay ||
        f.delay > max_delay || f.channel > max_channel || f.target > max_target) {
        return false;
    }
    word = (static_cast<std::uint32_t>(f.weight) & ((1u << weight_bits) - 1)) << weight_shift |
           (f.delay - min_delay) << delay_shift | f.channel << channel_shift | f.target;
    return true;
}

// The weight, sign-extended without implementation-defined conversions.
constexpr std::int32_t weight(std::uint32_t word) {
    constexpr std::uint32_t sign = 1u << (weight_bits - 1);
    return static_cast<std::int32_t>((word >> weight_shift) ^ sign) -
           static_cast<std::int32_t>(sign);
}
constexpr std::uint32_t delay(std::uint32_t word) {
    return ((word >> delay_shift) & (max_delay - 1)) + min_delay;
}
constexpr std::uint32_t channel(std::uint32_t word) {
    return (word >> channel_shift) & max_channel;
}
constexpr std::uint32_t target(std::uint32_t word) { return word & max_target; }
constexpr std::uint32_t route(std::uint32_t word) {
    return (word >> channel_shift) & (route_count - 1);
}
// The delay and the channel a route names.
constexpr std::uint32_t route_delay(std::uint32_t route) {
    return (route >> channel_bits) + min_delay;
}
constexpr std::uint32_t route_channel(std::uint32_t route) { return route & max_channel; }

// Every 32-bit word is a synaptic word; whether the core has its target, channel and delay is the
// kernel's question.
constexpr fields decode(std::uint32_t word) {
    return {weight(word), delay(word), channel(word), target(word)};
}

} // namespace sf::firmware::synapse
