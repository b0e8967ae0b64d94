#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/firmware/timing.hpp>

// The cycle-accurate board model (docs/timing.md): the image's cores run the firmware kernel, so
// every value is the kernel's, and the model adds the time each piece of work takes on the board
// — a core's timer tick, neuron programs, received packets and row fetches; a router's pipeline,
// its output queues, wait1, emergency routes, wait2 and drops; the links' transfer times; the
// monitor's re-injection of dropped packets. Time is SystemC's.
namespace sf::emulator {

// The links of one chip that carry a different rate from the board's.
struct chip_link_rate {
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    double packets_per_second = 0.0;
};

struct timed_board_config {
    firmware::timing::board_timing timing;
    double speedup = 1.0;                    // biological time over wall-clock time
    double link_packets_per_second = 6.25e6; // each direction of every link, unless listed below
    std::vector<chip_link_rate> link_rates;  // a link carries the lower of its two chips' rates
    std::string trace_file;                  // a VCD file to write, none when empty
    std::vector<std::string> trace_signals;  // names or patterns (`*` any text); empty: defaults
};

// What the model measured over a run, for docs/timing.md's report.
struct timing_report {
    struct core_line {
        std::uint32_t x = 0, y = 0, core = 0; // chip and core on the chip
        double mean_cycles = 0.0;             // busy cycles per step
        std::uint64_t max_cycles = 0;
        std::uint64_t overruns = 0;  // ticks that found the core still busy
        std::uint64_t packets = 0;   // packets received
        std::uint64_t late_rows = 0; // rows added after the tick they were due before
    };
    struct link_line {
        std::uint32_t x = 0, y = 0;
        int direction = 0;
        std::uint64_t packets = 0;
        double utilisation = 0.0; // share of the run the link was sending
    };
    struct router_line {
        std::uint32_t x = 0, y = 0;
        std::uint64_t packets = 0;
        std::uint32_t input_high_water = 0;  // the fullest link input queue
        std::uint32_t local_high_water = 0;  // packets from the chip's cores waiting to enter
        std::uint32_t output_high_water = 0; // the fullest link output queue
        std::uint64_t waited = 0;            // packets that found an output full
        std::uint64_t wait1_expired = 0;     // emergency routes taken
        std::uint64_t wait2_expired = 0;     // packets dropped
    };

    double dt = 0.0;           // biological seconds per step
    double step_seconds = 0.0; // on the board: dt over the speed-up
    std::uint64_t budget = 0;  // core cycles in one step
    std::uint64_t steps = 0;
    std::vector<core_line> cores;
    std::vector<link_line> links; // the links that carried any packet
    std::vector<router_line> routers;
    std::uint64_t overruns = 0;
    std::uint64_t late_rows = 0;
    std::uint64_t late_words = 0;
    std::uint64_t emergency_routed = 0;
    std::uint64_t dropped = 0;       // packets dropped after wait2
    std::uint64_t reinjected = 0;    // of those, sent again by the monitor
    std::uint64_t lost = 0;          // dropped with the monitor's queue full: gone for good
    std::uint64_t missing_words = 0; // the synaptic words the lost packets would have delivered
    std::uint64_t hop_limited = 0;   // copies stopped after more hops than the board has chips
    std::uint64_t router_cycles = 0; // router cycles simulated (idle ones skipped)
    double wall_seconds = 0.0;       // host time the model took

    // The mean over cores of max_cycles / budget: above 1, the step is too short.
    double worst_load() const;
    bool real_time() const { return overruns == 0 && late_rows == 0 && dropped == 0; }
};

// Writes the report as text (docs/timing.md shows an example).
void write_report(std::ostream& out, const timing_report& report);
// One line: whether the network runs in real time on this board and, if not, what must change.
std::string real_time_verdict(const timing_report& report);

class timed_model; // the cores, routers and links (in the emulator's sources)

class timed_board final : public board_stepper {
public:
    // `dt` is the image's step. Refuses (problem() says why) a configuration it cannot run.
    timed_board(board_parts& parts, const timed_board_config& config, double dt);
    ~timed_board() override;

    const std::string& problem() const { return problem_; }
    // What the model found it cannot do in time before running (a core whose neuron update alone
    // is longer than a step); the run goes on and counts the overruns.
    const std::vector<std::string>& warnings() const;

    void step() override;
    void inject(const spike& s) override;
    std::uint64_t step_number() const override;
    const std::vector<spike>& spikes() const override;
    std::size_t core_count() const override;
    const neuron_core& core(std::size_t c) const override;
    board_counters counters() const override;

    timing_report report() const;
    // The signals --trace can record, by name.
    std::vector<std::string> signal_names() const;

private:
    std::string problem_; // before the model, which reports into it as it is built
    std::unique_ptr<timed_model> model_;
};

// A maker for functional_emulator that steps the image's cores on the timed model; `made` (when
// given) is set to the board it builds.
board_maker timed_board_maker(timed_board_config config, timed_board** made = nullptr);

} // namespace sf::emulator
