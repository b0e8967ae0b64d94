#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/emulator/held_rows.hpp>
#include <sf/emulator/neuron_core.hpp>
#include <sf/firmware/master_table.hpp>

namespace sf::emulator {

// Where the synaptic rows of a spike go: to a core now, or held for whole steps first.
class row_sink {
public:
    virtual void deliver_row(std::size_t core, const firmware::synaptic_row& row) = 0;
    // A packet that reached `core`, whose master table (in `view`, which outlives the run) turns it
    // into rows. By default its rows are looked up at once and delivered; returns how many lookups
    // found nothing (firmware::for_each_row). A sink may look them up later instead, and count
    // what found nothing itself.
    virtual std::uint32_t deliver_packet(std::size_t core, const firmware::image::core_view& view,
                                         std::uint32_t key) {
        return firmware::for_each_row(
            view, key, [&](const firmware::synaptic_row& row) { deliver_row(core, row); });
    }

protected:
    ~row_sink() = default;
};

// How the spike of one neuron reaches the rows of the cores it targets: through the routers of a
// board image's chips (chip_network), or straight through a table of targets (fan_out).
class spike_router {
public:
    virtual ~spike_router() = default;
    virtual void send(std::size_t core, std::uint32_t neuron, row_sink& rows) = 0;
};

class worker_pool;
class spike_exchange;

// The share of a board one rank steps when the board's chips are spread over ranks: the rank
// steps and feeds only its `local` cores, exchanges each step's spikes with the other ranks, and
// routes all of them (the routers are the same on every rank), keeping the rows of its own cores.
struct board_share {
    spike_exchange* ranks = nullptr; // null: one process steps every core
    std::vector<bool> local;         // per core; empty when every core is local
};

// What a rank's exchange carried, for the run report.
struct exchange_counters {
    std::uint64_t exchanged = 0; // spikes of every rank, summed over the steps
    std::uint64_t sent = 0;      // spikes of this rank's cores routed
    std::uint64_t kept = 0;      // of those, spikes whose every row went to this rank's cores
};

// How much work a half step of a lockstep_board on several threads must hold for the other threads
// to be woken for it: waking them costs tens of microseconds, more on a busy machine, so a half
// step with less stays on the caller's thread. Where the work is done never changes what it
// computes, only how fast.
struct side_by_side_limits {
    std::uint64_t instructions = 65536; // the neuron programs of the last step, all cores together
    std::uint64_t words = 16384;        // the synaptic words of the step's rows
    std::uint64_t packets = 1024;       // or the packets whose rows the cores look up and the
                                        // held rows due
};
// Every half step side by side, however little it holds (what tests use to exercise the threads).
constexpr side_by_side_limits always_side_by_side{0, 0, 0};

// A board's cores stepping in lockstep, untimed: in each time step every core computes, then the
// rows whose hold ends are delivered, then every spike of the step travels through the router to
// its rows, all before the next step.
//
// On more than one thread the cores compute side by side, and the rows go out in two halves: the
// router runs on the caller's thread as on one, but each packet a core receives (or each row, from
// a router that gives rows) is queued for its core; then each core takes the held rows due now,
// looks up its packets' rows in its master table and takes those, the cores side by side. (A half
// step with little work stays on the caller's thread: waking the others would cost more than it
// saves.) A core gets its rows in the order one thread gives them (the order saturating sums depend
// on), and no core's work touches another's, so spikes, state words and counters are the same
// whatever the number of threads.
class lockstep_board final : public board_stepper, private row_sink {
public:
    // `router` belongs to the caller and outlives the board. `threads` (at least 1, at most one per
    // core used) step the cores; on more than one, each core must be an object of its own that any
    // thread may step (kernel cores are; the Verilated RTL cores stay on the thread that made them,
    // whose Verilator state they use).
    // With a `share`, the board is one rank's part of a board spread over ranks.
    lockstep_board(std::vector<std::unique_ptr<neuron_core>> cores, spike_router& router,
                   std::size_t threads = 1, side_by_side_limits limits = {},
                   board_share share = {});
    ~lockstep_board() override;
    lockstep_board(const lockstep_board&) = delete;
    lockstep_board& operator=(const lockstep_board&) = delete;

    void step() override;
    // Adds a spike of `s.neuron` of core `s.core` to the next step, as if the core had made it: it
    // is routed and listed in spikes() with the core's own (a source outside the board).
    void inject(const spike& s) override;
    // The number of the step computed last: 0 before the first.
    std::uint64_t step_number() const override { return step_; }
    // The spikes of the last step, core by core, neurons in increasing order (a core's injected
    // spikes after its own).
    const std::vector<spike>& spikes() const override { return spikes_; }

    std::size_t core_count() const override { return cores_.size(); }
    const neuron_core& core(std::size_t c) const override { return *cores_[c]; }
    board_counters counters() const override;
    // The threads that step the cores.
    std::size_t threads() const;
    // The half steps (the cores' computing, the rows' delivery) that woke the other threads.
    std::uint64_t side_by_side_halves() const { return side_by_side_halves_; }
    // What the exchange with the other ranks carried (all zero on one process).
    const exchange_counters& exchanged() const { return exchanged_; }

private:
    // A row queued for its core while the router runs. Rows are delivered core by core, each
    // core's in the order the router gave them (so its sums saturate as they would row by row),
    // on one thread too: a core's ring buffer then stays in the cache while its rows arrive.
    struct queued_row {
        const std::uint32_t* words = nullptr;
        std::uint32_t count = 0;
    };
    // A packet queued for its core, whose rows the core looks up when it takes its queue.
    struct queued_packet {
        const firmware::image::core_view* view = nullptr;
        std::uint32_t key = 0;
    };

    void deliver_row(std::size_t core, const firmware::synaptic_row& row) override;
    std::uint32_t deliver_packet(std::size_t core, const firmware::image::core_view& view,
                                 std::uint32_t key) override;
    void release_held_rows(std::size_t core);
    void look_up_rows(std::size_t core);
    void take_rows(std::size_t core);
    void compute_cores();
    void compute_side_by_side();
    void deliver_rows();
    void deliver_queued_rows();
    void exchange_spikes();
    void route_spikes();
    bool local(std::size_t core) const { return share_.local.empty() || share_.local[core]; }

    std::vector<std::unique_ptr<neuron_core>> cores_;
    spike_router& router_;
    std::unique_ptr<worker_pool> pool_; // null on one thread
    side_by_side_limits limits_;
    std::vector<std::vector<std::uint16_t>> spiked_;      // per core, on more than one thread
    std::vector<std::size_t> spiked_count_;               // per core, on more than one thread
    std::vector<std::vector<queued_row>> queued_;         // per core
    std::uint64_t queued_words_ = 0;                      // in the queues
    std::vector<std::vector<queued_packet>> packets_;     // per core
    std::uint64_t queued_packets_ = 0;                    // in the queues
    std::vector<std::uint64_t> unmatched_;                // per core: lookups that found nothing
    std::uint64_t last_instructions_ = ~std::uint64_t{0}; // of the last step; unknown at first
    std::uint64_t instructions_before_ = 0;               // the cores' total before this step
    std::vector<held_rows> held_;                         // per core
    std::vector<spike> spikes_;
    injected_spikes injected_;
    std::vector<std::uint16_t> buffer_;
    std::uint64_t step_ = 0;
    std::uint64_t side_by_side_halves_ = 0;
    double update_seconds_ = 0.0;
    double delivery_seconds_ = 0.0;
    board_share share_;
    std::vector<spike> all_spikes_; // every rank's, from the exchange
    exchange_counters exchanged_;
    bool crossed_ = false; // a packet of the spike being routed reached another rank's core
};

// Builds a lockstep_board of an image's cores and chips on `threads` threads (what
// functional_emulator builds when given no maker is the same on one).
board_maker lockstep_board_maker(std::size_t threads, side_by_side_limits limits = {});

} // namespace sf::emulator
