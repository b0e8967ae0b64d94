#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/chip_partition.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/firmware/image.hpp>
#include <sf/firmware/kernel.hpp>

// The functional emulator: a board image run core by core and chip by chip, one time step at a
// time, untimed: every core runs the firmware kernel (kernel_core), every spike travels through
// the image's routers (chip_network) within its step, and the board steps them in lockstep
// (lockstep_board). It adds to them the image's start-up and its recordings.
namespace sf::emulator {

struct functional_counters {
    firmware::kernel_counters cores; // summed over the cores
    router_counters routers;         // summed over the chips
    std::uint64_t unmatched_keys =
        0; // packets reaching a core whose master table has no entry for them
    std::uint64_t looped =
        0; // copies stopped at a chip their spike had already reached (a loop or a second path)
    std::uint64_t held_rows = 0; // rows delivered after a hold
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

class remote_core;
class spike_exchange;

class functional_emulator {
public:
    // Starts every core of an image. When the image is refused (check_image) or a core refuses its
    // configuration, the emulator is not ready and problem() says where and why.
    functional_emulator(const std::uint32_t* words, std::size_t count);
    // The same, with the cores stepped by what `make_board` builds (lockstep when empty).
    functional_emulator(const std::uint32_t* words, std::size_t count, board_maker make_board);
    // One rank's part of a run spread over `ranks` (more than one): the image's chips are shared
    // out (partition_chips by the cores they use), this rank starts and steps only the cores of
    // its own chips, and the board (lockstep_board_maker's) exchanges every step's spikes. Every
    // rank must make the same calls; after gather_ranks() the counters are the whole board's.
    functional_emulator(const std::uint32_t* words, std::size_t count, board_maker make_board,
                        spike_exchange& ranks);
    // The same two for words that `owner` keeps in memory (a file's mapping, say), kept by the
    // emulator for its run instead of a copy, so that a large image is in memory once.
    functional_emulator(const std::uint32_t* words, std::size_t count,
                        std::shared_ptr<const void> owner, board_maker make_board);
    functional_emulator(const std::uint32_t* words, std::size_t count,
                        std::shared_ptr<const void> owner, board_maker make_board,
                        spike_exchange& ranks);
    ~functional_emulator();
    functional_emulator(const functional_emulator&) = delete;
    functional_emulator& operator=(const functional_emulator&) = delete;

    bool ready() const { return problem_.empty(); }
    const std::string& problem() const { return problem_; }

    double dt() const { return dt_; }
    std::uint64_t steps() const { return steps_; }

    // Told every step_progress_interval steps how many of the run's steps are done.
    using step_progress = std::function<void(std::uint64_t done, std::uint64_t total)>;
    static constexpr std::uint64_t step_progress_interval = 256;

    // Records the state before the first step (the t = 0 row), then runs `steps` steps, recording
    // after each.
    void run(std::uint64_t steps, const step_progress& progress = {});
    // One step: every core, then every packet of its spikes.
    void step();

    // A spike of `neuron` of core `core` from outside the board in the next step: routed and
    // recorded as the core's own spikes are.
    void inject(std::size_t core, std::uint32_t neuron);
    // The core that sends `key` and the neuron it names (the key's bits outside the core's mask);
    // false when no core sends it.
    bool owner_of(std::uint32_t key, std::size_t& core, std::uint32_t& neuron) const;
    // The routing key of a neuron's spikes (its core's key OR the neuron).
    std::uint32_t key_of(std::size_t core, std::uint32_t neuron) const {
        return senders_[core].key | neuron;
    }
    // The spikes of the last step, own and injected, core by core.
    const std::vector<spike>& last_spikes() const;

    // What steps the cores: null when the emulator is not ready.
    const board_stepper* board() const { return board_.get(); }

    const std::vector<recorded_trace>& traces() const { return traces_; }
    const std::vector<recorded_events>& events() const { return events_; }
    functional_counters counters() const;
    std::size_t core_count() const;
    std::size_t chip_count() const;
    const router_counters& router(std::size_t chip) const;
    const neuron_core& core(std::size_t c) const;
    // The first program fault of any core: the core's number and the report.
    std::pair<std::size_t, firmware::fault_report> first_fault() const;

    // Spread over ranks: the chips each rank runs (empty on one process), and whether this rank
    // steps core `c`.
    const chip_partition& partition() const { return partition_; }
    bool local(std::size_t c) const { return local_.empty() || local_[c]; }
    // Collective, after the run: every core's counters and fault and the held rows reach every
    // rank, and rank 0's recorded traces get the columns of the other ranks' cores. Nothing on
    // one process.
    void gather_ranks();

private:
    struct column {
        std::uint32_t core = firmware::image::constant_column;
        std::uint32_t neuron = 0;
        std::uint32_t slot = 0;
        double unit = 0.0;
    };
    struct sender {
        std::uint32_t key = 0;
        std::uint32_t mask = 0;
        std::uint32_t neurons = 0;
        bool sends = false;
    };
    // Per core, per neuron: the event files and ids its spikes go to.
    using listener_list = std::vector<std::pair<std::size_t, std::string>>;

    functional_emulator(std::shared_ptr<const std::vector<std::uint32_t>> copy,
                        board_maker make_board);
    functional_emulator(std::shared_ptr<const std::vector<std::uint32_t>> copy,
                        board_maker make_board, spike_exchange& ranks);
    void open(const std::uint32_t* words, std::size_t count, std::shared_ptr<const void> owner);
    void load(const std::uint32_t* words, std::size_t count);
    void load_core(const firmware::image::core_view& view, std::uint32_t index);
    void load_traces(firmware::image::cursor& c);
    void load_event_files(firmware::image::cursor& c);
    void start_cores();
    void share_chips();
    bool check_own_core(std::size_t core);
    void record();
    void gather_core_results();
    void gather_traces();

    std::unique_ptr<chip_network> network_;
    std::vector<std::unique_ptr<neuron_core>> cores_;       // until the board takes them
    std::vector<std::uint32_t> neurons_;                    // per core
    std::vector<std::uint32_t> state_words_;                // per core
    std::vector<sender> senders_;                           // per core
    std::vector<firmware::image::core_view> core_sections_; // until the board takes them
    const std::uint32_t* words_ = nullptr;                  // the image's, which image_ keeps
    board_maker make_board_;
    std::unique_ptr<board_stepper> board_;
    double dt_ = 0.0;
    std::uint64_t steps_ = 0;
    double time_ = 0.0;
    std::vector<recorded_trace> traces_;
    std::vector<recorded_events> events_;
    std::vector<std::vector<column>> columns_; // per trace
    std::vector<std::vector<listener_list>> listeners_;
    std::shared_ptr<const void> image_; // keeps the image: the cores' rows point into it
    std::string problem_;
    spike_exchange* ranks_ = nullptr;  // spread over ranks when set
    chip_partition partition_;         // when spread over ranks
    std::vector<bool> local_;          // per core, when spread over ranks
    std::vector<remote_core*> remote_; // per core: its stand-in, or null (board owns)
    bool started_ = false;
    std::uint64_t gathered_held_rows_ = 0;      // every rank's, after gather_ranks()
    std::uint64_t gathered_unmatched_keys_ = 0; // every rank's cores' lookups, after gather_ranks()
    bool gathered_ = false;
};

} // namespace sf::emulator
