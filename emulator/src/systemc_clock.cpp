#include <cstdlib>

#include <systemc>

#include <sf/firmware/assert.hpp>

#include "systemc_clock.hpp"

// libsystemc calls sc_main from its own main(); programs using this model have their own main,
// but the library still needs the symbol to link.
int sc_main(int, char*[]) { return 1; }

namespace sf::emulator {

class systemc_clock::driver final : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(driver);
    explicit driver(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
        SC_THREAD(serve);
    }

    event_source* source = nullptr;
    std::uint64_t from = 0;  // the source's origin, in SystemC picoseconds
    std::uint64_t until = 0; // SystemC picoseconds
    sc_core::sc_event wake;
    sc_core::sc_trace_file* trace_file = nullptr;

    static std::uint64_t now_ps() {
        return static_cast<std::uint64_t>(sc_core::sc_time_stamp().value());
    }

private:
    void serve() {
        for (;;) {
            if (source == nullptr) {
                wait(wake);
                continue;
            }
            const std::uint64_t next = source->next_event();
            if (next == ~std::uint64_t{0} || from + next >= until) {
                source = nullptr;
                continue;
            }
            const std::uint64_t now = now_ps();
            if (from + next > now) {
                wait(sc_core::sc_time::from_value(from + next - now));
            }
            source->run_at(now_ps() - from);
        }
    }
};

systemc_clock::systemc_clock() {
    // The kernel's banner would land in a program's output.
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
    sc_core::sc_set_time_resolution(1, sc_core::SC_PS);
    driver_ = new driver("board_model");
}

systemc_clock& systemc_clock::instance() {
    static systemc_clock clock;
    return clock;
}

systemc_clock::origin systemc_clock::now() const { return {driver::now_ps()}; }

void systemc_clock::run(event_source& source, origin from, std::uint64_t until) {
    const std::uint64_t end = from.picoseconds + until;
    const std::uint64_t now = driver::now_ps();
    SF_ASSERT(end >= now);
    driver_->source = &source;
    driver_->from = from.picoseconds;
    driver_->until = end;
    if (started_) {
        driver_->wake.notify(sc_core::SC_ZERO_TIME);
    }
    started_ = true;
    sc_core::sc_start(sc_core::sc_time::from_value(end - now));
    driver_->source = nullptr;
}

bool systemc_clock::trace(const std::string& file,
                          const std::vector<std::pair<std::string, const std::uint32_t*>>& signals,
                          std::string& problem) {
    if (started_ || driver_->trace_file != nullptr) {
        problem = "only the first board model of a process can be traced";
        return false;
    }
    std::string base = file;
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) {
        base.resize(base.size() - 4);
    }
    driver_->trace_file = sc_core::sc_create_vcd_trace_file(base.c_str());
    if (driver_->trace_file == nullptr) {
        problem = "cannot write the trace file " + file;
        return false;
    }
    driver_->trace_file->set_time_unit(1, sc_core::SC_PS);
    for (const auto& [name, value] : signals) {
        sc_core::sc_trace(driver_->trace_file, *value, name);
    }
    return true;
}

void systemc_clock::close_trace() {
    if (driver_->trace_file != nullptr) {
        sc_core::sc_close_vcd_trace_file(driver_->trace_file);
        driver_->trace_file = nullptr;
    }
}

} // namespace sf::emulator
