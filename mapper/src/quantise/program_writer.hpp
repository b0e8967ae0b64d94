#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/isa.hpp>

// The straight code of a neuron-core program as it is written: instructions with their
// comments, predicated by the statement's guard, and the registers they hold values in.
namespace sf::mapper::detail {

constexpr int zero_register = 0; // never written: every program may read r0 as 0
constexpr int one_register = 15; // set to 1 first and never written again
constexpr int guard_predicate = 1;
constexpr int scratch_predicate = 2;

class program_writer {
public:
    // Instructions written while guarded run only where the guard predicate holds.
    void set_guarded(bool guarded) { guarded_ = guarded; }
    bool guarded() const { return guarded_; }
    // A comment printed before the next instruction.
    void note(std::string text) { pending_note_ = std::move(text); }

    void emit(firmware::isa::instruction i);
    void rd_index(firmware::isa::opcode operation, int rd, int index);
    void rd_only(firmware::isa::opcode operation, int rd);
    void three(firmware::isa::opcode operation, int rd, int ra, int rb);
    void multiply(int rd, int ra, int rb, int shift);
    void shift(firmware::isa::opcode operation, int rd, int ra, int amount);
    void compare(firmware::isa::opcode operation, int pd, int ra, int rb);
    void select(int rd, int pd, int ra, int rb);
    void load_immediate(int rd, std::int32_t value);
    void store(int slot, int ra);
    void lookup(int r, int table);

    // A free register, now busy; -1 when all are busy.
    int take();
    void give(int r);
    // Keeps r (r15, the constant 1) busy for the whole program.
    void reserve(int r) { busy_[r] = true; }

    std::vector<firmware::isa::instruction> code;
    std::vector<std::string> notes; // per instruction: a comment line before it, or empty

private:
    bool busy_[firmware::isa::register_count] = {};
    int next_register_ = 0;
    bool guarded_ = false;
    std::string pending_note_;
};

} // namespace sf::mapper::detail
