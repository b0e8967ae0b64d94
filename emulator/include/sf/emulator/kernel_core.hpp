#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <sf/emulator/native_program.hpp>
#include <sf/emulator/neuron_core.hpp>
#include <sf/firmware/image_views.hpp>
#include <sf/firmware/kernel.hpp>

namespace sf::emulator {

// A neuron core running the firmware kernel on the host, started from its section of a board
// image. The kernel copies what it needs at start-up, so the section may go away afterwards.
class kernel_core final : public neuron_core {
public:
    explicit kernel_core(const firmware::image::core_view& section);

    // ok, or why the kernel refused the section's configuration.
    firmware::init_status status() const { return status_; }

    // Defined with the emulator, which builds the kernel for this machine's vector unit: inline
    // here, they would be compiled (and the vtable emitted) wherever the class is used.
    std::size_t step(std::uint16_t* spiked, std::size_t capacity) override;
    void deliver(const std::uint32_t* row, std::size_t words) override;
    std::size_t neuron_count() const override;
    std::int32_t state(std::size_t neuron, std::size_t slot) const override;
    const firmware::kernel_counters& counters() const override;
    const firmware::fault_report& first_fault() const override;

    const firmware::kernel& kernel() const { return kernel_; }

    // The program as the kernel runs it, for compiling to machine code (native_code.hpp).
    const native_program& program() const { return program_; }
    // Runs `code` in place of the kernel's op loop, keeping `library` loaded while it does; false
    // (and nothing changed) when the kernel refuses it (a program that may fault).
    bool use_native(firmware::native_step code, std::shared_ptr<const void> library);

private:
    std::vector<std::uint32_t> arena_;
    firmware::kernel kernel_;
    native_program program_;
    std::shared_ptr<const void> library_;
    firmware::init_status status_ = firmware::init_status::ok;
};

} // namespace sf::emulator
