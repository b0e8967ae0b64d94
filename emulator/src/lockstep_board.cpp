#include <algorithm>
#include <chrono>

#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/emulator/spike_exchange.hpp>
#include <sf/firmware/assert.hpp>

#include "worker_pool.hpp"

namespace sf::emulator {
namespace {

std::uint64_t instructions_of(const std::vector<std::unique_ptr<neuron_core>>& cores) {
    std::uint64_t total = 0;
    for (const auto& core : cores) {
        total += core->counters().instructions;
    }
    return total;
}

} // namespace

lockstep_board::lockstep_board(std::vector<std::unique_ptr<neuron_core>> cores,
                               spike_router& router, std::size_t threads,
                               side_by_side_limits limits, board_share share)
    : cores_(std::move(cores)), router_(router), limits_(limits), buffer_(firmware::max_neurons),
      share_(std::move(share)) {
    SF_ASSERT(threads >= 1);
    SF_ASSERT(share_.local.empty() || share_.local.size() == cores_.size());
    const std::size_t locals =
        share_.local.empty()
            ? cores_.size()
            : static_cast<std::size_t>(std::count(share_.local.begin(), share_.local.end(), true));
    const std::size_t used = std::min(threads, std::max<std::size_t>(locals, 1));
    if (used > 1) {
        pool_ = std::make_unique<worker_pool>(used);
        spiked_.assign(cores_.size(), std::vector<std::uint16_t>(firmware::max_neurons));
        spiked_count_.assign(cores_.size(), 0);
    }
    queued_.resize(cores_.size());
    packets_.resize(cores_.size());
    unmatched_.assign(cores_.size(), 0);
    held_.resize(cores_.size());
}

lockstep_board::~lockstep_board() = default;

std::size_t lockstep_board::threads() const { return pool_ ? pool_->threads() : 1; }

void lockstep_board::step() {
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    ++step_;
    compute_cores();
    const auto updated = clock::now();
    deliver_rows();
    const auto delivered = clock::now();
    update_seconds_ += std::chrono::duration<double>(updated - started).count();
    delivery_seconds_ += std::chrono::duration<double>(delivered - updated).count();
}

// A spike of another rank's core is injected there, and reaches this rank in the exchange.
void lockstep_board::inject(const spike& s) {
    SF_ASSERT(s.core < cores_.size());
    if (local(s.core)) {
        injected_.add(s);
    }
}

void lockstep_board::compute_cores() {
    spikes_.clear();
    injected_.start_step();
    if (pool_) {
        compute_side_by_side();
    }
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        const std::uint16_t* spiked = buffer_.data();
        std::size_t count = 0;
        if (!local(c)) {
            continue;
        }
        if (pool_) {
            spiked = spiked_[c].data();
            count = spiked_count_[c];
        } else {
            count = cores_[c]->step(buffer_.data(), buffer_.size());
        }
        for (std::size_t k = 0; k < count; ++k) {
            spikes_.push_back({static_cast<std::uint32_t>(c), spiked[k]});
        }
        injected_.take(c, [this](const spike& s) { spikes_.push_back(s); });
    }
    injected_.end_step();
    if (share_.ranks != nullptr) {
        exchange_spikes();
    }
}

// Every rank's spikes, in core order as one process lists them: a core's spikes all come from
// the one rank that steps it, in their order there.
void lockstep_board::exchange_spikes() {
    share_.ranks->exchange(spikes_, all_spikes_);
    const auto by_core = [](const spike& a, const spike& b) { return a.core < b.core; };
    if (!std::is_sorted(all_spikes_.begin(), all_spikes_.end(), by_core)) {
        std::stable_sort(all_spikes_.begin(), all_spikes_.end(), by_core);
    }
    spikes_.swap(all_spikes_);
    exchanged_.exchanged += spikes_.size();
}

// Each core steps into a spike list of its own, listed in core order afterwards. Whether the
// threads are woken follows the instructions the last step took.
void lockstep_board::compute_side_by_side() {
    const auto each = [this](std::size_t c) {
        spiked_count_[c] = local(c) ? cores_[c]->step(spiked_[c].data(), spiked_[c].size()) : 0;
    };
    if (last_instructions_ >= limits_.instructions) {
        pool_->for_each_index(cores_.size(), each);
        ++side_by_side_halves_;
    } else {
        for (std::size_t c = 0; c < cores_.size(); ++c) {
            each(c);
        }
    }
    const std::uint64_t instructions = instructions_of(cores_);
    last_instructions_ = instructions - instructions_before_;
    instructions_before_ = instructions;
}

void lockstep_board::deliver_rows() {
    route_spikes();
    deliver_queued_rows();
}

// On a rank, every spike is routed, but only the packets of the rank's cores are kept; a spike of
// its own cores whose packets all stay is counted as kept.
void lockstep_board::route_spikes() {
    if (share_.ranks == nullptr) {
        for (const spike& s : spikes_) {
            router_.send(s.core, s.neuron, *this);
        }
        return;
    }
    for (const spike& s : spikes_) {
        crossed_ = false;
        router_.send(s.core, s.neuron, *this);
        if (local(s.core)) {
            ++exchanged_.sent;
            exchanged_.kept += crossed_ ? 0 : 1;
        }
    }
}

void lockstep_board::deliver_queued_rows() {
    const auto each = [this](std::size_t c) {
        release_held_rows(c);
        look_up_rows(c);
        take_rows(c);
    };
    std::size_t rows_due = 0;
    for (const held_rows& held : held_) {
        rows_due += held.rows_due(step_);
    }
    if (pool_ &&
        (queued_words_ >= limits_.words || queued_packets_ + rows_due >= limits_.packets)) {
        pool_->for_each_index(cores_.size(), each);
        ++side_by_side_halves_;
    } else {
        for (std::size_t c = 0; c < cores_.size(); ++c) {
            each(c);
        }
    }
    queued_words_ = 0;
    queued_packets_ = 0;
}

// The rows whose hold ends now go first: they were due before this step's spikes were routed,
// and come before the rows a router that gives rows has queued in this step.
void lockstep_board::release_held_rows(std::size_t core) {
    std::vector<queued_row>& rows = queued_[core];
    const std::size_t routed = rows.size();
    held_[core].release(step_, [&rows](const held_rows::row& r) {
        rows.push_back({r.words, r.count});
    });
    std::rotate(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(routed), rows.end());
}

// A core's packets, in the order the router gave them, become rows queued after those already
// queued (the held rows due now), or rows held for later steps.
void lockstep_board::look_up_rows(std::size_t core) {
    const auto take = [&](const firmware::synaptic_row& row) {
        if (row.hold != 0) {
            held_[core].hold(step_ + row.hold, {core, row.words, row.count});
        } else {
            queued_[core].push_back({row.words, row.count});
        }
    };
    for (const queued_packet& p : packets_[core]) {
        unmatched_[core] += firmware::for_each_row(*p.view, p.key, take);
    }
    packets_[core].clear();
}

// The rows' words lie far apart in a large image: each row's are fetched a few rows ahead of its
// delivery, so that the memory's latency overlaps the adding of the rows before it.
void lockstep_board::take_rows(std::size_t core) {
    constexpr std::size_t ahead = 8;
    const std::vector<queued_row>& rows = queued_[core];
    for (std::size_t r = 0; r < rows.size() && r < ahead; ++r) {
        __builtin_prefetch(rows[r].words);
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
        if (r + ahead < rows.size()) {
            const queued_row& next = rows[r + ahead];
            __builtin_prefetch(next.words);
            __builtin_prefetch(next.words + next.count - 1);
        }
        cores_[core]->deliver(rows[r].words, rows[r].count);
    }
    queued_[core].clear();
}

void lockstep_board::deliver_row(std::size_t core, const firmware::synaptic_row& row) {
    SF_ASSERT(core < cores_.size());
    if (!local(core)) {
        crossed_ = true;
    } else if (row.hold != 0) {
        held_[core].hold(step_ + row.hold, {core, row.words, row.count});
    } else {
        queued_[core].push_back({row.words, row.count});
        queued_words_ += row.count;
    }
}

// On a rank, a packet that reaches another rank's core crosses to that rank, which looks up its
// rows and counts the lookups that find nothing: looking them up here too would make every rank
// do every core's lookups.
std::uint32_t lockstep_board::deliver_packet(std::size_t core,
                                             const firmware::image::core_view& view,
                                             std::uint32_t key) {
    SF_ASSERT(core < cores_.size());
    if (!local(core)) {
        crossed_ = true;
        return 0;
    }
    packets_[core].push_back({&view, key});
    ++queued_packets_;
    return 0;
}

board_counters lockstep_board::counters() const {
    board_counters total = core_counters();
    for (std::size_t c = 0; c < cores_.size(); ++c) {
        total.held_rows += held_[c].rows_held();
        total.held_words += held_[c].words_held();
        total.unmatched_keys += unmatched_[c];
    }
    total.update_seconds = update_seconds_;
    total.delivery_seconds = delivery_seconds_;
    return total;
}

board_maker lockstep_board_maker(std::size_t threads, side_by_side_limits limits) {
    return [threads, limits](board_parts& parts, std::string&) -> std::unique_ptr<board_stepper> {
        SF_ASSERT(parts.network != nullptr);
        return std::make_unique<lockstep_board>(std::move(parts.cores), *parts.network, threads,
                                                limits,
                                                board_share{parts.ranks, parts.local_cores});
    };
}

} // namespace sf::emulator
