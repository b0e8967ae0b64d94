#include <sstream>

#include <sf/emulator/native_program.hpp>
#include <sf/firmware/kernel.hpp>

namespace sf::emulator {
namespace {

namespace fw = firmware::detail;

// The lanes of a block: enough for two 256-bit vectors of words; the last block of a core takes
// what is left.
constexpr int block_lanes = 16;

// The generated file's own copies of the kernel's arithmetic (firmware/lanes.hpp, fixed.hpp,
// interpreter.hpp's look_up and random.hpp's hash), so that it compiles without the repository's
// headers. The tests run every opcode with extreme values against the kernel.
const char* const prelude = R"(#include <cstdint>
typedef std::int32_t i32;
typedef std::uint32_t u32;
typedef std::int64_t i64;
typedef std::uint64_t u64;
struct sf_frame { i32* state; const i32* input; i32* spikes; u32 neurons; u32 step; u32 seed; u32 first_neuron; };
#define SF_INLINE static inline __attribute__((always_inline))
SF_INLINE u32 sf_limit(u32 x) { return (x >> 31) + 0x7FFFFFFFu; }
SF_INLINE i32 sf_add(i32 a, i32 b, u32& c) {
    const u32 x = (u32)a, y = (u32)b, s = x + y;
    c = ((x ^ s) & (y ^ s)) >> 31;
    return (i32)(s ^ ((s ^ sf_limit(x)) & (0u - c)));
}
SF_INLINE i32 sf_sub(i32 a, i32 b, u32& c) {
    const u32 x = (u32)a, y = (u32)b, d = x - y;
    c = ((x ^ y) & (x ^ d)) >> 31;
    return (i32)(d ^ ((d ^ sf_limit(x)) & (0u - c)));
}
SF_INLINE i32 sf_shl(i32 a, int sh, u32& c) {
    c = (u32)((a >> (31 - sh)) != (a >> 31));
    const u32 s = (u32)a << sh;
    return (i32)(s ^ ((s ^ sf_limit((u32)a)) & (0u - c)));
}
SF_INLINE i32 sf_shr(i32 a, int sh) { const i32 t = a >> (sh - 1); return (t >> 1) + (t & 1); }
SF_INLINE i64 sf_round(i64 v, int sh) { return sh <= 0 ? v : ((v >> (sh - 1)) + 1) >> 1; }
SF_INLINE i32 sf_clamp(i64 v, u32& c) {
    const i64 k = v > 2147483647LL ? 2147483647LL : (v < -2147483648LL ? -2147483648LL : v);
    c += (u32)(k != v);
    return (i32)k;
}
SF_INLINE u32 sf_mix(u32 x) {
    x ^= x >> 16; x *= 0x85EBCA6Bu; x ^= x >> 13; x *= 0xC2B2AE35u; x ^= x >> 16;
    return x;
}
SF_INLINE i32 sf_rand(u32 seed, u32 neuron, u32 step, u32 k) {
    return (i32)(sf_mix(sf_mix(sf_mix(seed + step * 0x9E3779B9u) ^ neuron) + k) >> 1);
}
SF_INLINE i32 sf_lut(const i32* y, i32 x0, int step, int log2, i32 x, u32& c) {
    const i64 span = (i64)1 << (log2 + step);
    i64 d = (i64)x - x0;
    if (d < 0 || d > span) { ++c; d = d < 0 ? 0 : span; }
    const i64 last = ((i64)1 << log2) - 1;
    const i64 below = d >> step;
    const i64 i = below < last ? below : last;
    const i64 f = d - (i << step);
    const i64 y0 = y[i];
    return sf_clamp(y0 + sf_round(((i64)y[i + 1] - y0) * f, step), c);
}
)";

std::string reg(unsigned k) { return "r" + std::to_string(k) + "[i]"; }
std::string pred(unsigned k) { return "p" + std::to_string(k) + "[i]"; }

// A word as a C++ expression of type i32, whatever its sign.
std::string word(std::uint32_t w) { return "(i32)" + std::to_string(w) + "u"; }

// One op over the lanes of a block: `value` into `target` where the guard holds, counting the
// clamps the value reports through `c` when `counted`.
struct op_writer {
    std::ostringstream& out;
    const fw::op& o;

    void put(const std::string& target, const std::string& value, bool counted = false) const {
        out << "    for (u32 i = 0; i < count; ++i) {\n";
        if (counted) {
            out << "        u32 c = 0;\n";
        }
        out << "        const i32 v = " << value << ";\n";
        if (o.guard == 0) {
            out << "        " << target << " = v;\n";
            if (counted) {
                out << "        sat[i] += c;\n";
            }
        } else {
            out << "        const i32 m = " << pred(o.guard & 3u)
                << ((o.guard & 4u) != 0 ? " ^ -1" : "") << ";\n";
            out << "        " << target << " = (v & m) | (" << target << " & ~m);\n";
            if (counted) {
                out << "        sat[i] += c & (u32)m;\n";
            }
        }
        out << "    }\n";
    }
};

void write_arithmetic(const op_writer& w, const fw::op& o) {
    const std::string a = reg(o.ra);
    const std::string b = reg(o.rb);
    const std::string sh = std::to_string(o.arg);
    switch (o.kind) {
    case fw::op_kind::add: w.put(reg(o.rd), "sf_add(" + a + ", " + b + ", c)", true); break;
    case fw::op_kind::sub: w.put(reg(o.rd), "sf_sub(" + a + ", " + b + ", c)", true); break;
    case fw::op_kind::mul:
        w.put(reg(o.rd), "sf_clamp(sf_round((i64)" + a + " * " + b + ", " + sh + "), c)", true);
        break;
    case fw::op_kind::shl: w.put(reg(o.rd), "sf_shl(" + a + ", " + sh + ", c)", true); break;
    case fw::op_kind::shr:
        w.put(reg(o.rd), o.arg == 0 ? a : "sf_shr(" + a + ", " + sh + ")");
        break;
    case fw::op_kind::min: w.put(reg(o.rd), a + " < " + b + " ? " + a + " : " + b); break;
    case fw::op_kind::max: w.put(reg(o.rd), a + " > " + b + " ? " + a + " : " + b); break;
    case fw::op_kind::cmpgt: w.put(pred(o.rd), a + " > " + b + " ? -1 : 0"); break;
    case fw::op_kind::cmpge: w.put(pred(o.rd), a + " >= " + b + " ? -1 : 0"); break;
    case fw::op_kind::cmpeq: w.put(pred(o.rd), a + " == " + b + " ? -1 : 0"); break;
    default: {
        const std::string s = pred(o.arg);
        w.put(reg(o.rd), "(" + a + " & " + s + ") | (" + b + " & ~" + s + ")");
        break;
    }
    }
}

void write_op(std::ostringstream& out, const fw::op& o, std::size_t program) {
    const op_writer w{out, o};
    const std::string at = std::to_string(o.arg) + " * n + i]";
    switch (o.kind) {
    case fw::op_kind::load: w.put(reg(o.rd), word(o.arg)); break;
    case fw::op_kind::step_number: w.put(reg(o.rd), "(i32)f->step"); break;
    case fw::op_kind::random:
        w.put(reg(o.rd), "sf_rand(f->seed, f->first_neuron + base + i, f->step, " +
                             std::to_string(o.arg) + "u)");
        break;
    case fw::op_kind::load_state: w.put(reg(o.rd), "state[" + at); break;
    case fw::op_kind::store_state: w.put("state[" + at, reg(o.ra)); break;
    case fw::op_kind::load_input: w.put(reg(o.rd), "input[" + at); break;
    case fw::op_kind::lut: {
        const std::string table = "sf_p" + std::to_string(program) + "_t" + std::to_string(o.arg);
        w.put(reg(o.rd),
              "sf_lut(" + table + ", " + table + "_x0, " + table + "_step, " + table + "_log2, " +
                  reg(o.ra) + ", c)",
              true);
        break;
    }
    case fw::op_kind::spike: w.put("spikes[i]", "-1"); break;
    case fw::op_kind::fault: break; // refused before: such programs stay on the kernel
    default: write_arithmetic(w, o); break;
    }
}

void write_tables(std::ostringstream& out, const native_program& p, std::size_t k) {
    for (std::size_t t = 0; t < p.tables.size(); ++t) {
        const std::string name = "sf_p" + std::to_string(k) + "_t" + std::to_string(t);
        const native_table& table = p.tables[t];
        out << "static const i32 " << name << "[] = {";
        for (std::size_t s = 0; s < table.y.size(); ++s) {
            out << (s == 0 ? "" : ", ") << word(static_cast<std::uint32_t>(table.y[s]));
        }
        out << "};\nstatic const i32 " << name
            << "_x0 = " << word(static_cast<std::uint32_t>(table.x0)) << ";\nstatic const int "
            << name << "_step = " << int{table.step} << ";\nstatic const int " << name
            << "_log2 = " << int{table.log2_intervals} << ";\n";
    }
}

// One block of lanes, then the function that runs every block of a core.
void write_program(std::ostringstream& out, const native_program& p, std::size_t k) {
    write_tables(out, p, k);
    const std::string name = function_name(k);
    out << "SF_INLINE u64 " << name << "_block(const sf_frame* f, u32 base, u32 count) {\n"
        << "    const u32 n = f->neurons;\n"
        << "    i32* __restrict state = f->state + base;\n"
        << "    const i32* __restrict input = f->input + base;\n"
        << "    i32* __restrict spikes = f->spikes + base;\n"
        << "    (void)n; (void)state; (void)input; (void)spikes;\n";
    for (int r = 0; r < firmware::isa::register_count; ++r) {
        out << "    i32 r" << r << "[" << block_lanes << "] = {};\n";
    }
    for (int q = 1; q < firmware::isa::predicate_count; ++q) {
        out << "    i32 p" << q << "[" << block_lanes << "] = {};\n";
    }
    out << "    u32 sat[" << block_lanes << "] = {};\n";
    for (std::size_t at = 0; at < p.ops.size(); at += fw::op_words) {
        write_op(out, fw::unpack(p.ops.data() + at), k);
    }
    out << "    u64 total = 0;\n    for (u32 i = 0; i < count; ++i) { total += sat[i]; }\n"
        << "    return total;\n}\n"
        << "extern \"C\" u64 " << name << "(const sf_frame* f) {\n"
        << "    u64 total = 0;\n    u32 base = 0;\n"
        << "    for (; base + " << block_lanes << " <= f->neurons; base += " << block_lanes
        << ") { total += " << name << "_block(f, base, " << block_lanes << "); }\n"
        << "    if (base < f->neurons) { total += " << name
        << "_block(f, base, f->neurons - base); }\n"
        << "    return total;\n}\n";
}

} // namespace

std::vector<std::uint32_t> native_program::identity() const {
    std::vector<std::uint32_t> all(ops);
    all.push_back(static_cast<std::uint32_t>(tables.size()));
    for (const native_table& t : tables) {
        all.push_back(static_cast<std::uint32_t>(t.x0));
        all.push_back(std::uint32_t{t.step} << 8 | t.log2_intervals);
        all.push_back(static_cast<std::uint32_t>(t.y.size()));
        for (std::int32_t y : t.y) {
            all.push_back(static_cast<std::uint32_t>(y));
        }
    }
    return all;
}

native_program program_of(const firmware::core_config& config) {
    native_program p;
    p.ops.assign(fw::op_words * config.program_length, 0);
    const fw::predecoded_program decoded = fw::predecode(config, p.ops.data());
    p.ops.resize(fw::op_words * decoded.op_count);
    for (std::size_t at = 0; at < p.ops.size(); at += fw::op_words) {
        p.may_fault |= fw::unpack(p.ops.data() + at).kind == fw::op_kind::fault;
    }
    for (std::size_t t = 0; t < config.table_count; ++t) {
        const firmware::isa::lookup_table& source = config.tables[t];
        native_table table{source.x0, source.step, source.log2_intervals, {}};
        table.y.assign(source.y, source.y + (std::size_t{1} << source.log2_intervals) + 1);
        p.tables.push_back(std::move(table));
    }
    return p;
}

std::string function_name(std::size_t k) { return "sf_program_" + std::to_string(k); }

std::string native_source(const std::vector<const native_program*>& programs) {
    std::ostringstream out;
    out << prelude;
    for (std::size_t k = 0; k < programs.size(); ++k) {
        write_program(out, *programs[k], k);
    }
    return out.str();
}

} // namespace sf::emulator
