#pragma once

#include <cstdint>

// What a neuron program compiled to machine code for one run (docs/native-code.md) receives in
// place of the kernel's op loop: the kernel's own arrays and where the step is. The generated
// source declares the same struct, field for field; the tests compare their results.
namespace sf::firmware {

struct native_frame {
    std::int32_t* state;       // slot-major: slot s of neuron n at s × neurons + n
    const std::int32_t* input; // this step's ring slot: channel c of neuron n at c × neurons + n
    std::int32_t* spikes;      // per neuron, set to -1 by `spike`
    std::uint32_t neurons;
    std::uint32_t step;         // what `ldt` reads
    std::uint32_t seed;         // the core's, for `rand`
    std::uint32_t first_neuron; // the core's first neuron, for `rand`
};

// Runs the program for every neuron of a core once; returns how many results it clamped. It reads
// and writes only through the frame, so calls for different cores may run at the same time.
using native_step = std::uint64_t (*)(const native_frame* frame);

} // namespace sf::firmware
