#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <Vsf_core.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <sf/emulator/rtl_core.hpp>

#include "verilated_context.hpp"

namespace sf::emulator {

// The Verilated core with its own context (verilated_context.hpp). Tracing must be switched on
// before the model is built.
struct rtl_core::model {
    std::unique_ptr<VerilatedContext> context;
    std::unique_ptr<Vsf_core> top;
    std::unique_ptr<VerilatedFstC> trace;
    std::uint64_t trace_from = 0;

    explicit model(bool traced) : context(randomised_context()) {
        if (traced) {
            context->traceEverOn(true);
        }
        top = std::make_unique<Vsf_core>(context.get(), "core");
    }
    ~model() {
        if (trace) {
            trace->close();
        }
        free_in_context(context, [this] {
            trace.reset();
            top.reset();
        });
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
