#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// SystemC's simulated time, shared by every timed board of a process: one SystemC thread runs
// the events of the board that is stepping, waiting in simulated time between them. SystemC
// elaborates once per process, so the thread and any trace file are set up by the first board.
namespace sf::emulator {

class event_source {
public:
    // The model time (picoseconds since the source's origin) of its next event; ~0 for none.
    virtual std::uint64_t next_event() const = 0;
    // Runs every event due at `now`.
    virtual void run_at(std::uint64_t now) = 0;

protected:
    ~event_source() = default;
};

class systemc_clock {
public:
    // Where a source's time 0 is in SystemC's time.
    struct origin {
        std::uint64_t picoseconds = 0;
    };

    static systemc_clock& instance();

    // SystemC's time now, as a source's origin.
    origin now() const;
    // Runs `source`'s events due before `until` (its time) in SystemC, then lets SystemC's time
    // reach `until`.
    void run(event_source& source, origin from, std::uint64_t until);

    // Opens a VCD file and records the given values under their names; only before SystemC first
    // runs. False with `problem` set when it cannot.
    bool trace(const std::string& file,
               const std::vector<std::pair<std::string, const std::uint32_t*>>& signals,
               std::string& problem);
    // Closes the trace file, if any, so that it is complete on disk.
    void close_trace();

private:
    systemc_clock();
    class driver;
    driver* driver_ = nullptr; // owned by SystemC's module hierarchy
    bool started_ = false;
};

} // namespace sf::emulator
