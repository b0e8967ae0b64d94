#pragma once

#include <memory>

#include <verilated.h>

// What every Verilated harness of the emulator does with its model's context.
namespace sf::emulator {

// A context of its own for one model. Registers and memories the design leaves without reset start
// from a fixed pseudo-random pattern rather than zeros, so that a test relying on them would fail
// the same way every run.
std::unique_ptr<VerilatedContext> randomised_context();

// Frees a model, then its context. Verilator 5.006 removes a model's scopes from the thread's
// current context rather than from the model's own, so the model's context is made current while
// `free_model` runs; afterwards the thread is left a context that lives as long as the program, so
// that no later model looks into a freed one.
template <class FreeModel>
void free_in_context(std::unique_ptr<VerilatedContext>& context, FreeModel&& free_model) {
    Verilated::threadContextp(context.get());
    free_model();
    context.reset();
    static VerilatedContext* const lasting = new VerilatedContext; // never freed, on purpose
    Verilated::threadContextp(lasting);
}

} // namespace sf::emulator
