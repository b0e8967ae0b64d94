// Neuron programs compiled to machine code against the kernel's op loop: random programs of every
// opcode, predicate and hazard with extreme values, compared word for word over several steps.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/native_code.hpp>

#include "random_programs.hpp"

namespace {

using sf::emulator::kernel_core;
using sf::emulator::test::random_row;
using sf::emulator::test::random_section;
using sf::emulator::test::section_data;

std::uint64_t number_from_environment(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// A random section with up to 40 neurons half the time, so that blocks of lanes fill and a
// tail is left.
section_data wide_section(std::mt19937& random) {
    section_data s = random_section(random);
    if (random() % 2 == 0) {
        s.neurons = 1 + static_cast<std::uint32_t>(random() % 40);
        s.state.resize(std::size_t{s.neurons} * s.state_words);
        for (std::uint32_t& w : s.state) {
            const auto r = static_cast<std::uint32_t>(random());
            w = random() % 3 == 0 ? r : r % 2001u - 1000u;
        }
    }
    return s;
}

void require_same_counters(const kernel_core& a, const kernel_core& b) {
    const sf::firmware::kernel_counters& x = a.counters();
    const sf::firmware::kernel_counters& y = b.counters();
    CHECK(x.steps == y.steps);
    CHECK(x.neuron_updates == y.neuron_updates);
    CHECK(x.instructions == y.instructions);
    CHECK(x.spikes == y.spikes);
    CHECK(x.unreported_spikes == y.unreported_spikes);
    CHECK(x.delivered_words == y.delivered_words);
    CHECK(x.input_overflows == y.input_overflows);
    CHECK(x.dropped_words == y.dropped_words);
    CHECK(x.saturations == y.saturations);
    REQUIRE(x.program_faults == y.program_faults);
}

// Steps both cores with the same rows, requiring the same spikes, state words and counters.
void compare_steps(std::mt19937& random, const section_data& s, kernel_core& kernel,
                   kernel_core& native) {
    for (int step = 1; step <= 6; ++step) {
        INFO("step " << step);
        const std::vector<std::uint32_t> row = random_row(random, s);
        kernel.deliver(row.data(), row.size());
        native.deliver(row.data(), row.size());
        std::uint16_t a[64] = {};
        std::uint16_t b[64] = {};
        const std::size_t capacity = 1 + random() % 64;
        const std::size_t wrote = kernel.step(a, capacity);
        REQUIRE(native.step(b, capacity) == wrote);
        REQUIRE(std::vector<std::uint16_t>(a, a + wrote) ==
                std::vector<std::uint16_t>(b, b + wrote));
        for (std::size_t n = 0; n < s.neurons; ++n) {
            for (std::size_t slot = 0; slot < s.state_words; ++slot) {
                INFO("neuron " << n << " slot " << slot);
                REQUIRE(kernel.state(n, slot) == native.state(n, slot));
            }
        }
        require_same_counters(kernel, native);
    }
}

} // namespace

TEST_CASE("Native code computes what the kernel computes on random programs", "[native]") {
    const auto seed = static_cast<std::uint32_t>(
        number_from_environment("SF_NATIVE_SEED", std::random_device{}()));
    const std::uint64_t count = number_from_environment("SF_NATIVE_PROGRAMS", 120);
    std::printf("native code: %llu random programs, seed %u (SF_NATIVE_SEED, SF_NATIVE_PROGRAMS)\n",
                static_cast<unsigned long long>(count), seed);
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::vector<section_data> sections;
    std::vector<std::unique_ptr<kernel_core>> kernels;
    std::vector<std::unique_ptr<kernel_core>> natives;
    std::vector<kernel_core*> to_compile;
    for (std::uint64_t k = 0; k < count; ++k) {
        sections.push_back(wide_section(random));
    }
    for (const section_data& s : sections) {
        kernels.push_back(std::make_unique<kernel_core>(s.view()));
        natives.push_back(std::make_unique<kernel_core>(s.view()));
        REQUIRE(kernels.back()->status() == sf::firmware::init_status::ok);
        to_compile.push_back(natives.back().get());
    }
    const sf::emulator::native_outcome outcome =
        sf::emulator::attach_native_code(to_compile, sf::emulator::native_choice::always, 1);
    INFO(outcome.describe());
    REQUIRE(outcome.compiled);
    CHECK(outcome.native_cores + outcome.kernel_cores == count);
    CHECK(outcome.kernel_cores == outcome.faulting_cores);
    CHECK(outcome.native_cores > count / 2); // faults are rare in the generator's programs
    for (std::size_t k = 0; k < sections.size(); ++k) {
        INFO("program " << k);
        REQUIRE(natives[k]->kernel().runs_native() == !natives[k]->program().may_fault);
        compare_steps(random, sections[k], *kernels[k], *natives[k]);
        const sf::firmware::fault_report& x = kernels[k]->first_fault();
        const sf::firmware::fault_report& y = natives[k]->first_fault();
        CHECK((x.happened == y.happened && x.step == y.step && x.neuron == y.neuron &&
               x.instruction == y.instruction && x.status == y.status));
    }
}

TEST_CASE("A program that may fault stays on the kernel, which reports its fault as before",
          "[native]") {
    namespace isa = sf::firmware::isa;
    section_data s;
    s.neurons = 20;
    s.state_words = 1;
    s.state.assign(20, 0);
    s.constants = {7};
    isa::instruction load_constant{isa::opcode::ldc};
    load_constant.rd = 1;
    load_constant.index = 3; // the core has one constant
    s.program = {sf::emulator::test::word_of(load_constant)};
    kernel_core plain(s.view());
    kernel_core faulting(s.view());
    REQUIRE(faulting.status() == sf::firmware::init_status::ok);
    REQUIRE(faulting.program().may_fault);
    const sf::firmware::native_step nothing = [](const sf::firmware::native_frame*) {
        return std::uint64_t{0};
    };
    CHECK_FALSE(faulting.use_native(nothing, nullptr)); // the kernel refuses it

    std::vector<kernel_core*> cores{&faulting};
    const sf::emulator::native_outcome outcome =
        sf::emulator::attach_native_code(cores, sf::emulator::native_choice::always, 1000000);
    CHECK_FALSE(outcome.compiled);
    CHECK(outcome.kernel_cores == 1);
    CHECK(outcome.faulting_cores == 1);
    CHECK(outcome.describe() == "kernel (every core's program may fault)");
    CHECK_FALSE(faulting.kernel().runs_native());

    std::uint16_t spiked[20] = {};
    plain.step(spiked, 20);
    faulting.step(spiked, 20);
    CHECK(faulting.counters().program_faults == 20);
    CHECK(faulting.first_fault().happened);
    CHECK(faulting.first_fault().status == isa::run_status::constant_out_of_range);
    require_same_counters(plain, faulting);
}
