#pragma once

#include <cstdint>

// The numbers of the `rand` instruction (docs/isa.md). They are a hash of where they are drawn —
// core seed, neuron, time step, instruction — rather than the next output of a generator with
// state, so every executor gets the same numbers whatever order it runs neurons and instructions
// in: one neuron after another, one instruction over all neurons, or all neurons in parallel.
namespace sf::firmware::isa {

// Spreads consecutive step numbers over the whole word before the first mix (2^32 / golden ratio,
// odd, so that different steps stay different).
constexpr std::uint32_t random_step_spread = 0x9E3779B9u;

// MurmurHash3's 32-bit finaliser: xor-shifts and two odd multiplies, a bijection of the word in
// which every input bit flips about half of the output bits.
constexpr std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

// 32 well-mixed bits for `rand` number `instruction` of a program, run for `neuron` of a core
// seeded with `seed` in time step `step`. Arithmetic is modulo 2^32. For a fixed seed, different
// steps give different first mixes, and each later mix keeps different inputs different.
constexpr std::uint32_t random_bits(std::uint32_t seed, std::uint32_t neuron, std::uint32_t step,
                                    std::uint32_t instruction) {
    return mix32(mix32(mix32(seed + step * random_step_spread) ^ neuron) + instruction);
}

// What `rand rd` writes: the hash without its lowest bit, in [0, 2^31), a uniform fraction with 31
// fractional bits.
constexpr std::int32_t random_fraction(std::uint32_t seed, std::uint32_t neuron, std::uint32_t step,
                                       std::uint32_t instruction) {
    return static_cast<std::int32_t>(random_bits(seed, neuron, step, instruction) >> 1);
}

} // namespace sf::firmware::isa
