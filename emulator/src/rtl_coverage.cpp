#include "rtl_coverage.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <verilated.h>
#ifdef SF_RTL_COVERAGE
#include <verilated_cov.h>
#endif

namespace sf::emulator {
namespace {

#ifdef SF_RTL_COVERAGE
// Claims a file name no other model has taken, in this process or another writing to the same
// directory at the same time: the file is created exclusively, then the counts overwrite it.
std::string claim_file(const std::filesystem::path& dir, const char* design) {
    std::filesystem::create_directories(dir);
    const std::string stem = std::string(design) + "-" + std::to_string(::getpid()) + "-";
    for (unsigned n = 0;; ++n) {
        const std::string path = (dir / (stem + std::to_string(n) + ".dat")).string();
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            ::close(fd);
            return path;
        }
        if (errno != EEXIST) {
            throw std::runtime_error(path + ": " + std::strerror(errno));
        }
    }
}
#endif

} // namespace

void write_rtl_coverage([[maybe_unused]] VerilatedContext& context,
                        [[maybe_unused]] const char* design) noexcept {
#ifdef SF_RTL_COVERAGE
    const char* dir = std::getenv(rtl_coverage_dir_variable);
    if (dir == nullptr || *dir == '\0') {
        return;
    }
    try {
        context.coveragep()->write(claim_file(dir, design).c_str());
    } catch (const std::exception& error) {
        std::cerr << "rtl coverage: cannot write the " << design << "'s coverage into " << dir
                  << " (" << rtl_coverage_dir_variable << "): " << error.what() << "\n";
    }
#endif
}

} // namespace sf::emulator
