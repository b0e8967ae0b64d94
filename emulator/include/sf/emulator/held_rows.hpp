#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sf::emulator {

// Synaptic rows waiting to be delivered: those whose delay reaches past a core's ring buffer wait
// here for whole steps, as a board holds them back before handing them to the core. Rows are
// listed by the step they are due in, one list per step that has any, so memory follows the rows
// waiting whatever the holds; emptied lists are kept for reuse.
class held_rows {
public:
    struct row {
        std::size_t core = 0;
        const std::uint32_t* words = nullptr; // stay valid until the row is released
        std::uint32_t count = 0;
    };

    void hold(std::uint64_t due_step, const row& r) {
        const auto [list, added] = due_.try_emplace(due_step);
        if (added && !spare_.empty()) {
            list->second = std::move(spare_.back());
            spare_.pop_back();
        }
        list->second.push_back(r);
        ++rows_held_;
        words_held_ += r.count;
    }

    std::size_t rows_due(std::uint64_t step) const {
        const auto due = due_.find(step);
        return due == due_.end() ? 0 : due->second.size();
    }

    // Calls `deliver(row)` for every row due in `step`, in the order they were held.
    template <class Deliver>
    void release(std::uint64_t step, Deliver&& deliver) {
        const auto due = due_.find(step);
        if (due == due_.end()) {
            return;
        }
        std::vector<row> rows = std::move(due->second);
        due_.erase(due);
        for (const row& r : rows) {
            deliver(r);
        }
        rows.clear();
        spare_.push_back(std::move(rows));
    }

    std::uint64_t rows_held() const { return rows_held_; }   // since the start
    std::uint64_t words_held() const { return words_held_; } // since the start

private:
    std::unordered_map<std::uint64_t, std::vector<row>> due_;
    std::vector<std::vector<row>> spare_;
    std::uint64_t rows_held_ = 0;
    std::uint64_t words_held_ = 0;
};

} // namespace sf::emulator
