#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <sf/lems/error.hpp>

#include "native_code.hpp"

namespace sf::lems::engine {
namespace {

namespace fs = std::filesystem;

const char* const prelude = R"(#include <cmath>
#include <cstddef>
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

// The expression as C++ reading member m's columns, or nothing when it draws random numbers.
std::optional<std::string> to_cpp(const compiled_expression& e) {
    std::vector<std::string> stack;
    auto pop = [&]() {
        std::string top = std::move(stack.back());
        stack.pop_back();
        return top;
    };
    for (const instruction& ins : e.code) {
        switch (ins.op) {
        case opcode::load: stack.push_back("c[" + std::to_string(ins.column) + "][m]"); break;
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
            switch (ins.op) {
            case opcode::add: stack.push_back("(" + a + " + " + b + ")"); break;
            case opcode::subtract: stack.push_back("(" + a + " - " + b + ")"); break;
            case opcode::multiply: stack.push_back("(" + a + " * " + b + ")"); break;
            case opcode::divide: stack.push_back("(" + a + " / " + b + ")"); break;
            case opcode::power: stack.push_back("std::pow(" + a + ", " + b + ")"); break;
            case opcode::greater: stack.push_back("(" + a + " > " + b + " ? 1.0 : 0.0)"); break;
            case opcode::less: stack.push_back("(" + a + " < " + b + " ? 1.0 : 0.0)"); break;
            case opcode::greater_equal: stack.push_back("(" + a + " >= " + b + " ? 1.0 : 0.0)"); break;
            case opcode::less_equal: stack.push_back("(" + a + " <= " + b + " ? 1.0 : 0.0)"); break;
            case opcode::equal: stack.push_back("(" + a + " == " + b + " ? 1.0 : 0.0)"); break;
            case opcode::not_equal: stack.push_back("(" + a + " != " + b + " ? 1.0 : 0.0)"); break;
            case opcode::logical_and:
                stack.push_back("((" + a + " != 0.0 && " + b + " != 0.0) ? 1.0 : 0.0)");
                break;
            case opcode::logical_or:
                stack.push_back("((" + a + " != 0.0 || " + b + " != 0.0) ? 1.0 : 0.0)");
                break;
            default: return std::nullopt;
            }
        }
        }
    }
    return stack.empty() ? std::nullopt : std::optional<std::string>(stack.back());
}

// A derived variable as the interpreter picks its case: the first true condition, else the
// default case, else zero.
std::optional<std::string> derived_to_cpp(const derived_expression& d) {
    if (d.case_conditions.empty()) {
        return to_cpp(d.case_values.front());
    }
    std::string fallback = "0.0";
    if (d.default_case >= 0) {
        auto value = to_cpp(d.case_values[static_cast<std::size_t>(d.default_case)]);
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
        auto condition = to_cpp(d.case_conditions[c]);
        auto value = to_cpp(d.case_values[c]);
        if (!condition || !value) {
            return std::nullopt;
        }
        text = "(" + *condition + " != 0.0 ? " + *value + " : " + text + ")";
    }
    return text;
}

// The body of one kernel; nothing when an expression cannot be compiled.
std::optional<std::string> kernel_body(const std::vector<derived_expression>& derived, const std::vector<rate>& rates,
                                       bool rates_together, const std::vector<condition>& conditions) {
    std::ostringstream body;
    for (const derived_expression& d : derived) {
        auto value = derived_to_cpp(d);
        if (!value) {
            return std::nullopt;
        }
        body << "        c[" << d.column << "][m] = " << *value << ";\n";
    }
    for (std::size_t r = 0; r < rates.size(); ++r) {
        auto value = to_cpp(rates[r].value);
        if (!value) {
            return std::nullopt;
        }
        if (rates_together) {
            // Every rate from the state before the step, then the step.
            body << "        const double rate" << r << " = " << *value << ";\n";
        } else {
            // A regime integrates its variables one after the other.
            body << "        c[" << rates[r].state_column << "][m] += dt * " << *value << ";\n";
        }
    }
    if (rates_together) {
        for (std::size_t r = 0; r < rates.size(); ++r) {
            body << "        c[" << rates[r].rate_column << "][m] = rate" << r << ";\n";
        }
        for (std::size_t r = 0; r < rates.size(); ++r) {
            body << "        c[" << rates[r].state_column << "][m] += dt * rate" << r << ";\n";
        }
    }
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        auto test = to_cpp(conditions[c].test);
        if (!test) {
            return std::nullopt;
        }
        body << "        tests[" << c << "][j] = " << *test << ";\n";
    }
    return body.str();
}

void write_kernel(std::ostream& out, const std::string& name, const std::string& body) {
    out << "extern \"C\" void " << name
        << "(double* const* c, const int* members, std::size_t n, double dt, double* const* tests) {\n"
           "    (void)dt; (void)tests;\n"
           "    for (std::size_t j = 0; j < n; ++j) {\n"
           "        const std::size_t m = static_cast<std::size_t>(members[j]);\n"
        << body << "    }\n}\n";
}

std::string read_all(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

native_code::~native_code() {
    if (library_ != nullptr) {
        dlclose(library_);
    }
}

std::shared_ptr<native_code> native_code::build(const std::vector<schedule_entry>& schedule) {
    std::ostringstream source;
    source << prelude;
    std::map<std::size_t, std::pair<bool, std::vector<bool>>> planned; // main, regimes compiled
    for (std::size_t g = 0; g < schedule.size(); ++g) {
        const schedule_entry& entry = schedule[g];
        if (entry.members.empty()) {
            continue;
        }
        const kind& k = *entry.owner;
        auto& plan = planned[g];
        if (auto body = kernel_body(k.derived, k.rates, true, k.conditions)) {
            write_kernel(source, "sf_main_" + std::to_string(g), *body);
            plan.first = true;
        }
        for (std::size_t r = 0; r < k.regimes.size(); ++r) {
            const regime_program& regime = k.regimes[r];
            auto body = kernel_body(regime.derived, regime.rates, false, regime.conditions);
            if (body) {
                write_kernel(source, "sf_regime_" + std::to_string(g) + "_" + std::to_string(r), *body);
            }
            plan.second.push_back(body.has_value());
        }
    }
    static std::atomic<int> counter{0};
    const fs::path dir = fs::temp_directory_path() /
                         ("spikeforge-native-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    const fs::path cpp = dir / "kernels.cpp";
    const fs::path library = dir / "kernels.so";
    const fs::path log = dir / "compiler.log";
    std::ofstream(cpp) << source.str();
    const char* compiler = std::getenv("SPIKEFORGE_CXX");
    const std::string command = std::string(compiler != nullptr && *compiler != '\0' ? compiler : "c++") +
                                " -std=c++17 -O2 -ffp-contract=off -fPIC -shared -o '" + library.string() + "' '" +
                                cpp.string() + "' > '" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    std::shared_ptr<native_code> result(new native_code());
    if (status == 0) {
        result->library_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    const std::string message = status != 0 ? "the C++ compiler failed: " + read_all(log).substr(0, 2000)
                                : result->library_ == nullptr ? std::string("cannot load compiled kernels: ") + dlerror()
                                                              : std::string();
    std::error_code ignored;
    fs::remove_all(dir, ignored); // a loaded library stays mapped after its file is gone
    if (!message.empty()) {
        throw runtime_error(message);
    }
    for (const auto& [g, plan] : planned) {
        group_kernels kernels;
        if (plan.first) {
            kernels.main = reinterpret_cast<kernel>(dlsym(result->library_, ("sf_main_" + std::to_string(g)).c_str()));
        }
        for (std::size_t r = 0; r < plan.second.size(); ++r) {
            kernels.regimes.push_back(
                plan.second[r]
                    ? reinterpret_cast<kernel>(dlsym(result->library_, ("sf_regime_" + std::to_string(g) + "_" +
                                                                       std::to_string(r)).c_str()))
                    : nullptr);
        }
        result->groups_[g] = std::move(kernels);
    }
    return result;
}

} // namespace sf::lems::engine
