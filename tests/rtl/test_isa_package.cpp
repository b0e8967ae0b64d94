// The RTL's package of encodings (rtl/core/sf_isa_pkg.sv) against the firmware's headers: every
// width, field position and opcode must be the same on both sides.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include <sf/firmware/image_format.hpp>
#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/isa.hpp>
#include <sf/firmware/random.hpp>
#include <sf/firmware/synapse.hpp>

namespace {

namespace isa = sf::firmware::isa;
namespace synapse = sf::firmware::synapse;
namespace image = sf::firmware::image;

// The value after `=` of a localparam line: a decimal number, signed or written N'dVALUE.
long parameter_value(std::string text) {
    const std::size_t base = text.find("'d");
    if (base != std::string::npos) {
        text = text.substr(base + 2);
    }
    return std::stol(text);
}

// Every `localparam NAME = VALUE;` of the package with its value.
std::map<std::string, long> package_values() {
    const std::string path = std::string(SF_RTL_DIR) + "/core/sf_isa_pkg.sv";
    std::ifstream in(path);
    REQUIRE(in.good());
    std::map<std::string, long> values;
    std::string line;
    while (std::getline(in, line)) {
        const std::size_t keyword = line.find("localparam");
        const std::size_t equals = line.find('=');
        const std::size_t end = line.find(';');
        if (keyword == std::string::npos || equals == std::string::npos || end < equals) {
            continue;
        }
        std::istringstream left(line.substr(keyword, equals - keyword));
        std::string word, name;
        while (left >> word) {
            name = word; // the last word before `=`
        }
        values[name] = parameter_value(line.substr(equals + 1, end - equals - 1));
    }
    REQUIRE(values.size() > 40);
    return values;
}

std::string upper(const char* text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    return out;
}

// The lowest set bit of a word.
long lowest_bit(std::uint32_t word) {
    REQUIRE(word != 0);
    long bit = 0;
    while ((word & 1u) == 0) {
        word >>= 1;
        ++bit;
    }
    return bit;
}

std::uint32_t encoded(const isa::instruction& i) {
    std::uint32_t word = 0;
    REQUIRE(isa::encode(i, word) == isa::decode_status::ok);
    return word;
}

} // namespace

TEST_CASE("rtl package: limits and opcodes are the instruction set's", "[rtl]") {
    const auto v = package_values();
    CHECK(v.at("REGISTER_COUNT") == isa::register_count);
    CHECK(v.at("PREDICATE_COUNT") == isa::predicate_count);
    CHECK(v.at("MAX_STATE_SLOT") == isa::max_state_slot);
    CHECK(v.at("MAX_CONSTANT") == isa::max_constant);
    CHECK(v.at("MAX_INPUT_CHANNEL") == isa::max_input_channel);
    CHECK(v.at("MAX_TABLE") == isa::max_table);
    CHECK(v.at("MAX_MULTIPLY_SHIFT") == isa::max_multiply_shift);
    CHECK(v.at("MAX_SHIFT") == isa::max_shift);
    CHECK(v.at("MAX_DRAW") == isa::max_draw);
    CHECK(v.at("MIN_IMMEDIATE") == isa::min_immediate);
    CHECK(v.at("MAX_IMMEDIATE") == isa::max_immediate);
    CHECK(v.at("OPCODE_COUNT") == isa::opcode_count);
    for (int op = 0; op < isa::opcode_count; ++op) {
        const char* mnemonic = isa::info(static_cast<isa::opcode>(op)).mnemonic;
        INFO(mnemonic);
        const std::string name = "OP_" + upper(mnemonic);
        REQUIRE(v.count(name) == 1);
        CHECK(v.at(name) == op);
    }
}

TEST_CASE("rtl package: instruction fields sit where the encoder puts them", "[rtl]") {
    const auto v = package_values();
    isa::instruction i;
    i.op = isa::opcode::add;
    i.negate = true;
    CHECK(lowest_bit(encoded(i) & ~encoded({isa::opcode::add})) == v.at("NEGATE_LSB"));
    i = {};
    i.op = isa::opcode::nop;
    i.predicate = 1;
    CHECK(lowest_bit(encoded(i)) == v.at("PREDICATE_LSB"));
    CHECK(lowest_bit(encoded({isa::opcode::li})) == v.at("OPCODE_LSB"));
    i = {};
    i.op = isa::opcode::add;
    i.rd = 1;
    CHECK(lowest_bit(encoded(i) & ~encoded({isa::opcode::add})) == v.at("RD_LSB"));
    i.rd = 0;
    i.ra = 1;
    CHECK(lowest_bit(encoded(i) & ~encoded({isa::opcode::add})) == v.at("RA_LSB"));
    i.ra = 0;
    i.rb = 1;
    CHECK(lowest_bit(encoded(i) & ~encoded({isa::opcode::add})) == v.at("RB_LSB"));
    i = {};
    i.op = isa::opcode::ldc;
    i.index = 1;
    CHECK(lowest_bit(encoded(i) & ~encoded({isa::opcode::ldc})) == v.at("INDEX_LSB"));
    // Widths: the largest value of each field fills exactly its bits.
    CHECK((1L << v.at("PREDICATE_WIDTH")) == isa::predicate_count);
    CHECK((1L << v.at("REGISTER_WIDTH")) == isa::register_count);
    CHECK((1L << v.at("OPCODE_WIDTH")) >= isa::opcode_count);
    CHECK(v.at("OPCODE_LSB") + v.at("OPCODE_WIDTH") == v.at("PREDICATE_LSB"));
    CHECK(v.at("RD_LSB") + v.at("REGISTER_WIDTH") == v.at("OPCODE_LSB"));
    CHECK((1L << v.at("INDEX_WIDTH")) == isa::max_draw + 1);
    CHECK((1L << (v.at("IMMEDIATE_WIDTH") - 1)) == isa::max_immediate + 1);
}

TEST_CASE("rtl package: the synaptic word and the route word are the image's", "[rtl]") {
    const auto v = package_values();
    CHECK(v.at("SYN_TARGET_WIDTH") == synapse::target_bits);
    CHECK(v.at("SYN_CHANNEL_LSB") == synapse::channel_shift);
    CHECK(v.at("SYN_CHANNEL_WIDTH") == synapse::channel_bits);
    CHECK(v.at("SYN_DELAY_LSB") == synapse::delay_shift);
    CHECK(v.at("SYN_DELAY_WIDTH") == synapse::delay_bits);
    CHECK(v.at("SYN_WEIGHT_LSB") == synapse::weight_shift);
    CHECK(v.at("SYN_WEIGHT_WIDTH") == synapse::weight_bits);
    CHECK(v.at("LINK_COUNT") == image::link_count);
    CHECK(v.at("MAX_CORES_PER_CHIP") == image::max_cores_per_chip);
    CHECK(v.at("NEURON_KEY_BITS") == image::neuron_key_bits);
}

TEST_CASE("rtl package: decode and run statuses, rand's constants and table limits", "[rtl]") {
    const auto v = package_values();
    CHECK(v.at("DECODE_OK") == static_cast<long>(isa::decode_status::ok));
    CHECK(v.at("DECODE_UNKNOWN_OPCODE") == static_cast<long>(isa::decode_status::unknown_opcode));
    CHECK(v.at("DECODE_UNUSED_FIELD_SET") ==
          static_cast<long>(isa::decode_status::unused_field_set));
    CHECK(v.at("DECODE_INDEX_OUT_OF_RANGE") ==
          static_cast<long>(isa::decode_status::index_out_of_range));
    CHECK(v.at("DECODE_WRITES_P0") == static_cast<long>(isa::decode_status::writes_p0));
    CHECK(v.at("RUN_OK") == static_cast<long>(isa::run_status::ok));
    CHECK(v.at("RUN_STATE_OUT_OF_RANGE") == static_cast<long>(isa::run_status::state_out_of_range));
    CHECK(v.at("RUN_CONSTANT_OUT_OF_RANGE") ==
          static_cast<long>(isa::run_status::constant_out_of_range));
    CHECK(v.at("RUN_INPUT_OUT_OF_RANGE") == static_cast<long>(isa::run_status::input_out_of_range));
    CHECK(v.at("RUN_TABLE_OUT_OF_RANGE") == static_cast<long>(isa::run_status::table_out_of_range));
    CHECK(v.at("RANDOM_STEP_SPREAD") == static_cast<long>(isa::random_step_spread));
    // The multipliers, through mix32 itself.
    const auto m1 = static_cast<std::uint32_t>(v.at("MIX_MULTIPLIER_1"));
    const auto m2 = static_cast<std::uint32_t>(v.at("MIX_MULTIPLIER_2"));
    for (const std::uint32_t x : {0u, 1u, 0x12345678u, 0xFFFFFFFFu}) {
        std::uint32_t y = x;
        y ^= y >> 16;
        y *= m1;
        y ^= y >> 13;
        y *= m2;
        y ^= y >> 16;
        CHECK(y == isa::mix32(x));
    }
    CHECK(v.at("MAX_TABLE_STEP") == isa::max_table_step);
    CHECK(v.at("MAX_TABLE_LOG2_INTERVALS") == isa::max_table_log2_intervals);
}
