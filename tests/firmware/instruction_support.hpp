// Instructions built field by field for the firmware's tests.
#pragma once

#include <cstdint>

#include <sf/firmware/isa.hpp>

namespace sf::firmware::test {

inline isa::instruction make(isa::opcode op, std::uint8_t rd = 0, std::uint8_t ra = 0,
                             std::uint8_t rb = 0, std::uint16_t index = 0) {
    isa::instruction i;
    i.op = op;
    i.rd = rd;
    i.ra = ra;
    i.rb = rb;
    i.index = index;
    return i;
}

} // namespace sf::firmware::test
