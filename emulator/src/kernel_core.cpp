#include <algorithm>

#include <sf/emulator/kernel_core.hpp>
#include <sf/firmware/core_start.hpp>

namespace sf::emulator {

kernel_core::kernel_core(const firmware::image::core_view& section) {
    firmware::isa::lookup_table tables[firmware::max_tables] = {};
    const firmware::core_config config = firmware::config_of(section, tables);
    arena_.assign(std::max<std::size_t>(1, firmware::words_needed(config)), 0);
    status_ = kernel_.init(config, arena_.data(), arena_.size());
}

} // namespace sf::emulator
