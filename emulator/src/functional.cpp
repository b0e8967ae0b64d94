#include <algorithm>

#include <sf/emulator/functional.hpp>

namespace sf::emulator {
namespace image = firmware::image;

namespace {

constexpr int from_core = -1;
constexpr int direction_count = 6;
constexpr int dx[direction_count] = {1, 1, 0, -1, -1, 0};
constexpr int dy[direction_count] = {0, 1, 1, 0, -1, -1};

std::string text_of(const char* bytes, std::uint32_t length) { return std::string(bytes, length); }

// Reads a string field at a cursor into a std::string.
std::string next_text(image::cursor& c) {
    std::uint32_t length = 0;
    const char* bytes = c.text(length, "text");
    return bytes != nullptr ? text_of(bytes, length) : std::string();
}

} // namespace

struct functional_emulator::core_state {
    image::core_view view;
    std::size_t chip = 0;
    std::vector<firmware::isa::lookup_table> tables;
    std::vector<std::uint32_t> arena;
    firmware::kernel kernel;
};

struct functional_emulator::chip_state {
    image::chip_view view;
    std::vector<int> cores;      // per application core index: index into cores_, or -1
    bool dead[direction_count] = {};
    router_counters counters;
    std::uint64_t reached_by = 0; // the last spike whose packet reached this chip (serials start at 1)
};

functional_emulator::functional_emulator(const std::uint32_t* words, std::size_t count) {
    const image::check_result checked = image::check_image(words, count);
    if (!checked) {
        problem_ = std::string("the image is refused: ") + image::describe(checked.what) +
                   (checked.field[0] != '\0' ? std::string(" (") + checked.field + ")" : std::string()) +
                   " in section " + std::to_string(checked.section) + " (kind " + std::to_string(checked.kind) +
                   ", index " + std::to_string(checked.index) + ") at word " + std::to_string(checked.offset);
        return;
    }
    image_.assign(words, words + count);
    load(image_.data(), image_.size());
}

functional_emulator::~functional_emulator() = default;

void functional_emulator::load(const std::uint32_t* words, std::size_t count) {
    image::sections walk(words, count);
    image::section_view s;
    image::machine_view machine;
    while (walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        switch (s.kind) {
        case image::section_kind::machine: {
            image::read_machine(c, machine);
            width_ = machine.width;
            height_ = machine.height;
            wraps_ = machine.wraps == 1;
            dt_ = machine.dt;
            steps_ = machine.steps;
            chip_at_.assign(static_cast<std::size_t>(width_) * height_, -1);
            break;
        }
        case image::section_kind::chip: {
            auto chip = std::make_unique<chip_state>();
            image::read_chip(c, chip->view);
            chip->cores.assign(26, -1);
            int& at = chip_at_[chip->view.y * width_ + chip->view.x];
            if (at >= 0) {
                problem_ = "chips " + std::to_string(at) + " and " + std::to_string(s.index) + " are both at (" +
                           std::to_string(chip->view.x) + ", " + std::to_string(chip->view.y) + ")";
                return;
            }
            at = static_cast<int>(chips_.size());
            chips_.push_back(std::move(chip));
            break;
        }
        case image::section_kind::core: {
            auto core = std::make_unique<core_state>();
            image::read_core(c, core->view);
            const image::core_view& v = core->view;
            const int chip = chip_at_[v.y * width_ + v.x];
            if (chip < 0) {
                problem_ = "core " + std::to_string(s.index) + " is on chip (" + std::to_string(v.x) + ", " +
                           std::to_string(v.y) + "), which has no chip section";
                return;
            }
            core->chip = static_cast<std::size_t>(chip);
            if (chips_[core->chip]->cores[v.core] >= 0) {
                problem_ = "cores " + std::to_string(chips_[core->chip]->cores[v.core]) + " and " +
                           std::to_string(s.index) + " are both application core " + std::to_string(v.core) +
                           " of chip (" + std::to_string(v.x) + ", " + std::to_string(v.y) + ")";
                return;
            }
            chips_[core->chip]->cores[v.core] = static_cast<int>(cores_.size());
            const std::uint32_t* t = v.tables;
            for (std::uint32_t k = 0; k < v.table_count; ++k) {
                firmware::isa::lookup_table table;
                table.x0 = static_cast<std::int32_t>(t[0]);
                table.step = static_cast<std::uint8_t>(t[1] & 0xFFu);
                table.log2_intervals = static_cast<std::uint8_t>((t[1] >> 8) & 0xFFu);
                table.y = reinterpret_cast<const std::int32_t*>(t + 2);
                core->tables.push_back(table);
                t += 2 + (std::size_t{1} << table.log2_intervals) + 1;
            }
            firmware::core_config config;
            config.program = v.program;
            config.program_length = v.program_words;
            config.constants = reinterpret_cast<const std::int32_t*>(v.constants);
            config.constant_count = v.constant_count;
            config.tables = core->tables.data();
            config.table_count = core->tables.size();
            config.neuron_count = v.neurons;
            config.state_words = v.state_words;
            config.input_channels = v.input_channels;
            config.delay_slots = v.delay_slots;
            config.initial_state = reinterpret_cast<const std::int32_t*>(v.initial_state);
            config.seed = v.seed;
            config.first_neuron = v.first;
            core->arena.assign(std::max<std::size_t>(1, firmware::words_needed(config)), 0);
            const firmware::init_status status = core->kernel.init(config, core->arena.data(), core->arena.size());
            if (status != firmware::init_status::ok) {
                problem_ = "core " + std::to_string(s.index) + " refuses its configuration: " + firmware::describe(status);
                return;
            }
            cores_.push_back(std::move(core));
            break;
        }
        case image::section_kind::recording: {
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
                        (col.core >= cores_.size() || col.neuron >= cores_[col.core]->view.neurons ||
                         col.slot >= cores_[col.core]->view.state_words)) {
                        problem_ = "a trace column reads state word " + std::to_string(col.slot) + " of neuron " +
                                   std::to_string(col.neuron) + " of core " + std::to_string(col.core) +
                                   ", which the image has not";
                        return;
                    }
                    list.push_back(col);
                }
                trace.columns = list.size();
                traces_.push_back(std::move(trace));
                columns_.push_back(std::move(list));
            }
            listeners_.resize(cores_.size());
            for (std::size_t k = 0; k < cores_.size(); ++k) {
                listeners_[k].resize(cores_[k]->view.neurons);
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
                    if (core >= cores_.size() || neuron >= cores_[core]->view.neurons) {
                        problem_ = "an event selection names neuron " + std::to_string(neuron) + " of core " +
                                   std::to_string(core) + ", which the image has not";
                        return;
                    }
                    listeners_[core][neuron].emplace_back(events_.size(), std::move(id));
                }
                events_.push_back(std::move(file));
            }
            break;
        }
        case image::section_kind::report: break;
        }
    }
    for (std::uint32_t d = 0; d < machine.dead_links; ++d) {
        const std::uint32_t* link = machine.dead + 3 * d;
        const int chip = chip_at_[link[1] * width_ + link[0]];
        if (chip >= 0) {
            chips_[static_cast<std::size_t>(chip)]->dead[link[2]] = true;
        }
    }
    if (listeners_.size() != cores_.size()) {
        problem_ = "the image has no recording section";
        return;
    }
    buffer_.resize(firmware::max_neurons);
}

void functional_emulator::deliver(std::size_t core, std::uint32_t key) {
    core_state& c = *cores_[core];
    const image::core_view& v = c.view;
    // The master table is sorted by key: the last entry at or below the key is the only candidate.
    std::uint32_t low = 0;
    std::uint32_t high = v.master_entries;
    while (low < high) {
        const std::uint32_t mid = low + (high - low) / 2;
        if (v.master[4 * mid] <= key) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    if (low == 0 || (key & v.master[4 * (low - 1) + 1]) != v.master[4 * (low - 1)]) {
        ++unmatched_;
        return;
    }
    const std::uint32_t* entry = v.master + 4 * (low - 1);
    const std::uint32_t neuron = key & ~entry[1];
    for (std::uint32_t b = entry[2]; b < entry[2] + entry[3]; ++b) {
        const std::uint32_t* block = v.block_words + 3 * b;
        if (neuron >= block[1]) {
            ++unmatched_;
            continue;
        }
        const std::uint32_t begin = v.row_offsets[block[2] + neuron];
        const std::uint32_t end = v.row_offsets[block[2] + neuron + 1];
        if (end == begin) {
            continue;
        }
        if (block[0] == 0) {
            c.kernel.deliver(v.words + begin, end - begin);
        } else {
            const auto [list, added] = held_.try_emplace(step_ + block[0]);
            if (added && !spare_lists_.empty()) {
                list->second = std::move(spare_lists_.back());
                spare_lists_.pop_back();
            }
            list->second.push_back({core, v.words + begin, end - begin});
            ++held_rows_;
        }
    }
}

void functional_emulator::route(std::size_t chip_index, std::uint32_t key, int arrived_from) {
    chip_state& chip = *chips_[chip_index];
    ++chip.counters.packets;
    // A correct multicast tree reaches each chip once per spike. A copy that reaches a chip again
    // is on a loop or a second path; stopping it bounds a step's work by the chips, whatever the
    // tables say, where a hop limit alone would let branching routes multiply copies exponentially.
    if (chip.reached_by == spike_serial_) {
        ++looped_;
        return;
    }
    chip.reached_by = spike_serial_;
    std::uint32_t route = 0;
    bool matched = false;
    for (std::uint32_t e = 0; e < chip.view.entries; ++e) {
        const std::uint32_t* entry = chip.view.routes + 3 * e;
        if ((key & entry[1]) == entry[0]) {
            route = entry[2];
            matched = true;
            break;
        }
    }
    if (matched) {
        ++chip.counters.routed;
    } else if (arrived_from != from_core) {
        ++chip.counters.default_routed;
        route = 1u << ((arrived_from + 3) % direction_count); // straight on: the opposite link
    } else {
        ++chip.counters.dropped;
        return;
    }
    for (int c = 0; c < 26; ++c) {
        if ((route >> (6 + c) & 1u) == 0) {
            continue;
        }
        const int core = chip.cores[static_cast<std::size_t>(c)];
        if (core < 0) {
            ++chip.counters.lost;
            continue;
        }
        ++chip.counters.delivered;
        deliver(static_cast<std::size_t>(core), key);
    }
    for (int d = 0; d < direction_count; ++d) {
        if ((route >> d & 1u) == 0) {
            continue;
        }
        long x = static_cast<long>(chip.view.x) + dx[d];
        long y = static_cast<long>(chip.view.y) + dy[d];
        if (wraps_) {
            x = (x + width_) % width_;
            y = (y + height_) % height_;
        }
        const bool on_grid = x >= 0 && y >= 0 && x < static_cast<long>(width_) && y < static_cast<long>(height_);
        const int next = on_grid ? chip_at_[static_cast<std::size_t>(y) * width_ + static_cast<std::size_t>(x)] : -1;
        if (chip.dead[d] || next < 0) {
            ++chip.counters.lost;
            continue;
        }
        // The packet arrives on the link pointing back.
        route_later_.push_back({static_cast<std::size_t>(next), key, (d + 3) % direction_count});
    }
}

void functional_emulator::step() {
    if (!ready()) {
        return;
    }
    ++step_;
    time_ += dt_; // accumulated, as the reference simulator does
    std::vector<std::pair<std::size_t, std::uint32_t>> sent; // (core, neuron)
    for (std::size_t k = 0; k < cores_.size(); ++k) {
        const std::size_t count = cores_[k]->kernel.step(buffer_.data(), buffer_.size());
        for (std::size_t i = 0; i < count; ++i) {
            sent.emplace_back(k, buffer_[i]);
        }
    }
    // Rows whose hold ends now, then this step's packets.
    if (const auto due = held_.find(step_); due != held_.end()) {
        std::vector<held_row> rows = std::move(due->second);
        held_.erase(due);
        for (const held_row& row : rows) {
            cores_[row.core]->kernel.deliver(row.words, row.count);
        }
        rows.clear();
        spare_lists_.push_back(std::move(rows));
    }
    for (const auto& [core, neuron] : sent) {
        for (const auto& [file, id] : listeners_[core][neuron]) {
            events_[file].events.emplace_back(time_, id);
        }
        const core_state& c = *cores_[core];
        if (c.view.sends == 0) {
            continue;
        }
        ++spike_serial_;
        route_later_.push_back({c.chip, c.view.key | neuron, from_core});
        while (!route_later_.empty()) {
            const pending packet = route_later_.back();
            route_later_.pop_back();
            route(packet.chip, packet.key, packet.arrived_from);
        }
    }
    record();
}

void functional_emulator::record() {
    for (std::size_t f = 0; f < traces_.size(); ++f) {
        auto& rows = traces_[f].rows;
        rows.push_back(static_cast<float>(time_));
        for (const column& col : columns_[f]) {
            const double value = col.core == image::constant_column
                                     ? col.unit
                                     : static_cast<double>(cores_[col.core]->kernel.state(col.neuron, col.slot)) * col.unit;
            rows.push_back(static_cast<float>(value));
        }
    }
}

void functional_emulator::run(std::uint64_t steps) {
    if (!ready()) {
        return;
    }
    if (step_ == 0) {
        record();
    }
    for (std::uint64_t k = 0; k < steps; ++k) {
        step();
    }
}

functional_counters functional_emulator::counters() const {
    functional_counters total;
    for (const auto& core : cores_) {
        const firmware::kernel_counters& k = core->kernel.counters();
        firmware::accumulate(total.cores, k);
    }
    for (const auto& chip : chips_) {
        total.routers.packets += chip->counters.packets;
        total.routers.routed += chip->counters.routed;
        total.routers.default_routed += chip->counters.default_routed;
        total.routers.dropped += chip->counters.dropped;
        total.routers.lost += chip->counters.lost;
        total.routers.delivered += chip->counters.delivered;
    }
    total.unmatched_keys = unmatched_;
    total.looped = looped_;
    total.held_rows = held_rows_;
    return total;
}

std::size_t functional_emulator::core_count() const { return cores_.size(); }
std::size_t functional_emulator::chip_count() const { return chips_.size(); }
const router_counters& functional_emulator::router(std::size_t chip) const { return chips_[chip]->counters; }
const firmware::kernel& functional_emulator::core(std::size_t c) const { return cores_[c]->kernel; }

std::pair<std::size_t, firmware::fault_report> functional_emulator::first_fault() const {
    std::pair<std::size_t, firmware::fault_report> first{0, {}};
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        const firmware::fault_report& f = cores_[c]->kernel.first_fault();
        if (f.happened && (!first.second.happened || f.step < first.second.step)) {
            first = {c, f};
        }
    }
    return first;
}

} // namespace sf::emulator
