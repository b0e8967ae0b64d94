#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <sstream>

#include "native_source.hpp"

namespace sf::lems::engine {
namespace {

const char* const prelude = R"(#include <cmath>
#include <cstddef>
#include <cstdint>
struct sf_source { const double* cell; };
struct sf_context {
    double* const* columns;
    const int* members;
    std::size_t first;
    std::size_t n;
    double dt;
    double t;
    const sf_source* const* requirement_sources;
    const std::uint32_t* const* path_offsets;
    const sf_source* const* path_sources;
    int* active_regime;
    const double* const* slots;
    std::size_t* fired_rows;
    int* fired_regimes;
    double* fired_tests;
};
static inline double sf_heaviside(double x) { return std::isnan(x) ? x : (x > 0 ? 1.0 : (x < 0 ? 0.0 : 0.5)); }
static inline double sf_factorial(double x) {
    double result = 1.0;
    for (int k = 2; k <= static_cast<int>(x); ++k) { result *= k; }
    return result;
}
)";

std::string literal(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%a", value); // exact
    return std::string("(") + text + ")";
}

const char* function_name(opcode op) {
    switch (op) {
    case opcode::exp: return "std::exp";
    case opcode::log: return "std::log";
    case opcode::sqrt: return "std::sqrt";
    case opcode::sin: return "std::sin";
    case opcode::cos: return "std::cos";
    case opcode::tan: return "std::tan";
    case opcode::sinh: return "std::sinh";
    case opcode::cosh: return "std::cosh";
    case opcode::tanh: return "std::tanh";
    case opcode::abs: return "std::fabs";
    case opcode::ceil: return "std::ceil";
    case opcode::floor: return "std::floor";
    case opcode::heaviside: return "sf_heaviside";
    case opcode::factorial: return "sf_factorial";
    default: return nullptr;
    }
}

std::string column_name(int column) { return "c" + std::to_string(column); }

// A binary operation as C++, or nothing for an operation that is not binary.
std::optional<std::string> binary_cpp(opcode op, const std::string& a, const std::string& b) {
    switch (op) {
    case opcode::add: return "(" + a + " + " + b + ")";
    case opcode::subtract: return "(" + a + " - " + b + ")";
    case opcode::multiply: return "(" + a + " * " + b + ")";
    case opcode::divide: return "(" + a + " / " + b + ")";
    case opcode::power: return "std::pow(" + a + ", " + b + ")";
    case opcode::greater: return "(" + a + " > " + b + " ? 1.0 : 0.0)";
    case opcode::less: return "(" + a + " < " + b + " ? 1.0 : 0.0)";
    case opcode::greater_equal: return "(" + a + " >= " + b + " ? 1.0 : 0.0)";
    case opcode::less_equal: return "(" + a + " <= " + b + " ? 1.0 : 0.0)";
    case opcode::equal: return "(" + a + " == " + b + " ? 1.0 : 0.0)";
    case opcode::not_equal: return "(" + a + " != " + b + " ? 1.0 : 0.0)";
    case opcode::logical_and: return "((" + a + " != 0.0 && " + b + " != 0.0) ? 1.0 : 0.0)";
    case opcode::logical_or: return "((" + a + " != 0.0 || " + b + " != 0.0) ? 1.0 : 0.0)";
    default: return std::nullopt;
    }
}

// The expression as C++ reading member m's columns, or nothing when it draws random numbers.
std::optional<std::string> to_cpp(const compiled_expression& e, const kind& k) {
    std::vector<std::string> stack;
    auto pop = [&]() {
        std::string top = std::move(stack.back());
        stack.pop_back();
        return top;
    };
    for (const instruction& ins : e.code) {
        switch (ins.op) {
        case opcode::variable: {
            // A value shared by every member is written into the code.
            const auto column = static_cast<std::size_t>(ins.column);
            const bool constant = column < k.constant_columns.size() &&
                                  k.constant_columns[column] && !k.columns[column].empty();
            stack.push_back(constant ? literal(k.columns[column].front())
                                     : column_name(ins.column) + "[m]");
            break;
        }
        case opcode::constant: stack.push_back(literal(ins.value)); break;
        case opcode::negate: stack.push_back("(-" + pop() + ")"); break;
        case opcode::random: return std::nullopt;
        default: {
            if (const char* name = function_name(ins.op)) {
                stack.push_back(std::string(name) + "(" + pop() + ")");
                break;
            }
            const std::string b = pop();
            const std::string a = pop();
            std::optional<std::string> text = binary_cpp(ins.op, a, b);
            if (!text) {
                return std::nullopt;
            }
            stack.push_back(std::move(*text));
        }
        }
    }
    return stack.empty() ? std::nullopt : std::optional<std::string>(stack.back());
}

// A derived variable as the interpreter picks its case: the first true condition, else the
// default case, else zero.
std::optional<std::string> derived_to_cpp(const derived_expression& d, const kind& k) {
    if (d.case_conditions.empty()) {
        return to_cpp(d.case_values.front(), k);
    }
    std::string fallback = "0.0";
    if (d.default_case >= 0) {
        auto value = to_cpp(d.case_values[static_cast<std::size_t>(d.default_case)], k);
        if (!value) {
            return std::nullopt;
        }
        fallback = *value;
    }
    std::string text = fallback;
    for (std::size_t c = d.case_conditions.size(); c-- > 0;) {
        if (static_cast<int>(c) == d.default_case) {
            continue;
        }
        auto condition = to_cpp(d.case_conditions[c], k);
        auto value = to_cpp(d.case_values[c], k);
        if (!condition || !value) {
            return std::nullopt;
        }
        text = "(" + *condition + " != 0.0 ? " + *value + " : " + text + ")";
    }
    return text;
}

// Every column of the kind as a local pointer, named as to_cpp names them.
void declare_columns(std::ostream& out, const kind& k) {
    for (std::size_t col = 0; col < k.columns.size(); ++col) {
        out << "    double* const c" << col << " = c[" << col << "];\n";
    }
}

// Derived variables, then rates: together (each from the state before the step, then the step)
// or one after the other, as a regime integrates.
bool write_updates(std::ostream& body, const kind& k,
                   const std::vector<derived_expression>& derived, const std::vector<rate>& rates,
                   bool rates_together, const std::vector<bool>& read) {
    for (const derived_expression& d : derived) {
        auto value = derived_to_cpp(d, k);
        if (!value) {
            return false;
        }
        body << "        " << column_name(d.column) << "[m] = " << *value << ";\n";
    }
    for (std::size_t r = 0; r < rates.size(); ++r) {
        auto value = to_cpp(rates[r].value, k);
        if (!value) {
            return false;
        }
        if (rates_together) {
            body << "        const double rate" << r << " = " << *value << ";\n";
        } else {
            body << "        " << column_name(rates[r].state_column) << "[m] += dt * " << *value
                 << ";\n";
        }
    }
    if (rates_together) {
        for (std::size_t r = 0; r < rates.size(); ++r) {
            if (read[static_cast<std::size_t>(rates[r].rate_column)]) {
                body << "        " << column_name(rates[r].rate_column) << "[m] = rate" << r
                     << ";\n";
            }
        }
        for (std::size_t r = 0; r < rates.size(); ++r) {
            body << "        " << column_name(rates[r].state_column) << "[m] += dt * rate" << r
                 << ";\n";
        }
    }
    return true;
}

// Evaluates every test and, when one passes, reports the row with all the tests' values.
bool write_tests(std::ostream& body, const kind& k, const std::vector<condition>& conditions,
                 int regime, std::size_t stride) {
    if (conditions.empty()) {
        return true;
    }
    std::string any;
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        auto test = to_cpp(conditions[c].test, k);
        if (!test) {
            return false;
        }
        body << "        const double test" << c << " = " << *test << ";\n";
        any += (c == 0 ? "" : " || ") + std::string("test") + std::to_string(c) + " != 0.0";
    }
    body << "        if (" << any << ") {\n"
         << "            x->fired_rows[fired] = j;\n"
         << "            x->fired_regimes[fired] = " << regime << ";\n"
         << "            double* const tests = x->fired_tests + fired * " << stride << ";\n";
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        body << "            tests[" << c << "] = test" << c << ";\n";
    }
    body << "            ++fired;\n        }\n";
    return true;
}

// The cells a group reads through pointers (requirements, select paths) often lie side by side:
// row j of the group reads cell j of one run. Such reads become plain loads from the run, which
// the compiler can vectorise; the runs' first cells are passed in at run time.
class consecutive_reads {
public:
    explicit consecutive_reads(const std::vector<int>& members) : members_(members) {}

    // The slot index of the run that `source_of(member)` forms over the group, or -1.
    template <class SourceOf>
    int find(SourceOf source_of) {
        const double* first = source_of(members_.front());
        const auto start = reinterpret_cast<std::uintptr_t>(first);
        for (std::size_t j = 0; j < members_.size(); ++j) {
            if (reinterpret_cast<std::uintptr_t>(source_of(members_[j])) !=
                start + j * sizeof(double)) {
                return -1;
            }
        }
        // The same run read twice (a requirement in both phases) takes one slot.
        const auto known = std::find(bases_.begin(), bases_.end(), first);
        if (known != bases_.end()) {
            return static_cast<int>(known - bases_.begin());
        }
        bases_.push_back(first);
        return static_cast<int>(bases_.size() - 1);
    }

    std::vector<const double*> take_bases() { return std::move(bases_); }

private:
    const std::vector<int>& members_;
    std::vector<const double*> bases_;
};

void write_requirements(std::ostream& body, const kind& k, consecutive_reads& reads) {
    for (std::size_t r = 0; r < k.requirements.size(); ++r) {
        const std::vector<value_source>& source = k.requirements[r].source;
        const int slot =
            reads.find([&](int m) { return source[static_cast<std::size_t>(m)].cell; });
        body << "        " << column_name(k.requirements[r].column) << "[m] = ";
        if (slot >= 0) {
            body << "x->slots[" << slot << "][j];\n";
        } else {
            body << "*x->requirement_sources[" << r << "][m].cell;\n";
        }
    }
}

// The number of cells each listed member reduces, when it is the same for all, else -1.
int uniform_count(const derived_path& path, const std::vector<int>& members) {
    auto count = [&](int m) {
        return path.offsets[static_cast<std::size_t>(m) + 1] -
               path.offsets[static_cast<std::size_t>(m)];
    };
    const std::uint32_t first = count(members.front());
    for (int m : members) {
        if (count(m) != first) {
            return -1;
        }
    }
    return static_cast<int>(first);
}

void write_paths(std::ostream& body, const kind& k, const std::vector<int>& members,
                 consecutive_reads& reads) {
    for (std::size_t p = 0; p < k.path_derived.size(); ++p) {
        const derived_path& path = k.path_derived[p];
        const bool product = path.reduce == derived_path::reduction::multiply;
        const char* const combine = product ? " * " : " + ";
        // Same order of operations as the interpreter: from the neutral value, one cell at a time.
        std::string value = product ? "1.0" : "0.0";
        const int count = uniform_count(path, members);
        for (int s = 0; s < count && !value.empty(); ++s) {
            const int slot = reads.find([&](int m) {
                return path
                    .sources[path.offsets[static_cast<std::size_t>(m)] +
                             static_cast<std::uint32_t>(s)]
                    .cell;
            });
            value = slot < 0 ? std::string()
                             : "(" + value + combine + "x->slots[" + std::to_string(slot) + "][j])";
        }
        if (count >= 0 && !value.empty()) {
            body << "        " << column_name(path.column) << "[m] = " << value << ";\n";
            continue;
        }
        body << "        {\n"
             << "            const std::uint32_t* const offsets = x->path_offsets[" << p << "];\n"
             << "            const sf_source* const sources = x->path_sources[" << p << "];\n"
             << "            double value = " << (product ? "1.0" : "0.0") << ";\n"
             << "            for (std::uint32_t s = offsets[m]; s < offsets[m + 1]; ++s) {\n"
             << "                value " << (product ? "*=" : "+=") << " *sources[s].cell;\n"
             << "            }\n"
             << "            " << column_name(path.column) << "[m] = value;\n"
             << "        }\n";
    }
}

// A group phase: `body` run for every member, over the listed members or a contiguous range. No
// member reads what another member of the group writes (the schedule only groups members where
// that holds), which lets the compiler vectorise the contiguous loop.
void write_phase(std::ostream& out, const std::string& name, const kind& k,
                 const std::string& body) {
    out << "extern \"C\" std::size_t " << name << "(const sf_context* x) {\n"
        << "    double* const* c = x->columns;\n";
    declare_columns(out, k);
    out << "    const double dt = x->dt;\n"
           "    const double now = x->t;\n"
           "    const std::size_t n = x->n;\n"
           "    std::size_t fired = 0;\n"
           "    (void)dt; (void)now;\n"
           "    if (x->members == nullptr) {\n"
           "        const std::size_t first = x->first;\n"
           "        _Pragma(\"GCC ivdep\") for (std::size_t j = 0; j < n; ++j) {\n"
           "        const std::size_t m = first + j;\n"
        << body
        << "        }\n"
           "    } else {\n"
           "        const int* const members = x->members;\n"
           "        _Pragma(\"GCC ivdep\") for (std::size_t j = 0; j < n; ++j) {\n"
           "        const std::size_t m = static_cast<std::size_t>(members[j]);\n"
        << body
        << "        }\n"
           "    }\n"
           "    return fired;\n"
           "}\n";
}

std::size_t test_stride(const kind& k) {
    std::size_t stride = std::max<std::size_t>(k.conditions.size(), 1);
    for (const regime_program& regime : k.regimes) {
        stride = std::max(stride, regime.conditions.size());
    }
    return stride;
}

// Writes both phases of a group; false when some expression cannot be compiled.
// Stores of the time, of rates and of exposures' copies that nothing reads (`read`) are left out.
bool write_group(std::ostream& out, const kind& k, const std::vector<int>& members,
                 const native_source::group_plan& plan, std::vector<const double*>& slots,
                 const std::vector<bool>& read) {
    const std::size_t stride = plan.test_stride;
    consecutive_reads reads(members);
    std::ostringstream main;
    if (k.time_column >= 0 && read[static_cast<std::size_t>(k.time_column)]) {
        main << "        " << column_name(k.time_column) << "[m] = now;\n";
    }
    write_requirements(main, k, reads);
    write_paths(main, k, members, reads);
    if (!write_updates(main, k, k.derived, k.rates, true, read) ||
        !write_tests(main, k, k.conditions, -1, stride)) {
        return false;
    }
    if (k.conditions.empty()) {
        for (const auto& [variable, snapshot] : k.exposure_sync) {
            if (read[static_cast<std::size_t>(snapshot)]) {
                main << "        " << column_name(snapshot) << "[m] = " << column_name(variable)
                     << "[m];\n";
            }
        }
    }
    std::ostringstream regimes;
    if (!k.regimes.empty()) {
        write_requirements(regimes, k, reads);
        regimes << "        switch (x->active_regime[m]) {\n";
        for (std::size_t r = 0; r < k.regimes.size(); ++r) {
            const regime_program& regime = k.regimes[r];
            regimes << "        case " << r << ": {\n";
            if (!write_updates(regimes, k, regime.derived, regime.rates, false, read) ||
                !write_tests(regimes, k, regime.conditions, static_cast<int>(r), stride)) {
                return false;
            }
            regimes << "            break;\n        }\n";
        }
        regimes << "        default: break;\n        }\n";
    }
    slots = reads.take_bases();
    write_phase(out, plan.main, k, main.str());
    if (!plan.regimes.empty()) {
        write_phase(out, plan.regimes, k, regimes.str());
    }
    return true;
}

// An OnEvent handler that only assigns, as run_actions runs it; nothing when it does more, when a
// regime handles the same port, or when an expression cannot be compiled.
std::optional<std::string> event_handler_body(const kind& k, int port,
                                              const std::vector<action>& actions) {
    for (const regime_program& regime : k.regimes) {
        if (regime.on_event.count(port) != 0) {
            return std::nullopt;
        }
    }
    std::ostringstream body;
    for (const action& a : actions) {
        if (a.op != action_op::assign) {
            return std::nullopt;
        }
        auto value = to_cpp(a.value, k);
        if (!value) {
            return std::nullopt;
        }
        body << "    " << column_name(a.column) << "[m] = " << *value << ";\n";
    }
    return body.str();
}

} // namespace

native_source write_native_source(const std::vector<schedule_entry>& schedule,
                                  const std::vector<std::unique_ptr<kind>>& kinds,
                                  const column_reads& read) {
    native_source result;
    std::ostringstream source;
    source << prelude;
    for (std::size_t g = 0; g < schedule.size(); ++g) {
        const schedule_entry& entry = schedule[g];
        if (entry.members.empty()) {
            continue;
        }
        const kind& k = *entry.owner;
        native_source::group_plan plan;
        plan.schedule_index = g;
        plan.test_stride = test_stride(k);
        plan.main = "sf_main_" + std::to_string(g);
        if (!k.regimes.empty()) {
            plan.regimes = "sf_regimes_" + std::to_string(g);
        }
        std::ostringstream group;
        if (write_group(group, k, entry.members, plan, plan.slots,
                        read[static_cast<std::size_t>(k.id)])) {
            source << group.str();
            result.groups.push_back(std::move(plan));
        }
    }
    for (const auto& k : kinds) {
        if (!k->has_dynamics) {
            continue;
        }
        for (const auto& [port, actions] : k->on_event) {
            if (auto body = event_handler_body(*k, port, actions)) {
                native_source::handler_plan plan{k.get(), port,
                                                 "sf_event_" + std::to_string(k->id) + "_" +
                                                     std::to_string(port)};
                source << "extern \"C\" void " << plan.function
                       << "(double* const* c, std::size_t m) {\n";
                declare_columns(source, *k);
                source << *body << "}\n";
                result.handlers.push_back(std::move(plan));
            }
        }
    }
    result.text = source.str();
    return result;
}

} // namespace sf::lems::engine
