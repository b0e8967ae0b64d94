#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sf/firmware/image.hpp>
#include <sf/firmware/kernel.hpp>

// The functional emulator: a board image run core by core and chip by chip, one time step at a
// time. Every core runs the firmware kernel; a spike leaves its core as a multicast packet
// (key | neuron) and travels through the routers of the image's chips — first matching entry,
// default route straight on, dropped when nothing routes it — to the cores it reaches, whose
// master tables turn it into synaptic rows. Untimed: all packets of a step arrive before the next.
// Each chip is handled on its own (its router, its cores), so that chips can later be spread over
// processes exchanging the packets of each step.
namespace sf::emulator {

struct router_counters {
    std::uint64_t packets = 0;         // packets handled (from a link or from a core of the chip)
    std::uint64_t routed = 0;          // matched an entry
    std::uint64_t default_routed = 0;  // matched none and went straight on
    std::uint64_t dropped = 0;         // matched none and came from a core of the chip
    std::uint64_t lost = 0;            // copies sent to a dead link, off the grid, to a failed chip or a missing core
    std::uint64_t delivered = 0;       // copies given to cores of the chip
};

struct functional_counters {
    firmware::kernel_counters cores;   // summed over the cores
    router_counters routers;           // summed over the chips
    std::uint64_t unmatched_keys = 0;  // packets reaching a core whose master table has no entry for them
    std::uint64_t looped = 0;          // copies stopped at a chip their spike had already reached (a loop or a second path)
    std::uint64_t held_rows = 0;       // rows delivered after a hold
};

// What the image's recording section asks for, filled step by step.
struct recorded_trace {
    std::string path;
    std::size_t columns = 0;
    std::vector<float> rows; // per step: the time, then each column
};

struct recorded_events {
    std::string path;
    bool id_first = false;
    std::vector<std::pair<double, std::string>> events;
};

class functional_emulator {
public:
    // Starts every core of an image. When the image is refused (check_image) or a core refuses its
    // configuration, the emulator is not ready and problem() says where and why.
    functional_emulator(const std::uint32_t* words, std::size_t count);
    ~functional_emulator();
    functional_emulator(const functional_emulator&) = delete;
    functional_emulator& operator=(const functional_emulator&) = delete;

    bool ready() const { return problem_.empty(); }
    const std::string& problem() const { return problem_; }

    double dt() const { return dt_; }
    std::uint64_t steps() const { return steps_; }

    // Records the state before the first step (the t = 0 row), then runs `steps` steps, recording
    // after each.
    void run(std::uint64_t steps);
    // One step: every core, then every packet of its spikes.
    void step();

    const std::vector<recorded_trace>& traces() const { return traces_; }
    const std::vector<recorded_events>& events() const { return events_; }
    functional_counters counters() const;
    std::size_t core_count() const;
    std::size_t chip_count() const;
    const router_counters& router(std::size_t chip) const;
    const firmware::kernel& core(std::size_t c) const;
    // The first program fault of any core: the core's number and the report.
    std::pair<std::size_t, firmware::fault_report> first_fault() const;

private:
    struct core_state;
    struct chip_state;

    void load(const std::uint32_t* words, std::size_t count);
    void route(std::size_t chip, std::uint32_t key, int arrived_from);
    void deliver(std::size_t core, std::uint32_t key);
    void record();

    std::vector<std::unique_ptr<core_state>> cores_;
    std::vector<std::unique_ptr<chip_state>> chips_;
    std::vector<int> chip_at_;      // width × height: index into chips_, or -1
    std::uint32_t width_ = 0;
    std::uint32_t height_ = 0;
    bool wraps_ = false;
    // Packets still travelling in this step: the chip they reach and the link they came in on.
    struct pending {
        std::size_t chip;
        std::uint32_t key;
        int arrived_from;
    };
    std::vector<pending> route_later_;
    double dt_ = 0.0;
    std::uint64_t steps_ = 0;
    std::uint64_t step_ = 0;
    double time_ = 0.0;
    std::uint64_t spike_serial_ = 0; // numbers each spike sent, for chip_state::reached_by
    std::vector<recorded_trace> traces_;
    std::vector<recorded_events> events_;
    struct column {
        std::uint32_t core = firmware::image::constant_column;
        std::uint32_t neuron = 0;
        std::uint32_t slot = 0;
        double unit = 0.0;
    };
    std::vector<std::vector<column>> columns_; // per trace
    // Per core, per neuron: the event files and ids its spikes go to.
    std::vector<std::vector<std::vector<std::pair<std::size_t, std::string>>>> listeners_;
    // Rows waiting for their hold, listed by the step they are delivered in: one list per step
    // that has any, so memory follows the rows waiting, whatever the holds; emptied lists are
    // kept for reuse.
    struct held_row {
        std::size_t core;
        const std::uint32_t* words;
        std::uint32_t count;
    };
    std::unordered_map<std::uint64_t, std::vector<held_row>> held_;
    std::vector<std::vector<held_row>> spare_lists_;
    std::vector<std::uint16_t> buffer_;
    std::uint64_t unmatched_ = 0;
    std::uint64_t looped_ = 0;
    std::uint64_t held_rows_ = 0;
    std::vector<std::uint32_t> image_; // the image, kept: views point into it
    std::string problem_;
};

} // namespace sf::emulator
