#include <sf/firmware/assert.hpp>

#include "program_writer.hpp"

namespace sf::mapper::detail {
namespace {

namespace isa = firmware::isa;

isa::instruction make(isa::opcode code) {
    isa::instruction i;
    i.op = code;
    return i;
}

} // namespace

void program_writer::emit(isa::instruction i) {
    if (guarded_) {
        i.predicate = guard_predicate;
    }
    SF_ASSERT(isa::check(i) == isa::decode_status::ok);
    code.push_back(i);
    notes.push_back(pending_note_);
    pending_note_.clear();
}

void program_writer::rd_index(isa::opcode operation, int rd, int index) {
    isa::instruction i = make(operation);
    i.rd = static_cast<std::uint8_t>(rd);
    i.index = static_cast<std::uint16_t>(index);
    emit(i);
}

void program_writer::rd_only(isa::opcode operation, int rd) {
    isa::instruction i = make(operation);
    i.rd = static_cast<std::uint8_t>(rd);
    emit(i);
}

void program_writer::three(isa::opcode operation, int rd, int ra, int rb) {
    isa::instruction i = make(operation);
    i.rd = static_cast<std::uint8_t>(rd);
    i.ra = static_cast<std::uint8_t>(ra);
    i.rb = static_cast<std::uint8_t>(rb);
    emit(i);
}

void program_writer::multiply(int rd, int ra, int rb, int shift) {
    isa::instruction i = make(isa::opcode::mul);
    i.rd = static_cast<std::uint8_t>(rd);
    i.ra = static_cast<std::uint8_t>(ra);
    i.rb = static_cast<std::uint8_t>(rb);
    i.index = static_cast<std::uint16_t>(shift);
    emit(i);
}

void program_writer::shift(isa::opcode operation, int rd, int ra, int amount) {
    isa::instruction i = make(operation);
    i.rd = static_cast<std::uint8_t>(rd);
    i.ra = static_cast<std::uint8_t>(ra);
    i.index = static_cast<std::uint16_t>(amount);
    emit(i);
}

void program_writer::compare(isa::opcode operation, int pd, int ra, int rb) {
    isa::instruction i = make(operation);
    i.rd = static_cast<std::uint8_t>(pd);
    i.ra = static_cast<std::uint8_t>(ra);
    i.rb = static_cast<std::uint8_t>(rb);
    emit(i);
}

void program_writer::select(int rd, int pd, int ra, int rb) {
    isa::instruction i = make(isa::opcode::sel);
    i.rd = static_cast<std::uint8_t>(rd);
    i.pd = static_cast<std::uint8_t>(pd);
    i.ra = static_cast<std::uint8_t>(ra);
    i.rb = static_cast<std::uint8_t>(rb);
    emit(i);
}

void program_writer::load_immediate(int rd, std::int32_t value) {
    isa::instruction i = make(isa::opcode::li);
    i.rd = static_cast<std::uint8_t>(rd);
    i.immediate = value;
    emit(i);
}

void program_writer::store(int slot, int ra) {
    isa::instruction i = make(isa::opcode::sts);
    i.index = static_cast<std::uint16_t>(slot);
    i.ra = static_cast<std::uint8_t>(ra);
    emit(i);
}

void program_writer::lookup(int r, int table) {
    isa::instruction i = make(isa::opcode::lut);
    i.rd = static_cast<std::uint8_t>(r);
    i.ra = static_cast<std::uint8_t>(r);
    i.index = static_cast<std::uint16_t>(table);
    emit(i);
}

int program_writer::take() {
    // Round robin: a register just freed keeps its value longest, so that a word stored from it
    // can be read back from it (remove_reloads).
    for (int k = 0; k < isa::register_count - 1; ++k) {
        const int r = 1 + (next_register_ + k) % (isa::register_count - 1);
        if (!busy_[r]) {
            busy_[r] = true;
            next_register_ = r % (isa::register_count - 1);
            return r;
        }
    }
    return -1;
}

void program_writer::give(int r) {
    if (r > 0) {
        busy_[r] = false;
    }
}

} // namespace sf::mapper::detail
