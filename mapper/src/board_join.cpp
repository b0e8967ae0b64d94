// Joining boards into one machine (docs/boards.md, "Joining boards").
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include <sf/mapper/board_geometry.hpp>
#include <sf/mapper/board_join.hpp>

namespace sf::mapper {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return text;
}

// Where each copy of the board goes and the grid they make together.
struct layout {
    grid_shape grid;
    std::vector<chip_coordinates> origins;
};

// The squarest rows x columns of exactly n, with at least as many columns as rows.
std::pair<int, int> squarest(int n) {
    int rows = static_cast<int>(std::sqrt(static_cast<double>(n)));
    while (rows > 1 && n % rows != 0) {
        --rows;
    }
    return {n / rows, std::max(rows, 1)};
}

// SpiNNaker places SpiNN-5 boards three to a 12 x 12 torus tile, at (0,0), (8,4) and (4,8): the
// hexagonal outlines interlock. Any hexagonal, unwrapped board whose outline tiles that way (a
// square box of even side w, tile 1.5w, copies at (w, w/2) and (w/2, w)) is joined the same way.
bool tiles_as_triads(const board& one) {
    const grid_shape& g = one.grid;
    if (g.kind != topology::hexagonal || g.wraps || g.width != g.height || g.width % 2 != 0) {
        return false;
    }
    const int w = g.width;
    const int tile = w * 3 / 2;
    std::vector<int> covered(static_cast<std::size_t>(tile) * static_cast<std::size_t>(tile), 0);
    for (const chip_coordinates root :
         {chip_coordinates{0, 0}, chip_coordinates{w, w / 2}, chip_coordinates{w / 2, w}}) {
        for (const chip& c : one.chips) {
            const int x = (root.x + c.x) % tile;
            const int y = (root.y + c.y) % tile;
            ++covered[static_cast<std::size_t>(y) * static_cast<std::size_t>(tile) +
                      static_cast<std::size_t>(x)];
        }
    }
    return std::all_of(covered.begin(), covered.end(), [](int n) { return n == 1; });
}

layout triad_layout(const board& one, int count) {
    const int w = one.grid.width;
    const int tile = w * 3 / 2;
    layout result;
    result.grid.kind = topology::hexagonal;
    int columns = 0;
    if (count % 3 == 0) {
        // Whole triads close into a torus, as in SpiNNaker machines of 3 boards or more.
        const auto [across, up] = squarest(count / 3);
        columns = across;
        result.grid.width = across * tile;
        result.grid.height = up * tile;
        result.grid.wraps = true;
    } else {
        // Partial triads cannot wrap; the last triads' boards reach w/2 past the tiles, as in
        // spinn_machine's size for such counts (12 n + 4 for SpiNN-5).
        const int triads = (count + 2) / 3;
        columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(triads))));
        const int rows = (triads + columns - 1) / columns;
        result.grid.width = columns * tile + w / 2;
        result.grid.height = rows * tile + w / 2;
        result.grid.wraps = false;
    }
    const chip_coordinates roots[] = {{0, 0}, {w, w / 2}, {w / 2, w}};
    for (int k = 0; k < count; ++k) {
        const int triad = k / 3;
        const chip_coordinates root = roots[k % 3];
        result.origins.push_back(
            {(triad % columns) * tile + root.x, (triad / columns) * tile + root.y});
    }
    return result;
}

layout side_by_side_layout(const board& one, int count) {
    const auto [columns, rows] = squarest(count);
    layout result;
    result.grid = one.grid;
    result.grid.width = columns * one.grid.width;
    result.grid.height = rows * one.grid.height;
    for (int k = 0; k < count; ++k) {
        result.origins.push_back({(k % columns) * one.grid.width, (k / columns) * one.grid.height});
    }
    return result;
}

} // namespace

std::optional<joined_name> parse_joined_name(std::string_view text) {
    text = trim(text);
    // The count: "auto", or the digits the text ends with.
    constexpr std::string_view automatic = "auto";
    const bool as_needed =
        text.size() > automatic.size() && text.substr(text.size() - automatic.size()) == automatic;
    std::size_t count_at = text.size();
    if (as_needed) {
        count_at -= automatic.size();
    } else {
        while (count_at > 0 && std::isdigit(static_cast<unsigned char>(text[count_at - 1])) != 0) {
            --count_at;
        }
    }
    if (count_at == text.size()) {
        return std::nullopt;
    }
    // Before it, an "x" after a non-empty name.
    std::string_view rest = trim(text.substr(0, count_at));
    if (rest.empty() || (rest.back() != 'x' && rest.back() != 'X')) {
        return std::nullopt;
    }
    rest = trim(rest.substr(0, rest.size() - 1));
    if (rest.empty()) {
        return std::nullopt;
    }
    joined_name result;
    result.base = std::string(rest);
    result.as_needed = as_needed;
    if (!as_needed) {
        const std::string_view number = text.substr(count_at);
        const auto [stop, status] =
            std::from_chars(number.data(), number.data() + number.size(), result.count);
        static_cast<void>(stop);
        if (status != std::errc()) {
            result.count = std::numeric_limits<int>::max();
        }
    }
    return result;
}

board join(const board& one, int count) {
    if (count < 1 || count > max_join_count) {
        throw board_error(one.source, 0, "join",
                          "the number of " + one.name + " boards must be 1 to " +
                              std::to_string(max_join_count) + ", not " + std::to_string(count));
    }
    if (count == 1) {
        return one;
    }
    const layout plan =
        tiles_as_triads(one) ? triad_layout(one, count) : side_by_side_layout(one, count);
    if (plan.grid.width > max_grid_side || plan.grid.height > max_grid_side) {
        throw board_error(one.source, 0, "join",
                          std::to_string(count) + " " + one.name + " boards make a " +
                              std::to_string(plan.grid.width) + " x " +
                              std::to_string(plan.grid.height) + " grid; a grid is at most " +
                              std::to_string(max_grid_side) + " chips on a side");
    }
    board result;
    result.name = one.name + " x " + std::to_string(count);
    result.source = one.source;
    result.time_step = one.time_step;
    result.speedup = one.speedup;
    result.grid = plan.grid;
    result.core = one.core;
    result.timing = one.timing;
    const auto place = [&plan](chip_coordinates origin, chip_coordinates c) {
        chip_coordinates at{origin.x + c.x, origin.y + c.y};
        if (plan.grid.wraps) {
            at.x %= plan.grid.width;
            at.y %= plan.grid.height;
        }
        return at;
    };
    // Dead wires of the board go with every copy; a torus board's wrap-around wires do not exist
    // once boards are joined, so only wires inside the board are carried.
    std::vector<link_end> dead;
    for (const link& l : one.links) {
        const chip_coordinates d = offset(l.heading);
        const chip* from = one.find_chip(l.from);
        const chip* to = one.find_chip(l.to);
        const bool inside = l.from.x + d.x == l.to.x && l.from.y + d.y == l.to.y;
        if (!l.available && inside && from != nullptr && from->available && to != nullptr &&
            to->available) {
            for (const chip_coordinates origin : plan.origins) {
                dead.push_back({place(origin, l.from), l.heading});
            }
        }
    }
    result.chips.reserve(one.chips.size() * plan.origins.size());
    for (const chip_coordinates origin : plan.origins) {
        for (chip c : one.chips) {
            const chip_coordinates at = place(origin, c.coordinates());
            c.x = at.x;
            c.y = at.y;
            result.chips.push_back(c);
        }
    }
    std::sort(result.chips.begin(), result.chips.end(),
              [](const chip& a, const chip& b) { return a.coordinates() < b.coordinates(); });
    connect_chips(result, dead);
    return result;
}

} // namespace sf::mapper
