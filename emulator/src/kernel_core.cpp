#include <algorithm>

#include <sf/emulator/kernel_core.hpp>
#include <sf/firmware/core_start.hpp>

namespace sf::emulator {

kernel_core::kernel_core(const firmware::image::core_view& section) {
    firmware::isa::lookup_table tables[firmware::max_tables] = {};
    const firmware::core_config config = firmware::config_of(section, tables);
    arena_.assign(std::max<std::size_t>(1, firmware::words_needed(config)), 0);
    status_ = kernel_.init(config, arena_.data(), arena_.size());
    if (status_ == firmware::init_status::ok) {
        program_ = program_of(config);
    }
}

bool kernel_core::use_native(firmware::native_step code, std::shared_ptr<const void> library) {
    if (!kernel_.use_native(code)) {
        return false;
    }
    library_ = std::move(library);
    return true;
}

std::size_t kernel_core::step(std::uint16_t* spiked, std::size_t capacity) {
    return kernel_.step(spiked, capacity);
}

void kernel_core::deliver(const std::uint32_t* row, std::size_t words) {
    kernel_.deliver(row, words);
}

std::size_t kernel_core::neuron_count() const { return kernel_.neuron_count(); }

std::int32_t kernel_core::state(std::size_t neuron, std::size_t slot) const {
    return kernel_.state(neuron, slot);
}

const firmware::kernel_counters& kernel_core::counters() const { return kernel_.counters(); }

const firmware::fault_report& kernel_core::first_fault() const { return kernel_.first_fault(); }

} // namespace sf::emulator
