#include <sf/emulator/core_lockstep.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <utility>

namespace sf::emulator {
namespace {

std::string spike_list(const std::vector<std::uint16_t>& spikes) {
    std::ostringstream out;
    out << '[';
    for (std::size_t k = 0; k < spikes.size(); ++k) {
        out << (k == 0 ? "" : " ") << spikes[k];
    }
    out << ']';
    return out.str();
}

std::string fault_text(const firmware::fault_report& f) {
    if (!f.happened) {
        return "none";
    }
    return "step " + std::to_string(f.step) + " neuron " + std::to_string(f.neuron) +
           " instruction " + std::to_string(f.instruction) + " (" +
           firmware::isa::describe(f.status) + ")";
}

} // namespace

std::string lockstep_difference::text() const {
    if (!found) {
        return "no difference";
    }
    std::string out =
        "after step " + std::to_string(step) + ": " + what + ": kernel " + kernel + ", RTL " + rtl;
    if (!trace.empty()) {
        out += "; the cycles before it are in " + trace;
    }
    return out;
}

core_lockstep::core_lockstep(const firmware::image::core_view& section,
                             const firmware::timing::board_timing& timing, std::string trace_folder,
                             std::uint64_t window)
    : section_(section), timing_(timing), trace_folder_(std::move(trace_folder)), window_(window),
      kernel_(section), rtl_(std::make_unique<rtl_core>(section, timing)) {
    if (kernel_.status() != firmware::init_status::ok) {
        problem_ = std::string("kernel: ") + firmware::describe(kernel_.status());
    } else if (!rtl_->ready()) {
        problem_ = "RTL core: " + rtl_->problem();
    }
    program_cycles_ = firmware::timing::program_cycles(section.program, section.program_words,
                                                       timing.rand_cycles);
}

void core_lockstep::deliver(const std::uint32_t* row, std::size_t words) {
    kernel_.deliver(row, words);
    if (!ready() || difference_.found) {
        return;
    }
    rtl_->deliver(row, words);
    inputs_.push_back({std::vector<std::uint32_t>(row, row + words), false, 0});
}

std::size_t core_lockstep::step(std::uint16_t* spiked, std::size_t capacity) {
    const std::uint64_t spikes_before = kernel_.counters().spikes;
    const std::size_t written = kernel_.step(spiked, capacity);
    step_spikes_ = kernel_.counters().spikes - spikes_before;
    last_spikes_.assign(spiked, spiked + written);
    if (!ready() || difference_.found) {
        return written;
    }
    std::vector<std::uint16_t> rtl_spikes(std::max<std::size_t>(capacity, 1));
    const std::size_t rtl_written = rtl_->step(rtl_spikes.data(), capacity);
    rtl_spikes.resize(rtl_written);
    inputs_.push_back({{}, true, capacity});
    compare(std::vector<std::uint16_t>(spiked, spiked + written), rtl_spikes);
    return written;
}

const lockstep_difference&
core_lockstep::step(const std::vector<std::vector<std::uint32_t>>& rows) {
    for (const auto& row : rows) {
        deliver(row.data(), row.size());
    }
    std::vector<std::uint16_t> spikes(firmware::max_neurons);
    step(spikes.data(), spikes.size());
    return difference_;
}

void core_lockstep::compare(const std::vector<std::uint16_t>& kernel_spikes,
                            const std::vector<std::uint16_t>& rtl_spikes) {
    ++compared_;
    if (kernel_spikes != rtl_spikes) {
        differ("spikes", spike_list(kernel_spikes), spike_list(rtl_spikes));
    } else if (compare_state() && compare_counters() && compare_cycles()) {
        return;
    }
    dump_trace();
}

bool core_lockstep::compare_state() {
    for (std::size_t n = 0; n < section_.neurons; ++n) {
        for (std::size_t s = 0; s < section_.state_words; ++s) {
            const std::int32_t k = kernel_.state(n, s);
            const std::int32_t r = rtl_->state(n, s);
            if (k != r) {
                differ("state neuron " + std::to_string(n) + " slot " + std::to_string(s),
                       std::to_string(k), std::to_string(r));
                return false;
            }
        }
    }
    return true;
}

bool core_lockstep::compare_counters() {
    const firmware::kernel_counters& k = kernel_.counters();
    const firmware::kernel_counters& r = rtl_->counters();
    const std::pair<const char*, std::uint64_t firmware::kernel_counters::*> fields[] = {
        {"steps", &firmware::kernel_counters::steps},
        {"neuron_updates", &firmware::kernel_counters::neuron_updates},
        {"instructions", &firmware::kernel_counters::instructions},
        {"spikes", &firmware::kernel_counters::spikes},
        {"unreported_spikes", &firmware::kernel_counters::unreported_spikes},
        {"delivered_words", &firmware::kernel_counters::delivered_words},
        {"input_overflows", &firmware::kernel_counters::input_overflows},
        {"dropped_words", &firmware::kernel_counters::dropped_words},
        {"saturations", &firmware::kernel_counters::saturations},
        {"program_faults", &firmware::kernel_counters::program_faults},
    };
    for (const auto& [name, field] : fields) {
        if (k.*field != r.*field) {
            differ(std::string("counter ") + name, std::to_string(k.*field),
                   std::to_string(r.*field));
            return false;
        }
    }
    const firmware::fault_report& kf = kernel_.first_fault();
    const firmware::fault_report& rf = rtl_->first_fault();
    if (kf.happened != rf.happened ||
        (kf.happened && (kf.step != rf.step || kf.neuron != rf.neuron ||
                         kf.instruction != rf.instruction || kf.status != rf.status))) {
        differ("first fault", fault_text(kf), fault_text(rf));
        return false;
    }
    return true;
}

bool core_lockstep::compare_cycles() {
    const std::uint64_t expected =
        firmware::timing::step_cycles(timing_, program_cycles_, section_.neurons, step_spikes_);
    if (rtl_->last_step_cycles() != expected) {
        differ("cycles", std::to_string(expected), std::to_string(rtl_->last_step_cycles()));
        return false;
    }
    return true;
}

void core_lockstep::differ(std::string what, std::string kernel, std::string rtl) {
    difference_.found = true;
    difference_.step = compared_;
    difference_.what = std::move(what);
    difference_.kernel = std::move(kernel);
    difference_.rtl = std::move(rtl);
}

// The RTL again from the start, on the same inputs, with the last `window_` cycles up to the end
// of the differing step dumped.
void core_lockstep::dump_trace() {
    if (trace_folder_.empty()) {
        return;
    }
    const std::uint64_t end = rtl_->cycles();
    const std::filesystem::path path = std::filesystem::path(trace_folder_) /
                                       ("core_lockstep_step" + std::to_string(compared_) + ".fst");
    rtl_core again(section_, timing_);
    again.trace_to(path.string(), end > window_ ? end - window_ : 0);
    std::vector<std::uint16_t> spikes(firmware::max_neurons);
    for (const input& in : inputs_) {
        if (in.is_step) {
            again.step(spikes.data(), std::min(in.capacity, spikes.size()));
        } else {
            again.deliver(in.row.data(), in.row.size());
        }
    }
    difference_.trace = path.string();
}

} // namespace sf::emulator
