// The functional emulator spread over ranks: which cores this rank starts, and what the ranks
// gather at the end of a run so that every rank's counters, and rank 0's recordings, are those of
// one process running the whole board.
#include <cstring>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/spike_exchange.hpp>
#include <sf/firmware/assert.hpp>

#include "remote_core.hpp"

namespace sf::emulator {
namespace image = firmware::image;
namespace {

static_assert(sizeof(float) == sizeof(std::uint32_t), "trace values travel as words");

// A core's counters and first fault as words, for the ranks to add up (every other rank gives
// zeros for the core).
constexpr std::size_t core_fields = 15;

void encode(const neuron_core& core, std::uint64_t* out) {
    const firmware::kernel_counters& k = core.counters();
    const firmware::fault_report& f = core.first_fault();
    const std::uint64_t fields[core_fields] = {
        k.steps,           k.neuron_updates,     k.instructions,
        k.spikes,          k.unreported_spikes,  k.delivered_words,
        k.input_overflows, k.dropped_words,      k.saturations,
        k.program_faults,  f.happened ? 1u : 0u, f.step,
        f.neuron,          f.instruction,        static_cast<std::uint64_t>(f.status)};
    std::memcpy(out, fields, sizeof fields);
}

void decode(const std::uint64_t* in, remote_core& core) {
    firmware::kernel_counters k;
    k.steps = in[0];
    k.neuron_updates = in[1];
    k.instructions = in[2];
    k.spikes = in[3];
    k.unreported_spikes = in[4];
    k.delivered_words = in[5];
    k.input_overflows = in[6];
    k.dropped_words = in[7];
    k.saturations = in[8];
    k.program_faults = in[9];
    firmware::fault_report f;
    f.happened = in[10] != 0;
    f.step = static_cast<std::uint32_t>(in[11]);
    f.neuron = static_cast<std::uint32_t>(in[12]);
    f.instruction = static_cast<std::uint32_t>(in[13]);
    f.status = static_cast<firmware::isa::run_status>(in[14]);
    core.take(k, f);
}

} // namespace

// The cores of this rank's chips run the kernel; the others are stand-ins.
void functional_emulator::start_cores() {
    started_ = true;
    if (ranks_ != nullptr) {
        share_chips();
        if (!problem_.empty()) {
            return;
        }
    }
    remote_.assign(core_sections_.size(), nullptr);
    for (std::size_t c = 0; c < core_sections_.size(); ++c) {
        if (!local(c)) {
            auto stand_in = std::make_unique<remote_core>(neurons_[c]);
            remote_[c] = stand_in.get();
            cores_.push_back(std::move(stand_in));
            continue;
        }
        if (ranks_ != nullptr && !check_own_core(c)) {
            return;
        }
        auto core = std::make_unique<kernel_core>(core_sections_[c]);
        if (core->status() != firmware::init_status::ok) {
            problem_ = "core " + std::to_string(c) +
                       " refuses its configuration: " + firmware::describe(core->status());
            return;
        }
        cores_.push_back(std::move(core));
    }
}

void functional_emulator::share_chips() {
    std::vector<std::size_t> cores_per_chip(network_->chip_count(), 0);
    for (std::size_t c = 0; c < core_sections_.size(); ++c) {
        ++cores_per_chip[network_->chip_of(c)];
    }
    partition_ = partition_chips(cores_per_chip, ranks_->ranks());
    if (!partition_.problem.empty()) {
        problem_ = partition_.problem;
        return;
    }
    local_.assign(core_sections_.size(), false);
    for (std::size_t c = 0; c < core_sections_.size(); ++c) {
        local_[c] = partition_.rank_of(network_->chip_of(c)) == ranks_->rank();
    }
}

void functional_emulator::gather_ranks() {
    if (ranks_ == nullptr || !ready() || gathered_) {
        return;
    }
    gather_core_results();
    gather_traces();
    gathered_ = true;
}

void functional_emulator::gather_core_results() {
    const std::size_t count = board_->core_count();
    std::vector<std::uint64_t> values(count * core_fields + 2, 0);
    for (std::size_t c = 0; c < count; ++c) {
        if (local(c)) {
            encode(board_->core(c), &values[c * core_fields]);
        }
    }
    const board_counters board = board_->counters();
    values[count * core_fields] = board.held_rows;
    values[count * core_fields + 1] = board.unmatched_keys;
    ranks_->sum(values);
    for (std::size_t c = 0; c < count; ++c) {
        if (remote_[c] != nullptr) {
            decode(&values[c * core_fields], *remote_[c]);
        }
    }
    gathered_held_rows_ = values[count * core_fields];
    gathered_unmatched_keys_ = values[count * core_fields + 1];
}

// Every rank recorded the same rows, the columns of cores it does not step as zeros: rank 0
// takes each column from the rank that steps its core.
void functional_emulator::gather_traces() {
    std::vector<std::uint32_t> words;
    for (const recorded_trace& t : traces_) {
        const std::size_t at = words.size();
        words.resize(at + t.rows.size());
        std::memcpy(words.data() + at, t.rows.data(), t.rows.size() * sizeof(float));
    }
    const std::vector<std::vector<std::uint32_t>> all = ranks_->gather(words);
    if (ranks_->rank() != 0) {
        return;
    }
    std::size_t at = 0;
    for (std::size_t f = 0; f < traces_.size(); ++f) {
        std::vector<float>& rows = traces_[f].rows;
        const std::size_t width = columns_[f].size() + 1;
        for (std::size_t k = 0; k < columns_[f].size(); ++k) {
            const column& col = columns_[f][k];
            if (col.core == image::constant_column || local(col.core)) {
                continue;
            }
            const auto& from = all[partition_.rank_of(network_->chip_of(col.core))];
            SF_ASSERT(from.size() == words.size());
            for (std::size_t r = k + 1; r < rows.size(); r += width) {
                std::memcpy(&rows[r], &from[at + r], sizeof(float));
            }
        }
        at += rows.size();
    }
}

} // namespace sf::emulator
