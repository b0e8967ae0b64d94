#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sf/firmware/isa.hpp>
#include <sf/lems/error.hpp>

namespace sf::mapper {

// A line of neuron-core assembly that is not an instruction: what() reads
// "source:line:column: message".
class assembly_error : public sf::error {
public:
    assembly_error(std::string source, int line, int column, std::string message);

    const std::string& source() const { return source_; }
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& message() const { return message_; }

private:
    std::string source_;
    int line_;
    int column_;
    std::string message_;
};

// The text form of docs/isa.md, one instruction per line: an optional predicate `(p1)` or
// `(!p2)`, the mnemonic, then its operands separated by commas; `;` or `#` starts a comment.
// Numbers are decimal or 0x-hexadecimal, with an optional minus sign. Throws assembly_error at
// the first line that is not an instruction; `source` names the text in messages.
std::vector<std::uint32_t> assemble(std::string_view text, std::string_view source = "<assembly>");

// One instruction in the text form that assemble() reads back.
std::string to_text(const firmware::isa::instruction& instruction);

// A program as text, one instruction per line. Throws assembly_error naming the word's index
// (as the line) for a word that is not an instruction.
std::string disassemble(const std::vector<std::uint32_t>& words,
                        std::string_view source = "<program>");

} // namespace sf::mapper
