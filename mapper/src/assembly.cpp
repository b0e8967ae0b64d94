#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <optional>

#include <sf/mapper/assembly.hpp>

namespace sf::mapper {
namespace {

namespace isa = firmware::isa;
using isa::operand_form;

std::string format_error(const std::string& source, int line, int column,
                         const std::string& message) {
    return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

// Reads one line left to right, remembering the column for messages.
class line_reader {
public:
    line_reader(std::string_view text, std::string_view source, int line)
        : text_(text), source_(source), line_(line) {}

    void skip_spaces() {
        while (at_ < text_.size() &&
               (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r')) {
            ++at_;
        }
    }
    bool at_end() {
        skip_spaces();
        return at_ >= text_.size() || text_[at_] == ';' || text_[at_] == '#';
    }
    bool accept(char c) {
        skip_spaces();
        if (at_ < text_.size() && text_[at_] == c) {
            ++at_;
            return true;
        }
        return false;
    }
    void expect(char c, const char* what) {
        if (!accept(c)) {
            fail(std::string("expected ") + what);
        }
    }
    std::string_view word() {
        skip_spaces();
        const std::size_t start = at_;
        while (at_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[at_])) != 0 || text_[at_] == '_')) {
            ++at_;
        }
        return text_.substr(start, at_ - start);
    }
    std::int64_t number(const char* what) {
        skip_spaces();
        const std::size_t start = at_;
        const bool negative = at_ < text_.size() && text_[at_] == '-';
        if (negative) {
            ++at_;
        }
        int base = 10;
        if (text_.substr(at_, 2) == "0x" || text_.substr(at_, 2) == "0X") {
            base = 16;
            at_ += 2;
        }
        std::uint64_t magnitude = 0;
        const char* first = text_.data() + at_;
        const char* last = text_.data() + text_.size();
        const auto [end, status] = std::from_chars(first, last, magnitude, base);
        if (status == std::errc::invalid_argument || end == first) {
            at_ = start;
            fail(std::string("expected ") + what + " (a number)");
        }
        if (status != std::errc() || magnitude > (std::uint64_t{1} << 40)) {
            at_ = start;
            fail(std::string(what) + " is far out of range");
        }
        at_ += static_cast<std::size_t>(end - first);
        const auto value = static_cast<std::int64_t>(magnitude);
        return negative ? -value : value;
    }
    // `prefix` then a number: r3, p1.
    int numbered(char prefix, int limit, const char* what) {
        skip_spaces();
        const std::size_t start = at_;
        if (at_ >= text_.size() || std::tolower(static_cast<unsigned char>(text_[at_])) != prefix) {
            fail(std::string("expected ") + what);
        }
        ++at_;
        const std::int64_t n = number(what);
        if (n < 0 || n >= limit) {
            at_ = start;
            fail(std::string(what) + " must be " + prefix + "0 to " + prefix +
                 std::to_string(limit - 1));
        }
        return static_cast<int>(n);
    }
    [[noreturn]] void fail(const std::string& message) const { fail_at(at_, message); }
    [[noreturn]] void fail_at(std::size_t column, const std::string& message) const {
        throw assembly_error(std::string(source_), line_, static_cast<int>(column) + 1, message);
    }
    std::size_t column() const { return at_; }

private:
    std::string_view text_;
    std::string_view source_;
    int line_;
    std::size_t at_ = 0;
};

std::optional<isa::opcode> opcode_named(std::string_view mnemonic) {
    for (int code = 0; code < isa::opcode_count; ++code) {
        const auto op = static_cast<isa::opcode>(code);
        if (mnemonic == isa::info(op).mnemonic) {
            return op;
        }
    }
    return std::nullopt;
}

// The operands of one instruction, each read and range-checked where it stands.
struct operand_reader {
    line_reader& in;
    const isa::opcode_info& about;

    std::uint8_t reg() {
        return static_cast<std::uint8_t>(in.numbered('r', isa::register_count, "a register"));
    }
    std::uint8_t pred() {
        return static_cast<std::uint8_t>(in.numbered('p', isa::predicate_count, "a predicate"));
    }
    void comma() { in.expect(',', "','"); }
    std::uint16_t index(const char* what) {
        in.skip_spaces();
        const std::size_t column = in.column();
        const std::int64_t value = in.number(what);
        if (value < 0 || value > about.max_index) {
            in.fail_at(column,
                       std::string(what) + " must be 0 to " + std::to_string(about.max_index));
        }
        return static_cast<std::uint16_t>(value);
    }
    std::int32_t immediate() {
        in.skip_spaces();
        const std::size_t column = in.column();
        const std::int64_t value = in.number("an immediate");
        if (value < isa::min_immediate || value > isa::max_immediate) {
            in.fail_at(column, "the immediate must be " + std::to_string(isa::min_immediate) +
                                   " to " + std::to_string(isa::max_immediate) +
                                   "; larger values go in constant memory");
        }
        return static_cast<std::int32_t>(value);
    }
    // rd, ra, rb: the registers every three-register form starts with.
    void three(isa::instruction& i) {
        i.rd = reg();
        comma();
        i.ra = reg();
        comma();
        i.rb = reg();
    }
    // rd, ra, then an index named `what`.
    void two_and_index(isa::instruction& i, const char* what) {
        i.rd = reg();
        comma();
        i.ra = reg();
        comma();
        i.index = index(what);
    }

    void read(isa::instruction& i) {
        switch (about.form) {
        case operand_form::none: break;
        case operand_form::rd_only: i.rd = reg(); break;
        case operand_form::rd_immediate:
            i.rd = reg();
            comma();
            i.immediate = immediate();
            break;
        case operand_form::rd_index:
            i.rd = reg();
            comma();
            i.index = index("the index");
            break;
        case operand_form::index_ra:
            i.index = index("the state slot");
            comma();
            i.ra = reg();
            break;
        case operand_form::rd_ra_rb: three(i); break;
        case operand_form::rd_ra_rb_sh:
            three(i);
            comma();
            i.index = index("the shift");
            break;
        case operand_form::rd_ra_sh: two_and_index(i, "the shift"); break;
        case operand_form::pd_ra_rb:
            i.rd = pred();
            comma();
            i.ra = reg();
            comma();
            i.rb = reg();
            break;
        case operand_form::rd_pd_ra_rb:
            i.rd = reg();
            comma();
            i.pd = pred();
            comma();
            i.ra = reg();
            comma();
            i.rb = reg();
            break;
        case operand_form::rd_ra_table: two_and_index(i, "the table"); break;
        }
    }
};

// The mnemonic at the reader, in any case.
isa::opcode read_opcode(line_reader& in) {
    in.skip_spaces();
    const std::size_t mnemonic_column = in.column();
    std::string mnemonic(in.word());
    for (char& c : mnemonic) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const auto op = opcode_named(mnemonic);
    if (!op) {
        in.fail_at(mnemonic_column, mnemonic.empty() ? "expected a mnemonic"
                                                     : "unknown mnemonic '" + mnemonic + "'");
    }
    return *op;
}

isa::instruction read_instruction(line_reader& in) {
    isa::instruction i;
    if (in.accept('(')) {
        i.negate = in.accept('!');
        i.predicate =
            static_cast<std::uint8_t>(in.numbered('p', isa::predicate_count, "a predicate"));
        in.expect(')', "')' after the predicate");
    }
    i.op = read_opcode(in);
    const isa::opcode_info about = isa::info(i.op);
    operand_reader{in, about}.read(i);
    if (!in.at_end()) {
        in.fail("unexpected text after the operands of " + std::string(about.mnemonic));
    }
    if (const isa::decode_status status = isa::check(i); status != isa::decode_status::ok) {
        in.fail(isa::describe(status));
    }
    return i;
}

} // namespace

assembly_error::assembly_error(std::string source, int line, int column, std::string message)
    : sf::error(format_error(source, line, column, message)), source_(std::move(source)),
      line_(line), column_(column), message_(std::move(message)) {}

std::vector<std::uint32_t> assemble(std::string_view text, std::string_view source) {
    std::vector<std::uint32_t> words;
    int line = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        ++line;
        line_reader in(text.substr(start, end - start), source, line);
        if (!in.at_end()) {
            const isa::instruction i = read_instruction(in);
            std::uint32_t word = 0;
            isa::encode(i, word); // read_instruction checked it
            words.push_back(word);
        }
        start = end + 1;
    }
    return words;
}

std::string to_text(const isa::instruction& i) {
    std::string text;
    if (i.predicate != 0 || i.negate) {
        text += std::string("(") + (i.negate ? "!" : "") + "p" + std::to_string(i.predicate) + ") ";
    }
    const isa::opcode_info about = isa::info(i.op);
    text += about.mnemonic;
    auto r = [](int n) { return "r" + std::to_string(n); };
    auto p = [](int n) { return "p" + std::to_string(n); };
    const std::string index = std::to_string(i.index);
    switch (about.form) {
    case operand_form::none: break;
    case operand_form::rd_only: text += " " + r(i.rd); break;
    case operand_form::rd_immediate:
        text += " " + r(i.rd) + ", " + std::to_string(i.immediate);
        break;
    case operand_form::rd_index: text += " " + r(i.rd) + ", " + index; break;
    case operand_form::index_ra: text += " " + index + ", " + r(i.ra); break;
    case operand_form::rd_ra_rb: text += " " + r(i.rd) + ", " + r(i.ra) + ", " + r(i.rb); break;
    case operand_form::rd_ra_rb_sh:
        text += " " + r(i.rd) + ", " + r(i.ra) + ", " + r(i.rb) + ", " + index;
        break;
    case operand_form::rd_ra_sh: text += " " + r(i.rd) + ", " + r(i.ra) + ", " + index; break;
    case operand_form::pd_ra_rb: text += " " + p(i.rd) + ", " + r(i.ra) + ", " + r(i.rb); break;
    case operand_form::rd_pd_ra_rb:
        text += " " + r(i.rd) + ", " + p(i.pd) + ", " + r(i.ra) + ", " + r(i.rb);
        break;
    case operand_form::rd_ra_table: text += " " + r(i.rd) + ", " + r(i.ra) + ", " + index; break;
    }
    return text;
}

std::string disassemble(const std::vector<std::uint32_t>& words, std::string_view source) {
    std::string text;
    for (std::size_t n = 0; n < words.size(); ++n) {
        isa::instruction i;
        if (const isa::decode_status status = isa::decode(words[n], i);
            status != isa::decode_status::ok) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(words[n]));
            throw assembly_error(std::string(source), static_cast<int>(n) + 1, 0,
                                 "word " + std::string(hex) +
                                     " is not an instruction: " + isa::describe(status));
        }
        text += to_text(i) + "\n";
    }
    return text;
}

} // namespace sf::mapper
