#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/kernel.hpp>
#include <sf/firmware/protocol/status.hpp>

// What the board side has refused, dropped and passed on since it started (docs/protocol.md,
// "Counters"): nothing a link loses or a queue cannot hold goes uncounted. Freestanding.
namespace sf::firmware::protocol {

struct board_counters {
    std::uint64_t refused[reason_count] = {}; // by reason; refused[0] stays 0
    // The spikes_in stream.
    std::uint64_t inject_frames = 0;
    std::uint64_t inject_events = 0;  // passed to the board
    std::uint64_t inject_lost = 0;    // never arrived (gaps in the event indices)
    std::uint64_t inject_late = 0;    // for a step the board had already computed
    std::uint64_t inject_dropped = 0; // the board's input queue had no room
    // The spikes_out stream.
    std::uint64_t output_frames = 0;
    std::uint64_t output_events = 0;
    std::uint64_t output_dropped = 0; // spikes the board's output queue could not hold
    // Image chunks written (each once).
    std::uint64_t chunks_written = 0;
    kernel_counters kernel; // of all cores together
    // Wall-clock time the board spent computing steps, in microseconds (0 when it cannot tell):
    // what a host's wait for a step was the board's and not the link's.
    std::uint64_t compute_microseconds = 0;
};

constexpr std::uint64_t& refused(board_counters& c, reason why) {
    return c.refused[static_cast<std::size_t>(why)];
}
constexpr std::uint64_t refused(const board_counters& c, reason why) {
    return c.refused[static_cast<std::size_t>(why)];
}

// The counters in wire order: refused[1..], the streams', chunks, the kernel's, then the board's
// compute time.
constexpr std::size_t counter_values = (reason_count - 1) + 9 + 10 + 1;

template <class Visit>
constexpr void visit_counters(board_counters& c, Visit&& visit) {
    for (std::size_t r = 1; r < reason_count; ++r) {
        visit(c.refused[r]);
    }
    kernel_counters& k = c.kernel;
    std::uint64_t* const values[] = {&c.inject_frames,   &c.inject_events,       &c.inject_lost,
                                     &c.inject_late,     &c.inject_dropped,      &c.output_frames,
                                     &c.output_events,   &c.output_dropped,      &c.chunks_written,
                                     &k.steps,           &k.neuron_updates,      &k.instructions,
                                     &k.spikes,          &k.unreported_spikes,   &k.delivered_words,
                                     &k.input_overflows, &k.dropped_words,       &k.saturations,
                                     &k.program_faults,  &c.compute_microseconds};
    static_assert(sizeof(values) / sizeof(values[0]) + reason_count - 1 == counter_values,
                  "every counter has its place on the wire");
    for (std::uint64_t* v : values) {
        visit(*v);
    }
}

} // namespace sf::firmware::protocol
