// Two runs of one image stepped side by side, every step's spikes, synaptic words and state words
// compared: how an executor shows it computes what the functional emulator computes.
#pragma once

#include <cstddef>
#include <cstdint>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>

namespace sf::emulator::test {

// Steps both through the whole run from its t = 0 row; the first difference fails the test with
// its step, core, neuron and slot.
inline void expect_same_steps(functional_emulator& reference, functional_emulator& ours) {
    REQUIRE(reference.ready());
    REQUIRE(ours.ready());
    REQUIRE(ours.core_count() == reference.core_count());
    ours.run(0);
    reference.run(0);
    for (std::uint64_t s = 0; s < reference.steps(); ++s) {
        reference.step();
        ours.step();
        INFO("step " << s + 1);
        const auto& a = reference.last_spikes();
        const auto& b = ours.last_spikes();
        REQUIRE(a.size() == b.size());
        for (std::size_t k = 0; k < a.size(); ++k) {
            REQUIRE((a[k].core == b[k].core && a[k].neuron == b[k].neuron));
        }
        REQUIRE(ours.counters().cores.delivered_words ==
                reference.counters().cores.delivered_words);
        for (std::size_t c = 0; c < reference.core_count(); ++c) {
            const auto& core = reference.core(c);
            for (std::size_t n = 0; n < core.neuron_count(); ++n) {
                for (std::size_t slot = 0; slot < 32; ++slot) {
                    if (core.state(n, slot) != ours.core(c).state(n, slot)) {
                        FAIL("core " << c << " neuron " << n << " slot " << slot << ": "
                                     << core.state(n, slot) << " against "
                                     << ours.core(c).state(n, slot));
                    }
                }
            }
        }
    }
}

} // namespace sf::emulator::test
