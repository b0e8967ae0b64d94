// Finding a board by name or path, with the optional " x N" join.
#include <algorithm>
#include <cstdlib>
#include <set>

#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>

namespace sf::mapper {
namespace fs = std::filesystem;

std::vector<fs::path> builtin_board_dirs() {
    if (const char* env = std::getenv("SPIKEFORGE_BOARDS"); env != nullptr && *env != '\0') {
        return {fs::path(env)};
    }
    std::error_code ec;
    const fs::path source_dir = SF_BOARDS_SOURCE_DIR;
    if (fs::is_directory(source_dir, ec)) {
        return {source_dir};
    }
    return {fs::path(SF_BOARDS_INSTALL_DIR)};
}

namespace {

std::vector<fs::path> all_dirs(const std::vector<fs::path>& search) {
    std::vector<fs::path> dirs = search;
    for (const fs::path& dir : builtin_board_dirs()) {
        dirs.push_back(dir);
    }
    return dirs;
}

// A name is looked up as <name>.xml; anything with a folder or the extension is a path.
bool looks_like_path(const std::string& text) {
    return text.find('/') != std::string::npos || fs::path(text).extension() == ".xml";
}

std::optional<fs::path> resolve(const std::string& text, const std::vector<fs::path>& dirs) {
    std::error_code ec;
    if (text.empty()) {
        return std::nullopt;
    }
    if (looks_like_path(text)) {
        return fs::is_regular_file(text, ec) ? std::optional<fs::path>(text) : std::nullopt;
    }
    for (const fs::path& dir : dirs) {
        const fs::path candidate = dir / (text + ".xml");
        if (fs::is_regular_file(candidate, ec)) {
            return candidate;
        }
    }
    return std::nullopt;
}

} // namespace

std::vector<std::string> known_boards(const std::vector<fs::path>& search) {
    std::set<std::string> names;
    for (const fs::path& dir : all_dirs(search)) {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->path().extension() == ".xml" && it->is_regular_file(ec)) {
                names.insert(it->path().stem().string());
            }
        }
    }
    return {names.begin(), names.end()};
}

board find_board(const std::string& name_or_path, const std::vector<fs::path>& search) {
    const std::vector<fs::path> dirs = all_dirs(search);
    // The whole text first, so that a board whose own name ends in "x2" is still found.
    if (const auto file = resolve(name_or_path, dirs)) {
        return load_board(*file);
    }
    if (const auto joined = parse_joined_name(name_or_path)) {
        if (const auto file = resolve(joined->base, dirs)) {
            if (joined->as_needed) {
                board one = load_board(*file);
                one.join_as_needed = true;
                return one;
            }
            return join(load_board(*file), joined->count);
        }
    }
    if (looks_like_path(name_or_path)) {
        throw board_error(name_or_path, 0, "", "cannot read the board file: no such file");
    }
    std::string known;
    for (const std::string& name : known_boards(search)) {
        known += (known.empty() ? "" : ", ") + name;
    }
    std::string searched;
    for (const fs::path& dir : dirs) {
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw board_error(
        name_or_path, 0, "board",
        "unknown board; expected a board file or one of: " + (known.empty() ? "(none)" : known) +
            ", optionally followed by \" x N\" to join N boards or \" x auto\" for as many as the "
            "network "
            "needs (searched " +
            searched + ")");
}

} // namespace sf::mapper
