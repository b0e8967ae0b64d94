#include <array>

#include "reloads.hpp"

namespace sf::mapper::detail {
namespace {

namespace isa = firmware::isa;
using isa::opcode;
using isa::operand_form;

// The register an instruction writes, or -1 (compares write a predicate, stores memory).
int written(const isa::instruction& i) {
    switch (isa::info(i.op).form) {
    case operand_form::none:
    case operand_form::index_ra:
    case operand_form::pd_ra_rb: return -1;
    default: return i.rd;
    }
}

// Whether the instruction reads register r.
bool reads(const isa::instruction& i, int r) {
    switch (isa::info(i.op).form) {
    case operand_form::index_ra:
    case operand_form::rd_ra_sh:
    case operand_form::rd_ra_table: return i.ra == r;
    case operand_form::rd_ra_rb:
    case operand_form::rd_ra_rb_sh:
    case operand_form::pd_ra_rb:
    case operand_form::rd_pd_ra_rb: return i.ra == r || i.rb == r;
    default: return false;
    }
}

void rename_reads(isa::instruction& i, int from, int to) {
    switch (isa::info(i.op).form) {
    case operand_form::index_ra:
    case operand_form::rd_ra_sh:
    case operand_form::rd_ra_table:
        if (i.ra == from) {
            i.ra = static_cast<std::uint8_t>(to);
        }
        break;
    case operand_form::rd_ra_rb:
    case operand_form::rd_ra_rb_sh:
    case operand_form::pd_ra_rb:
    case operand_form::rd_pd_ra_rb:
        if (i.ra == from) {
            i.ra = static_cast<std::uint8_t>(to);
        }
        if (i.rb == from) {
            i.rb = static_cast<std::uint8_t>(to);
        }
        break;
    default: break;
    }
}

// Tries to serve the load at `at` from register `holder`; true when it did.
bool reuse(std::vector<isa::instruction>& code, std::size_t at, int holder) {
    const int loaded = code[at].rd;
    // Where rB's value from this load is last read: up to and including its next writer.
    std::size_t end = at + 1;
    std::vector<std::size_t> uses;
    for (; end < code.size(); ++end) {
        const isa::instruction& i = code[end];
        if (reads(i, loaded)) {
            uses.push_back(end);
        }
        if (written(i) == loaded) {
            break; // reads before it writes: its read is the last use
        }
    }
    // The holder may change in the last use (which reads first), not before.
    const std::size_t last = uses.empty() ? at : uses.back();
    for (std::size_t k = at + 1; k < last; ++k) {
        if (written(code[k]) == holder) {
            return false;
        }
    }
    for (std::size_t k : uses) {
        rename_reads(code[k], loaded, holder);
    }
    return true;
}

} // namespace

void remove_reloads(std::vector<isa::instruction>& code, std::vector<std::string>& notes,
                    int scratch_words) {
    constexpr int none = -1;
    // Per register: the state word or the constant it holds (all neurons alike), or none.
    std::array<int, isa::register_count> holds_word;
    std::array<int, isa::register_count> holds_constant;
    holds_word.fill(none);
    holds_constant.fill(none);
    auto drop = [&](std::size_t at) {
        if (at + 1 < notes.size() && notes[at + 1].empty()) {
            notes[at + 1] = notes[at];
        }
        code.erase(code.begin() + static_cast<std::ptrdiff_t>(at));
        notes.erase(notes.begin() + static_cast<std::ptrdiff_t>(at));
    };
    std::size_t at = 0;
    while (at < code.size()) {
        isa::instruction& i = code[at];
        const bool predicated = i.predicate != 0 || i.negate;
        if (i.op == opcode::lds || i.op == opcode::ldc) {
            const auto& holds = i.op == opcode::lds ? holds_word : holds_constant;
            int holder = none;
            for (int r = 0; r < isa::register_count; ++r) {
                if (holds[static_cast<std::size_t>(r)] == i.index) {
                    holder = r;
                }
            }
            if (holder == i.rd || (holder != none && reuse(code, at, holder))) {
                drop(at);
                continue;
            }
        }
        // What the instruction changes.
        const int target = written(i);
        if (target >= 0) {
            holds_word[static_cast<std::size_t>(target)] = none;
            holds_constant[static_cast<std::size_t>(target)] = none;
        }
        if (i.op == opcode::sts) {
            for (int& h : holds_word) {
                if (h == i.index) {
                    h = none;
                }
            }
            if (!predicated) {
                holds_word[i.ra] = i.index;
            }
        }
        if (!predicated && i.op == opcode::lds) {
            holds_word[i.rd] = i.index;
        }
        if (!predicated && i.op == opcode::ldc) {
            holds_constant[i.rd] = i.index;
        }
        ++at;
    }
    // Scratch stores that no load reads before the word is stored again or the step ends.
    for (std::size_t k = code.size(); k-- > 0;) {
        const isa::instruction& i = code[k];
        if (i.op != opcode::sts || i.index >= scratch_words) {
            continue;
        }
        bool read = false;
        for (std::size_t later = k + 1; later < code.size(); ++later) {
            const isa::instruction& j = code[later];
            if (j.op == opcode::lds && j.index == i.index) {
                read = true;
                break;
            }
            if (j.op == opcode::sts && j.index == i.index && j.predicate == 0 && !j.negate) {
                break;
            }
        }
        if (!read) {
            drop(k);
        }
    }
}

} // namespace sf::mapper::detail
