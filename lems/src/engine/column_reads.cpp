#include <algorithm>
#include <functional>
#include <tuple>

#include "column_reads.hpp"

namespace sf::lems::engine {
namespace {

void mark_expression(const compiled_expression& e, std::vector<bool>& read) {
    for (const instruction& ins : e.code) {
        if (ins.op == opcode::variable && ins.column >= 0) {
            read[static_cast<std::size_t>(ins.column)] = true;
        }
    }
}

void mark_actions(const std::vector<action>& actions, std::vector<bool>& read) {
    for (const action& a : actions) {
        mark_expression(a.value, read);
    }
}

void mark_program(const std::vector<derived_expression>& derived, const std::vector<rate>& rates,
                  const std::vector<condition>& conditions, std::vector<bool>& read) {
    for (const derived_expression& d : derived) {
        for (const compiled_expression& e : d.case_conditions) {
            mark_expression(e, read);
        }
        for (const compiled_expression& e : d.case_values) {
            mark_expression(e, read);
        }
    }
    for (const rate& r : rates) {
        mark_expression(r.value, read);
    }
    for (const condition& c : conditions) {
        mark_expression(c.test, read);
        mark_actions(c.actions, read);
    }
}

// What the kind's own code reads.
void mark_own(const kind& k, std::vector<bool>& read) {
    mark_program(k.derived, k.rates, k.conditions, read);
    mark_actions(k.on_start, read);
    for (const auto& [port, actions] : k.on_event) {
        mark_actions(actions, read);
    }
    for (const regime_program& regime : k.regimes) {
        mark_program(regime.derived, regime.rates, regime.conditions, read);
        mark_actions(regime.on_entry, read);
        for (const auto& [port, actions] : regime.on_event) {
            mark_actions(actions, read);
        }
    }
}

// Every column's cells as a range, to find which column a cell lies in.
class column_ranges {
public:
    explicit column_ranges(const std::vector<std::unique_ptr<kind>>& kinds) {
        for (const auto& k : kinds) {
            for (std::size_t c = 0; c < k->columns.size(); ++c) {
                const std::vector<double>& column = k->columns[c];
                if (!column.empty()) {
                    ranges_.push_back(
                        {column.data(), column.data() + column.size(), k->id, static_cast<int>(c)});
                }
            }
        }
        std::sort(ranges_.begin(), ranges_.end(),
                  [](const range& a, const range& b) { return std::less<>()(a.begin, b.begin); });
    }

    void mark(const double* cell, column_reads& read) const {
        const auto after = std::upper_bound(
            ranges_.begin(), ranges_.end(), cell,
            [](const double* p, const range& r) { return std::less<>()(p, r.begin); });
        if (after == ranges_.begin()) {
            return;
        }
        const range& r = *(after - 1);
        if (std::less<>()(cell, r.end)) {
            read[static_cast<std::size_t>(r.kind)][static_cast<std::size_t>(r.column)] = true;
        }
    }

private:
    struct range {
        const double* begin;
        const double* end;
        int kind;
        int column;
    };
    std::vector<range> ranges_;
};

} // namespace

column_reads read_columns(const std::vector<std::unique_ptr<kind>>& kinds,
                          const std::vector<const double*>& watched) {
    column_reads read(kinds.size());
    for (const auto& k : kinds) {
        read[static_cast<std::size_t>(k->id)].assign(k->columns.size(), false);
    }
    const column_ranges ranges(kinds);
    for (const auto& k : kinds) {
        mark_own(*k, read[static_cast<std::size_t>(k->id)]);
        for (const requirement_copy& r : k->requirements) {
            for (const value_source& s : r.source) {
                ranges.mark(s.cell, read);
            }
        }
        for (const derived_path& p : k->path_derived) {
            for (const value_source& s : p.sources) {
                ranges.mark(s.cell, read);
            }
        }
    }
    for (const double* cell : watched) {
        ranges.mark(cell, read);
    }
    return read;
}

} // namespace sf::lems::engine
