#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "json_report_file.hpp"

namespace sf::cli {
namespace fs = std::filesystem;

std::string json_report_file::temporary_path() const {
    return path_ + ".tmp-" + std::to_string(::getpid());
}

std::string json_report_file::problem() const {
    if (!wanted()) {
        return {};
    }
    std::error_code ec;
    if (fs::is_directory(path_, ec)) {
        return "cannot write the report " + path_ + ": it is a folder (give a file name)";
    }
    // Creating the temporary file is the one test that also covers permissions and missing
    // folders; it is removed at once.
    const std::string temporary = temporary_path();
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        return "cannot write the report " + path_ + ": " + std::strerror(errno);
    }
    std::fclose(file);
    std::remove(temporary.c_str());
    return {};
}

std::string json_report_file::write(const nlohmann::ordered_json& report) const {
    if (!wanted()) {
        return {};
    }
    const std::string temporary = temporary_path();
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << report.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
        out.close();
        if (!out) {
            std::remove(temporary.c_str());
            return "cannot write the report " + path_ + ": writing " + temporary + " failed";
        }
    }
    if (std::rename(temporary.c_str(), path_.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::remove(temporary.c_str());
        return "cannot write the report " + path_ + ": " + why;
    }
    return {};
}

} // namespace sf::cli
