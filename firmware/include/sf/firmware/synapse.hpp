#pragma once

#include <cstdint>

// The synaptic word (docs/kernel.md): one synapse of a row that a spike delivers to a core.
//   bits 31-16  weight, signed 16-bit, in the raw units of the target's input channel
//   bits 15-12  delay - 1 (delays of 1 to 16 time steps)
//   bits 11-8   input channel of the target neuron
//   bits  7-0   target neuron within the core
namespace sf::firmware::synapse {

constexpr std::int32_t min_weight = -(1 << 15);
constexpr std::int32_t max_weight = (1 << 15) - 1;
constexpr std::uint32_t min_delay = 1;
constexpr std::uint32_t max_delay = 16;
constexpr std::uint32_t max_channel = 15;
constexpr std::uint32_t max_target = 255;

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
    word = (static_cast<std::uint32_t>(f.weight) & 0xFFFFu) << 16 | (f.delay - 1) << 12 |
           f.channel << 8 | f.target;
    return true;
}

// The weight, sign-extended from 16 bits without implementation-defined conversions.
constexpr std::int32_t weight(std::uint32_t word) {
    return static_cast<std::int32_t>((word >> 16) ^ 0x8000u) - 0x8000;
}
constexpr std::uint32_t delay(std::uint32_t word) { return ((word >> 12) & 0xFu) + 1; }
constexpr std::uint32_t channel(std::uint32_t word) { return (word >> 8) & 0xFu; }
constexpr std::uint32_t target(std::uint32_t word) { return word & 0xFFu; }
// Delay and channel together (bits 15-8): where in a core's ring the target's sum is.
constexpr std::uint32_t route(std::uint32_t word) { return (word >> 8) & 0xFFu; }

// Every 32-bit word is a synaptic word; whether the core has its target, channel and delay is the
// kernel's question.
constexpr fields decode(std::uint32_t word) {
    return {weight(word), delay(word), channel(word), target(word)};
}

} // namespace sf::firmware::synapse
