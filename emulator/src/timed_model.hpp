#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/held_rows.hpp>
#include <sf/emulator/timed_board.hpp>

#include "systemc_clock.hpp"

// The pieces of the timed board model (docs/timing.md). Times are picoseconds from the first
// tick; routers and links move on router cycles, cores on their own clock's cycles.
namespace sf::emulator {

using picoseconds = std::uint64_t;
constexpr picoseconds never = ~picoseconds{0};

// A multicast packet inside the model.
struct flit {
    std::uint32_t key = 0;
    int arrived_from = chip_network::from_core;
    int second_leg = -1;       // on an emergency route's middle chip: the link to leave by
    int emergency_arrival = 0; // and the link it then arrives on, as its normal route would
    std::uint64_t spike = 0;   // numbers the spike, for chip_network's loop check
    std::uint64_t step = 0;    // the step whose spike it carries
    std::uint32_t hops = 0;
};

// A synaptic row on its way into a core.
struct row_job {
    firmware::synaptic_row row;
    std::uint64_t step = 0; // the step it belongs to: it must be added before the next tick
    picoseconds ready = 0;  // when its fetch is done
};

struct timed_core {
    std::unique_ptr<neuron_core> core;
    std::size_t chip = 0;
    std::uint32_t place = 0; // the core's number on its chip
    std::uint64_t program_cycles = 0;
    std::uint32_t key = 0; // of its neurons' packets
    bool sends = false;
    // Work waiting: received rows to look up, fetched rows to add, the tick's neuron update.
    std::deque<row_job> lookups;
    std::deque<row_job> fetched;
    bool update_pending = false;
    std::vector<std::uint16_t> update_spikes;
    picoseconds busy_until = 0;
    bool busy = false;
    bool adding = false; // the job under way adds `added` to the ring buffer when it ends
    row_job added;
    // Measured.
    std::uint64_t step_cycles = 0; // busy cycles charged to the current step
    std::uint64_t total_cycles = 0;
    std::uint64_t max_cycles = 0;
    std::uint64_t overruns = 0;
    std::uint64_t packets = 0;
    std::uint64_t late_rows = 0;
    std::uint64_t late_words = 0;
    std::uint32_t traced_busy = 0;
    std::uint32_t traced_queue = 0;
};

struct timed_link {
    int to_chip = -1;                              // the chip at the other end; -1 for no link
    picoseconds per_packet = 0;                    // transfer time
    std::deque<flit> queue;                        // the output queue
    std::deque<std::pair<picoseconds, flit>> wire; // sent, arriving at the times given
    picoseconds free_at = 0;
    std::uint64_t packets = 0;
    picoseconds busy = 0;
    std::uint32_t high_water = 0;
    std::uint32_t traced_queue = 0;
};

struct local_entry {
    picoseconds at = 0;
    std::uint64_t order = 0;
    flit packet;
    bool operator>(const local_entry& o) const { return at != o.at ? at > o.at : order > o.order; }
};

struct copy_out {
    int link = 0;
    flit packet;
};

struct timed_router {
    std::deque<flit> inputs[firmware::image::link_count];
    std::priority_queue<local_entry, std::vector<local_entry>, std::greater<>> local;
    std::deque<std::pair<std::uint64_t, flit>> pipeline; // leaving at the router cycle given
    bool holding = false;                                // a packet waits in the output stage
    flit held;
    std::vector<copy_out> copies;
    std::vector<std::pair<std::size_t, firmware::synaptic_row>> rows;
    std::uint32_t waited = 0;
    bool rerouted = false;
    int next_input = 0; // round-robin arbitration: where the next search starts
    std::deque<flit> monitor;
    std::uint64_t next_reinjection = 0;
    timed_link links[firmware::image::link_count];
    bool active = false;
    timing_report::router_line measured;
    std::uint32_t traced_inputs = 0;
    std::uint32_t traced_blocked = 0;
};

// The whole model: cores, routers and links, driven by SystemC's clock through event_source.
class timed_model final : public event_source, private row_sink {
public:
    timed_model(board_parts& parts, const timed_board_config& config, double dt,
                std::string& problem);
    ~timed_model();

    void step();
    void inject(const spike& s) { injected_.add(s); }
    std::uint64_t step_number() const { return step_; }
    const std::vector<spike>& spikes() const { return spikes_; }
    std::size_t core_count() const { return cores_.size(); }
    const neuron_core& core(std::size_t c) const { return *cores_[c].core; }
    // Adds what the model counts besides the cores: the held rows and the host time.
    void add_counters(board_counters& total) const;
    timing_report report() const;
    std::vector<std::string> signal_names() const;
    const std::vector<std::string>& warnings() const { return warnings_; }

    picoseconds next_event() const override;
    void run_at(picoseconds now) override;

private:
    struct core_event {
        picoseconds at = 0;
        std::uint64_t order = 0;
        std::size_t core = 0;
        bool operator>(const core_event& o) const {
            return at != o.at ? at > o.at : order > o.order;
        }
    };

    // Start-up (timed_board.cpp).
    void build(board_parts& parts, const timed_board_config& config);
    void build_links(const timed_board_config& config);
    void trace(const timed_board_config& config, std::string& problem);
    void tick();

    // Cores (timed_cores.cpp).
    picoseconds core_time(std::uint64_t cycles) const;
    void wake(std::size_t core, picoseconds now);
    void start_job(std::size_t core, picoseconds now);
    void finish_job(timed_core& c);
    void charge(timed_core& c, std::size_t index, std::uint64_t cycles, picoseconds now);
    void run_update(timed_core& c, std::size_t index, picoseconds now);
    void start_fetch(std::size_t core, row_job job, picoseconds now);
    void add_row(timed_core& c, const row_job& job);
    void schedule(std::size_t core, picoseconds at);
    void deliver_row(std::size_t core, const firmware::synaptic_row& row) override;

    // Routers and links (timed_routers.cpp).
    void router_cycle(std::uint64_t cycle);
    void send_on_links(timed_router& r, picoseconds now);
    void deliver_arrivals(std::size_t chip, picoseconds now);
    void advance_output(std::size_t chip, std::uint64_t cycle);
    void decide_output(std::size_t chip);
    bool try_commit(std::size_t chip, picoseconds now);
    void wait_or_drop(std::size_t chip);
    bool take_emergency_routes(std::size_t chip);
    void drop(std::size_t chip);
    void arbitrate(std::size_t chip, std::uint64_t cycle);
    void reinject(std::size_t chip, std::uint64_t cycle);
    void send_from_core(std::size_t chip, picoseconds at, const flit& f);
    void activate(std::size_t chip);
    std::uint64_t next_router_cycle(std::uint64_t after) const;
    bool router_idle(const timed_router& r) const;

    firmware::timing::board_timing timing_;
    chip_network& network_;
    bool hexagonal_ = false;
    std::vector<timed_core> cores_;
    std::vector<timed_router> routers_;
    std::vector<picoseconds> memory_free_; // per chip: when its memory takes the next fetch
    std::vector<std::size_t> active_;      // chips whose routers or links have work
    held_rows held_;

    picoseconds step_ps_ = 0;
    picoseconds router_ps_ = 0;
    std::uint64_t budget_ = 0;
    double dt_ = 0.0;
    double speedup_ = 1.0;
    std::uint64_t step_ = 0;
    std::uint64_t next_cycle_ = ~std::uint64_t{0}; // the router cycle to run next
    std::uint64_t cycles_run_ = 0;
    std::priority_queue<core_event, std::vector<core_event>, std::greater<>> events_;
    std::uint64_t order_ = 0;
    std::uint64_t spike_serial_ = std::uint64_t{1} << 62;
    std::uint32_t hop_limit_ = 0;
    std::vector<spike> spikes_;
    injected_spikes injected_;
    std::vector<std::uint16_t> buffer_;
    std::vector<std::pair<std::size_t, firmware::synaptic_row>>* capture_ = nullptr;
    std::vector<chip_network::packet> onward_; // a routed packet's copies, reused

    // Measured.
    timing_report totals_;
    double wall_seconds_ = 0.0;
    std::uint32_t traced_step_ = 0;
    std::uint32_t traced_active_routers_ = 0;
    std::uint32_t traced_dropped_ = 0;
    std::vector<std::pair<std::string, const std::uint32_t*>> signals_;
    bool tracing_ = false;
    std::vector<std::string> warnings_;
    std::uint64_t first_free_cycle_ = 0; // router cycles before this one have run
    systemc_clock::origin origin_;
};

} // namespace sf::emulator
