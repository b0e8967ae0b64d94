#include <sf/emulator/functional.hpp>
#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/spike_exchange.hpp>
#include <sf/firmware/assert.hpp>

#include "remote_core.hpp"

namespace sf::emulator {
namespace image = firmware::image;

namespace {

// Reads a string field at a cursor into a std::string.
std::string next_text(image::cursor& c) {
    std::uint32_t length = 0;
    const char* bytes = c.text(length, "text");
    return bytes != nullptr ? std::string(bytes, length) : std::string();
}

std::string describe(const image::check_result& checked) {
    return std::string("the image is refused: ") + image::describe(checked.what) +
           (checked.field[0] != '\0' ? std::string(" (") + checked.field + ")" : std::string()) +
           " in section " + std::to_string(checked.section) + " (kind " +
           std::to_string(checked.kind) + ", index " + std::to_string(checked.index) +
           ") at word " + std::to_string(checked.offset);
}

} // namespace

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count)
    : functional_emulator(words, count, board_maker()) {}

namespace {

// A copy of the words, which the emulator keeps for its run.
std::shared_ptr<const std::vector<std::uint32_t>> copy_of(const std::uint32_t* words,
                                                          std::size_t count) {
    return std::make_shared<const std::vector<std::uint32_t>>(words, words + count);
}

} // namespace

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count,
                                         board_maker make_board)
    : functional_emulator(copy_of(words, count), std::move(make_board)) {}

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count,
                                         board_maker make_board, spike_exchange& ranks)
    : functional_emulator(copy_of(words, count), std::move(make_board), ranks) {}

functional_emulator::functional_emulator(std::shared_ptr<const std::vector<std::uint32_t>> copy,
                                         board_maker make_board)
    : functional_emulator(copy->data(), copy->size(), copy, std::move(make_board)) {}

functional_emulator::functional_emulator(std::shared_ptr<const std::vector<std::uint32_t>> copy,
                                         board_maker make_board, spike_exchange& ranks)
    : functional_emulator(copy->data(), copy->size(), copy, std::move(make_board), ranks) {}

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count,
                                         std::shared_ptr<const void> owner, board_maker make_board)
    : make_board_(std::move(make_board)) {
    open(words, count, std::move(owner));
}

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count,
                                         std::shared_ptr<const void> owner, board_maker make_board,
                                         spike_exchange& ranks)
    : make_board_(std::move(make_board)), ranks_(&ranks) {
    SF_ASSERT(ranks.ranks() > 1);
    open(words, count, std::move(owner));
}

// Over ranks, the cores' checksums and synaptic matrices are checked only for the rank's own
// cores, once it knows them (check_own_core): a rank need not read the others' matrices at all.
void functional_emulator::open(const std::uint32_t* words, std::size_t count,
                               std::shared_ptr<const void> owner) {
    const image::check_result checked = image::check_image(
        words, count,
        ranks_ != nullptr ? image::core_sections::without_matrices : image::core_sections::whole);
    if (!checked) {
        problem_ = describe(checked);
        return;
    }
    image_ = std::move(owner);
    words_ = words;
    load(words, count);
}

// A core's section begins right before its fields; the sections before it are the machine's, the
// chips' and the cores' before it (check_image has checked that order).
bool functional_emulator::check_own_core(std::size_t core) {
    const auto at = static_cast<std::size_t>(core_sections_[core].fields - words_) -
                    image::section_header_words;
    const auto position = static_cast<std::uint32_t>(1 + network_->chip_count() + core);
    const image::check_result checked = image::check_core_section(words_, at, position);
    if (!checked) {
        problem_ = describe(checked);
    }
    return static_cast<bool>(checked);
}

functional_emulator::~functional_emulator() = default;

void functional_emulator::load(const std::uint32_t* words, std::size_t count) {
    image::sections walk(words, count);
    image::section_view s;
    image::machine_view machine;
    bool recording = false;
    while (problem_.empty() && walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        switch (s.kind) {
        case image::section_kind::machine:
            image::read_machine(c, machine);
            dt_ = machine.dt;
            steps_ = machine.steps;
            network_ = std::make_unique<chip_network>(machine);
            break;
        case image::section_kind::chip: {
            image::chip_view chip;
            image::read_chip(c, chip);
            problem_ = network_->add_chip(chip, s.index);
            break;
        }
        case image::section_kind::core: {
            image::core_view core;
            image::read_core(c, core);
            load_core(core, s.index);
            break;
        }
        case image::section_kind::recording:
            start_cores();
            if (!problem_.empty()) {
                break;
            }
            recording = true;
            load_traces(c);
            if (problem_.empty()) {
                load_event_files(c);
            }
            break;
        case image::section_kind::report: break;
        }
    }
    if (problem_.empty() && !started_) {
        start_cores();
    }
    if (!problem_.empty()) {
        return;
    }
    if (!recording) {
        problem_ = "the image has no recording section";
        return;
    }
    network_->mark_dead_links(machine);
    if (!make_board_) {
        board_ = std::make_unique<lockstep_board>(
            std::move(cores_), *network_, 1, side_by_side_limits{}, board_share{ranks_, local_});
        return;
    }
    board_parts parts{std::move(cores_),         network_.get(), machine,
                      std::move(core_sections_), ranks_,         local_};
    board_ = make_board_(parts, problem_);
    SF_ASSERT(board_ != nullptr || !problem_.empty());
}

void functional_emulator::load_core(const image::core_view& view, std::uint32_t index) {
    problem_ = network_->add_core(view, index);
    if (!problem_.empty()) {
        return;
    }
    core_sections_.push_back(view);
    neurons_.push_back(view.neurons);
    senders_.push_back({view.key, view.mask, view.neurons, view.sends != 0});
    state_words_.push_back(view.state_words);
}

void functional_emulator::load_traces(image::cursor& c) {
    const std::uint32_t files = c.word("trace files");
    for (std::uint32_t f = 0; f < files; ++f) {
        recorded_trace trace;
        trace.path = next_text(c);
        const std::uint32_t count_columns = c.word("columns");
        std::vector<column> list;
        for (std::uint32_t k = 0; k < count_columns; ++k) {
            column col;
            col.core = c.word("core");
            col.neuron = c.word("neuron");
            col.slot = c.word("slot");
            col.unit = c.real("unit");
            if (col.core != image::constant_column &&
                (col.core >= neurons_.size() || col.neuron >= neurons_[col.core] ||
                 col.slot >= state_words_[col.core])) {
                problem_ = "a trace column reads state word " + std::to_string(col.slot) +
                           " of neuron " + std::to_string(col.neuron) + " of core " +
                           std::to_string(col.core) + ", which the image has not";
                return;
            }
            list.push_back(col);
        }
        trace.columns = list.size();
        traces_.push_back(std::move(trace));
        columns_.push_back(std::move(list));
    }
}

void functional_emulator::load_event_files(image::cursor& c) {
    listeners_.resize(neurons_.size());
    for (std::size_t k = 0; k < neurons_.size(); ++k) {
        listeners_[k].resize(neurons_[k]);
    }
    const std::uint32_t event_files = c.word("event files");
    for (std::uint32_t f = 0; f < event_files; ++f) {
        recorded_events file;
        file.path = next_text(c);
        file.id_first = c.word("format") == 1;
        const std::uint32_t selections = c.word("selections");
        for (std::uint32_t k = 0; k < selections; ++k) {
            const std::uint32_t core = c.word("core");
            const std::uint32_t neuron = c.word("neuron");
            std::string id = next_text(c);
            if (core >= neurons_.size() || neuron >= neurons_[core]) {
                problem_ = "an event selection names neuron " + std::to_string(neuron) +
                           " of core " + std::to_string(core) + ", which the image has not";
                return;
            }
            listeners_[core][neuron].emplace_back(events_.size(), std::move(id));
        }
        events_.push_back(std::move(file));
    }
}

void functional_emulator::step() {
    if (!ready()) {
        return;
    }
    time_ += dt_; // accumulated, as the reference simulator does
    board_->step();
    for (const spike& s : board_->spikes()) {
        for (const auto& [file, id] : listeners_[s.core][s.neuron]) {
            events_[file].events.emplace_back(time_, id);
        }
    }
    record();
}

void functional_emulator::record() {
    for (std::size_t f = 0; f < traces_.size(); ++f) {
        auto& rows = traces_[f].rows;
        rows.push_back(static_cast<float>(time_));
        for (const column& col : columns_[f]) {
            const double value =
                col.core == image::constant_column
                    ? col.unit
                    : static_cast<double>(board_->core(col.core).state(col.neuron, col.slot)) *
                          col.unit;
            rows.push_back(static_cast<float>(value));
        }
    }
}

void functional_emulator::run(std::uint64_t steps, const step_progress& progress) {
    if (!ready()) {
        return;
    }
    if (board_->step_number() == 0) {
        record();
    }
    for (std::uint64_t k = 0; k < steps; ++k) {
        if (progress && k % step_progress_interval == 0) {
            progress(k, steps);
        }
        step();
    }
}

void functional_emulator::inject(std::size_t core, std::uint32_t neuron) {
    SF_ASSERT(ready() && core < senders_.size() && neuron < senders_[core].neurons);
    board_->inject({static_cast<std::uint32_t>(core), neuron});
}

bool functional_emulator::owner_of(std::uint32_t key, std::size_t& core,
                                   std::uint32_t& neuron) const {
    for (std::size_t c = 0; c < senders_.size(); ++c) {
        const sender& s = senders_[c];
        if (s.sends && (key & s.mask) == s.key && (key & ~s.mask) < s.neurons) {
            core = c;
            neuron = key & ~s.mask;
            return true;
        }
    }
    return false;
}

const std::vector<spike>& functional_emulator::last_spikes() const {
    static const std::vector<spike> none;
    return ready() ? board_->spikes() : none;
}

functional_counters functional_emulator::counters() const {
    functional_counters total;
    if (!ready()) {
        return total;
    }
    const board_counters board = board_->counters();
    total.cores = board.cores;
    total.routers = network_->routers();
    total.unmatched_keys =
        network_->unmatched_keys() + (gathered_ ? gathered_unmatched_keys_ : board.unmatched_keys);
    total.looped = network_->looped();
    total.held_rows = gathered_ ? gathered_held_rows_ : board.held_rows;
    return total;
}

std::size_t functional_emulator::core_count() const { return ready() ? board_->core_count() : 0; }
std::size_t functional_emulator::chip_count() const { return ready() ? network_->chip_count() : 0; }
const router_counters& functional_emulator::router(std::size_t chip) const {
    return network_->router(chip);
}
const neuron_core& functional_emulator::core(std::size_t c) const { return board_->core(c); }

std::pair<std::size_t, firmware::fault_report> functional_emulator::first_fault() const {
    return ready() ? board_->first_fault() : std::pair<std::size_t, firmware::fault_report>{};
}

} // namespace sf::emulator
