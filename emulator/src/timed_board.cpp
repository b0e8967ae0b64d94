#include <algorithm>
#include <chrono>
#include <cmath>

#include <sf/emulator/timed_board.hpp>
#include <sf/firmware/assert.hpp>

#include "timed_model.hpp"

namespace sf::emulator {

timed_board::timed_board(board_parts& parts, const timed_board_config& config, double dt)
    : model_(std::make_unique<timed_model>(parts, config, dt, problem_)) {}

timed_board::~timed_board() = default;

void timed_board::step() { model_->step(); }
void timed_board::inject(const spike& s) { model_->inject(s); }
std::uint64_t timed_board::step_number() const { return model_->step_number(); }
const std::vector<spike>& timed_board::spikes() const { return model_->spikes(); }
std::size_t timed_board::core_count() const { return model_->core_count(); }
const neuron_core& timed_board::core(std::size_t c) const { return model_->core(c); }
board_counters timed_board::counters() const {
    board_counters total = core_counters();
    model_->add_counters(total);
    return total;
}
timing_report timed_board::report() const { return model_->report(); }
std::vector<std::string> timed_board::signal_names() const { return model_->signal_names(); }
const std::vector<std::string>& timed_board::warnings() const { return model_->warnings(); }

board_maker timed_board_maker(timed_board_config config, timed_board** made) {
    return [config = std::move(config), made](board_parts& parts, std::string& problem) {
        auto board = std::make_unique<timed_board>(parts, config, parts.machine.dt);
        if (!board->problem().empty()) {
            problem = board->problem();
            return std::unique_ptr<board_stepper>();
        }
        if (made != nullptr) {
            *made = board.get();
        }
        return std::unique_ptr<board_stepper>(std::move(board));
    };
}

timed_model::timed_model(board_parts& parts, const timed_board_config& config, double dt,
                         std::string& problem)
    : timing_(config.timing), network_(*parts.network), dt_(dt), speedup_(config.speedup),
      buffer_(firmware::max_neurons), origin_(systemc_clock::instance().now()) {
    const double step_seconds = dt / config.speedup;
    step_ps_ = static_cast<picoseconds>(std::llround(step_seconds * 1e12));
    router_ps_ =
        static_cast<picoseconds>(std::llround(1e12 / static_cast<double>(timing_.router_hz)));
    budget_ = static_cast<std::uint64_t>(step_seconds * static_cast<double>(timing_.core_hz));
    if (router_ps_ == 0 || step_ps_ < router_ps_ || budget_ == 0) {
        problem = "a time step of " + std::to_string(dt * 1e3) + " ms at a speed-up of " +
                  std::to_string(config.speedup) +
                  " lasts less than one cycle of the board's clocks: the board cannot run it";
        return;
    }
    build(parts, config);
    if (!config.trace_file.empty()) {
        trace(config, problem);
    }
}

timed_model::~timed_model() { systemc_clock::instance().close_trace(); }

void timed_model::build(board_parts& parts, const timed_board_config& config) {
    hexagonal_ = parts.machine.topology == 2;
    routers_.resize(network_.chip_count());
    memory_free_.assign(network_.chip_count(), 0);
    hop_limit_ = static_cast<std::uint32_t>(2 * network_.chip_count() + 8);
    cores_.resize(parts.cores.size());
    for (std::size_t c = 0; c < parts.cores.size(); ++c) {
        const firmware::image::core_view& view = parts.core_sections[c];
        timed_core& core = cores_[c];
        core.core = std::move(parts.cores[c]);
        core.chip = network_.chip_of(c);
        core.place = view.core;
        core.key = view.key;
        core.sends = view.sends != 0;
        core.program_cycles =
            firmware::timing::program_cycles(view.program, view.program_words, timing_.rand_cycles);
        const std::uint64_t least =
            firmware::timing::step_cycles(timing_, core.program_cycles, view.neurons, 0);
        if (least > budget_) {
            const auto& chip = network_.chip(core.chip);
            warnings_.push_back("core " + std::to_string(view.core) + " of chip (" +
                                std::to_string(chip.x) + "," + std::to_string(chip.y) +
                                "): its neuron update alone takes " + std::to_string(least) +
                                " cycles, more than the step's " + std::to_string(budget_));
        }
    }
    build_links(config);
}

void timed_model::build_links(const timed_board_config& config) {
    std::vector<double> rate(routers_.size(), config.link_packets_per_second);
    for (const chip_link_rate& r : config.link_rates) {
        for (std::size_t chip = 0; chip < routers_.size(); ++chip) {
            if (network_.chip(chip).x == r.x && network_.chip(chip).y == r.y) {
                rate[chip] = r.packets_per_second;
            }
        }
    }
    for (std::size_t chip = 0; chip < routers_.size(); ++chip) {
        for (int d = 0; d < static_cast<int>(firmware::image::link_count); ++d) {
            timed_link& link = routers_[chip].links[d];
            link.to_chip = network_.neighbour(chip, d);
            if (link.to_chip < 0) {
                continue;
            }
            const double slower =
                std::min(rate[chip], rate[static_cast<std::size_t>(link.to_chip)]);
            link.per_packet =
                std::max<picoseconds>(1, static_cast<picoseconds>(std::llround(1e12 / slower)));
        }
    }
}

void timed_model::step() {
    const auto started = std::chrono::steady_clock::now();
    tick();
    systemc_clock::instance().run(*this, origin_, step_ * step_ps_);
    traced_step_ = static_cast<std::uint32_t>(step_);
    wall_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The timer tick of every core at once: the kernel computes the step (so the values are the
// kernel's), then the core spends the update's cycles sending the spikes, and the rows held until
// this step are fetched again.
void timed_model::tick() {
    ++step_;
    const picoseconds now = (step_ - 1) * step_ps_;
    spikes_.clear();
    injected_.start_step();
    for (std::size_t index = 0; index < cores_.size(); ++index) {
        timed_core& c = cores_[index];
        const bool still_busy = (c.busy && c.busy_until > now) || c.update_pending ||
                                !c.lookups.empty() || !c.fetched.empty();
        if (step_ > 1 && still_busy) {
            ++c.overruns;
        }
        c.max_cycles = std::max(c.max_cycles, c.step_cycles);
        c.total_cycles += c.step_cycles;
        c.step_cycles = 0;
        const std::size_t count = c.core->step(buffer_.data(), buffer_.size());
        c.update_spikes.assign(buffer_.begin(), buffer_.begin() + static_cast<long>(count));
        c.update_pending = true;
        for (std::size_t k = 0; k < count; ++k) {
            spikes_.push_back({static_cast<std::uint32_t>(index), buffer_[k]});
        }
        injected_.take(index, [&](const spike& s) {
            spikes_.push_back(s);
            if (c.sends) {
                send_from_core(
                    c.chip, now,
                    {c.key | s.neuron, chip_network::from_core, -1, 0, spike_serial_++, step_, 0});
            }
        });
        wake(index, now);
    }
    injected_.end_step();
    held_.release(step_, [&](const held_rows::row& r) {
        start_fetch(r.core, {firmware::synaptic_row{0, r.words, r.count}, step_, 0}, now);
    });
}

picoseconds timed_model::next_event() const {
    const picoseconds core = events_.empty() ? never : events_.top().at;
    const picoseconds router = next_cycle_ == never ? never : next_cycle_ * router_ps_;
    return std::min(core, router);
}

void timed_model::run_at(picoseconds now) {
    while (!events_.empty() && events_.top().at <= now) {
        const std::size_t core = events_.top().core;
        events_.pop();
        timed_core& c = cores_[core];
        if (c.busy && c.busy_until <= now) {
            finish_job(c);
        }
        if (!c.busy) {
            start_job(core, now);
        }
    }
    if (next_cycle_ != never && next_cycle_ * router_ps_ <= now) {
        router_cycle(next_cycle_);
    }
}

void timed_model::add_counters(board_counters& total) const {
    total.held_rows = held_.rows_held();
    total.held_words = held_.words_held();
    total.update_seconds = wall_seconds_;
}

} // namespace sf::emulator
