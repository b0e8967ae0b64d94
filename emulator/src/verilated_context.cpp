#include "verilated_context.hpp"

namespace sf::emulator {

std::unique_ptr<VerilatedContext> randomised_context() {
    auto context = std::make_unique<VerilatedContext>();
    context->randReset(2);
    context->randSeed(20211);
    return context;
}

} // namespace sf::emulator
