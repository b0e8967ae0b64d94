#include <charconv>
#include <thread>

#include "thread_count.hpp"

namespace sf::cli {

std::size_t machine_threads() {
    const unsigned hardware = std::thread::hardware_concurrency(); // 0 when unknown
    return hardware > 0 ? hardware : 1;
}

std::string read_thread_count(const std::string& text, bool given, thread_count& count) {
    if (!given) {
        count = {machine_threads(), false};
        return {};
    }
    std::size_t value = 0;
    const char* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || value < 1 || value > max_threads) {
        return "--threads takes a whole number of threads from 1 to " +
               std::to_string(max_threads) + ", not '" + text + "'";
    }
    count = {value, true};
    return {};
}

} // namespace sf::cli
