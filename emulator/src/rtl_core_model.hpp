#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <Vsf_core.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <sf/emulator/rtl_core.hpp>

namespace sf::emulator {

// The Verilated core with its own context. Registers and memories the design leaves without
// reset start from a fixed pseudo-random pattern rather than zeros, so that a test relying on them
// would fail the same way every run. Tracing must be switched on before the model is built.
// A context that lives as long as the program (deliberately never freed): the thread's context
// between models.
inline VerilatedContext& lasting_context() {
    static VerilatedContext* const context = new VerilatedContext;
    return *context;
}

struct rtl_core::model {
    std::unique_ptr<VerilatedContext> context;
    std::unique_ptr<Vsf_core> top;
    std::unique_ptr<VerilatedFstC> trace;
    std::uint64_t trace_from = 0;

    explicit model(bool traced) : context(std::make_unique<VerilatedContext>()) {
        context->randReset(2);
        context->randSeed(20211);
        if (traced) {
            context->traceEverOn(true);
        }
        top = std::make_unique<Vsf_core>(context.get(), "core");
    }
    ~model() {
        if (trace) {
            trace->close();
        }
        // A model's scopes remove themselves from the thread's current context, not from their
        // own: make it theirs while they go, then hand the thread a context that never goes, so
        // that no later model's scopes look into this one after it is freed.
        Verilated::threadContextp(context.get());
        trace.reset();
        top.reset();
        context.reset();
        Verilated::threadContextp(&lasting_context());
    }
    model(const model&) = delete;
    model& operator=(const model&) = delete;

    void open_trace(const std::string& path, std::uint64_t from_cycle) {
        trace = std::make_unique<VerilatedFstC>();
        top->trace(trace.get(), 99);
        trace->open(path.c_str());
        trace_from = from_cycle;
    }

    // Two samples per cycle: before and after the rising edge.
    void dump(std::uint64_t cycle, unsigned half) {
        if (trace && cycle >= trace_from) {
            trace->dump(cycle * 2 + half);
        }
    }
};

} // namespace sf::emulator
