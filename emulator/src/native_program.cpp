#include <sstream>

#include <sf/emulator/native_program.hpp>
#include <sf/firmware/kernel.hpp>

namespace sf::emulator {
namespace {

namespace fw = firmware::detail;

// The lanes of a block: eight words, so that a block of words fills a 256-bit vector and its 64-bit
// products a 512-bit one; the last block of a core takes what is left.
constexpr int block_lanes = 8;

// The generated file's own copies of the kernel's arithmetic (firmware/lanes.hpp, fixed.hpp,
// interpreter.hpp's look_up and random.hpp's hash), written over vectors of a block's lanes (the
// compiler's vector extensions) so that every op becomes a few vector instructions and the
// registers stay in vector registers; the table look-up stays lane by lane. The tests run every
// opcode with extreme values against the kernel.
const char* const prelude = R"(#include <cstdint>
#include <cstring>
typedef std::int32_t i32;
typedef std::uint32_t u32;
typedef std::int64_t i64;
typedef std::uint64_t u64;
#define SF_LANES 8
typedef i32 vi __attribute__((vector_size(4 * SF_LANES)));
typedef u32 vu __attribute__((vector_size(4 * SF_LANES)));
typedef i64 vl __attribute__((vector_size(8 * SF_LANES)));
struct sf_frame { i32* state; const i32* input; i32* spikes; u32 neurons; u32 step; u32 seed; u32 first_neuron; };
#define SF_INLINE static inline __attribute__((always_inline))
SF_INLINE vi sf_load(const i32* p, u32 count) { vi v = {}; std::memcpy(&v, p, count * 4u); return v; }
SF_INLINE void sf_store(i32* p, vi v, u32 count) { std::memcpy(p, &v, count * 4u); }
SF_INLINE vi sf_splat(i32 x) { return vi{} + x; }
SF_INLINE vi sf_merge(vi v, vi old, vi m) { return (v & m) | (old & ~m); }
SF_INLINE vu sf_limit(vu x) { return (x >> 31) + 0x7FFFFFFFu; }
SF_INLINE vi sf_add(vi a, vi b, vi& c) {
    const vu x = (vu)a, y = (vu)b, s = x + y, k = ((x ^ s) & (y ^ s)) >> 31;
    c = (vi)k;
    return (vi)(s ^ ((s ^ sf_limit(x)) & (0u - k)));
}
SF_INLINE vi sf_sub(vi a, vi b, vi& c) {
    const vu x = (vu)a, y = (vu)b, d = x - y, k = ((x ^ y) & (x ^ d)) >> 31;
    c = (vi)k;
    return (vi)(d ^ ((d ^ sf_limit(x)) & (0u - k)));
}
SF_INLINE vi sf_shl(vi a, int sh, vi& c) {
    const vu k = (vu)(-((a >> (31 - sh)) != (a >> 31)));
    c = (vi)k;
    const vu s = (vu)a << sh;
    return (vi)(s ^ ((s ^ sf_limit((vu)a)) & (0u - k)));
}
SF_INLINE vi sf_shr(vi a, int sh) { const vi t = a >> (sh - 1); return (t >> 1) + (t & 1); }
// The product rounded at `sh` bits and clamped to a word: a lane that does not fit takes the
// limit of its sign.
SF_INLINE vi sf_mul(vi a, vi b, int sh, vi& c) {
    vl v = __builtin_convertvector(a, vl) * __builtin_convertvector(b, vl);
    if (sh > 0) { v = ((v >> (sh - 1)) + 1) >> 1; }
    const vi k = __builtin_convertvector(v, vi);
    const vi fits = __builtin_convertvector(__builtin_convertvector(k, vl) == v, vi);
    const vi limit = __builtin_convertvector(v >> 63, vi) ^ 0x7FFFFFFF;
    c = fits + 1;
    return sf_merge(k, limit, fits);
}
SF_INLINE vi sf_min(vi a, vi b) { return sf_merge(a, b, a < b); }
SF_INLINE vi sf_max(vi a, vi b) { return sf_merge(a, b, a > b); }
SF_INLINE vu sf_mix(vu x) {
    x ^= x >> 16; x *= 0x85EBCA6Bu; x ^= x >> 13; x *= 0xC2B2AE35u; x ^= x >> 16;
    return x;
}
SF_INLINE vi sf_rand(u32 seed, u32 first, u32 step, u32 k) {
    const vu lane = {0, 1, 2, 3, 4, 5, 6, 7};
    const vu start = sf_mix(vu{} + (seed + step * 0x9E3779B9u));
    return (vi)(sf_mix(sf_mix(start ^ (lane + first)) + k) >> 1);
}
SF_INLINE i64 sf_round1(i64 v, int sh) { return sh <= 0 ? v : ((v >> (sh - 1)) + 1) >> 1; }
SF_INLINE i32 sf_clamp1(i64 v, i32& c) {
    const i64 k = v > 2147483647LL ? 2147483647LL : (v < -2147483648LL ? -2147483648LL : v);
    c += (i32)(k != v);
    return (i32)k;
}
SF_INLINE i32 sf_lut1(const i32* y, i32 x0, int step, int log2, i32 x, i32& c) {
    const i64 span = (i64)1 << (log2 + step);
    i64 d = (i64)x - x0;
    if (d < 0 || d > span) { ++c; d = d < 0 ? 0 : span; }
    const i64 last = ((i64)1 << log2) - 1;
    const i64 below = d >> step;
    const i64 i = below < last ? below : last;
    const i64 f = d - (i << step);
    const i64 y0 = y[i];
    return sf_clamp1(y0 + sf_round1(((i64)y[i + 1] - y0) * f, step), c);
}
SF_INLINE vi sf_lut(const i32* y, i32 x0, int step, int log2, vi x, vi& c) {
    vi out = {};
    c = vi{};
    for (int l = 0; l < SF_LANES; ++l) {
        i32 counted = 0;
        out[l] = sf_lut1(y, x0, step, log2, x[l], counted);
        c[l] = counted;
    }
    return out;
}
)";

std::string reg(unsigned k) { return "r" + std::to_string(k); }
std::string pred(unsigned k) { return k == 0 ? "sf_splat(-1)" : "p" + std::to_string(k); }

// A word as a C++ expression of type i32, whatever its sign.
std::string word(std::uint32_t w) { return "(i32)" + std::to_string(w) + "u"; }

// One op over the lanes of a block: `value` into `target` where the guard holds, counting the
// clamps the value reports through `c` when `counted`. A target in memory (`stored`) is read back
// for the lanes the guard leaves alone.
struct op_writer {
    std::ostringstream& out;
    const fw::op& o;

    void put(const std::string& target, const std::string& value, bool counted = false,
             const std::string& stored = {}) const {
        out << "    {";
        if (counted) {
            out << " vi c;";
        }
        out << " const vi v = " << value << ";";
        std::string result = "v";
        if (o.guard != 0) {
            out << " const vi m = " << pred(o.guard & 3u) << ((o.guard & 4u) != 0 ? " ^ -1" : "")
                << ";";
            result = "sf_merge(v, " + (stored.empty() ? target : "sf_load(" + stored + ", count)") +
                     ", m)";
        }
        if (stored.empty()) {
            out << " " << target << " = " << result << ";";
        } else {
            out << " sf_store(" << stored << ", " << result << ", count);";
        }
        if (counted) {
            out << (o.guard == 0 ? " sat += c;" : " sat += c & m;");
        }
        out << " }\n";
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
        w.put(reg(o.rd), "sf_mul(" + a + ", " + b + ", " + sh + ", c)", true);
        break;
    case fw::op_kind::shl: w.put(reg(o.rd), "sf_shl(" + a + ", " + sh + ", c)", true); break;
    case fw::op_kind::shr:
        w.put(reg(o.rd), o.arg == 0 ? a : "sf_shr(" + a + ", " + sh + ")");
        break;
    case fw::op_kind::min: w.put(reg(o.rd), "sf_min(" + a + ", " + b + ")"); break;
    case fw::op_kind::max: w.put(reg(o.rd), "sf_max(" + a + ", " + b + ")"); break;
    case fw::op_kind::cmpgt: w.put(pred(o.rd), "(vi)(" + a + " > " + b + ")"); break;
    case fw::op_kind::cmpge: w.put(pred(o.rd), "(vi)(" + a + " >= " + b + ")"); break;
    case fw::op_kind::cmpeq: w.put(pred(o.rd), "(vi)(" + a + " == " + b + ")"); break;
    default: w.put(reg(o.rd), "sf_merge(" + a + ", " + b + ", " + pred(o.arg) + ")"); break;
    }
}

void write_op(std::ostringstream& out, const fw::op& o, std::size_t program) {
    const op_writer w{out, o};
    const std::string slot = std::to_string(o.arg) + " * n";
    switch (o.kind) {
    case fw::op_kind::load: w.put(reg(o.rd), "sf_splat(" + word(o.arg) + ")"); break;
    case fw::op_kind::step_number: w.put(reg(o.rd), "sf_splat((i32)f->step)"); break;
    case fw::op_kind::random:
        w.put(reg(o.rd),
              "sf_rand(f->seed, f->first_neuron + base, f->step, " + std::to_string(o.arg) + "u)");
        break;
    case fw::op_kind::load_state: w.put(reg(o.rd), "sf_load(state + " + slot + ", count)"); break;
    case fw::op_kind::store_state: w.put({}, reg(o.ra), false, "state + " + slot); break;
    case fw::op_kind::load_input: w.put(reg(o.rd), "sf_load(input + " + slot + ", count)"); break;
    case fw::op_kind::lut: {
        const std::string table = "sf_p" + std::to_string(program) + "_t" + std::to_string(o.arg);
        w.put(reg(o.rd),
              "sf_lut(" + table + ", " + table + "_x0, " + table + "_step, " + table + "_log2, " +
                  reg(o.ra) + ", c)",
              true);
        break;
    }
    case fw::op_kind::spike: w.put({}, "sf_splat(-1)", false, "spikes"); break;
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

// One block of lanes, then the function that runs every block of a core. Lanes past `count` (in
// the last block) compute on zeros and are neither stored nor counted.
void write_program(std::ostringstream& out, const native_program& p, std::size_t k) {
    write_tables(out, p, k);
    const std::string name = function_name(k);
    out << "SF_INLINE u64 " << name << "_block(const sf_frame* f, u32 base, u32 count) {\n"
        << "    const u32 n = f->neurons;\n"
        << "    i32* state = f->state + base;\n"
        << "    const i32* input = f->input + base;\n"
        << "    i32* spikes = f->spikes + base;\n"
        << "    (void)n; (void)state; (void)input; (void)spikes;\n    vi ";
    for (int r = 0; r < firmware::isa::register_count; ++r) {
        out << (r == 0 ? "" : ", ") << "r" << r << " = {}";
    }
    out << ";\n    vi ";
    for (int q = 1; q < firmware::isa::predicate_count; ++q) {
        out << (q == 1 ? "" : ", ") << "p" << q << " = {}";
    }
    out << ";\n    vi sat = {};\n";
    for (std::size_t at = 0; at < p.ops.size(); at += fw::op_words) {
        write_op(out, fw::unpack(p.ops.data() + at), k);
    }
    out << "    u64 total = 0;\n    for (u32 l = 0; l < count; ++l) { total += (u32)sat[l]; }\n"
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
