#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_error.hpp>

namespace sf::mapper {

// Reads a board description (docs/boards.md) and checks all of it before returning; throws
// board_error at the first problem, naming the file, line and element.
board load_board(const std::filesystem::path& file);

// The same from text held in memory; `name_for_messages` stands for the file in messages.
board load_board_text(std::string_view text, const std::string& name_for_messages);

// The folders holding the project's own boards: $SPIKEFORGE_BOARDS when set, else the source
// tree's boards/ folder when it exists, else the installed share/spikeforge/boards.
std::vector<std::filesystem::path> builtin_board_dirs();

// The names of the boards in `search` and the built-in folders (file names without ".xml"),
// sorted, each once.
std::vector<std::string> known_boards(const std::vector<std::filesystem::path>& search = {});

// A board by file path ("my/board.xml") or by name ("spinn5", looked up as spinn5.xml in
// `search`, then in builtin_board_dirs()), optionally joined: "spinn5 x 24" or "spinn5x24" is 24
// spinn5 boards (board_join.hpp). Throws board_error for an unknown name, listing known boards.
board find_board(const std::string& name_or_path,
                 const std::vector<std::filesystem::path>& search = {});

} // namespace sf::mapper
