// libFuzzer target for board descriptions: any bytes, read as a board file, must either load or be
// refused with board_error, never crash, hang or leak. A board that loads must keep the promises
// the mapper relies on (chips and links in order, every link between two chips of the board, a
// link back along every link), and a small one must survive being joined.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <sf/mapper/board_geometry.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>

namespace {

void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "fuzz_board: %s\n", what);
        std::abort();
    }
}

void check_board(const sf::mapper::board& b) {
    require(std::is_sorted(
                b.chips.begin(), b.chips.end(),
                [](const auto& x, const auto& y) { return x.coordinates() < y.coordinates(); }),
            "chips are not in row order");
    require(b.chip_count() <= static_cast<int>(b.chips.size()), "more available chips than chips");
    for (const auto& c : b.chips) {
        require(c.x >= 0 && c.y >= 0 && c.x < b.grid.width && c.y < b.grid.height,
                "a chip outside the grid");
        require(c.application_cores <= c.cores, "more application cores than cores");
        require(b.neighbours(c.coordinates()).size() <= sf::mapper::directions(b.grid.kind).size(),
                "more neighbours than directions");
    }
    for (const auto& l : b.links) {
        require(b.find_link(l.from, l.heading) == &l, "a link that lookups do not find");
        require(b.find_chip(l.from) != nullptr && b.find_chip(l.to) != nullptr,
                "a link to no chip");
        const auto* back = b.find_link(l.to, sf::mapper::opposite(l.heading));
        require(back != nullptr && back->available == l.available, "a link without its way back");
    }
    require(b.neuron_capacity() >= 0, "negative capacity");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    sf::mapper::board b;
    try {
        b = sf::mapper::load_board_text(text, "fuzz.xml");
    } catch (const sf::mapper::board_error&) {
        return 0;
    }
    check_board(b);
    // Joining is quadratic in nothing, but a large board joined many times is slow, not wrong.
    if (b.chips.size() <= 64) {
        try {
            const sf::mapper::board joined = sf::mapper::join(b, 3);
            require(joined.chips.size() == 3 * b.chips.size(), "joining lost or gained chips");
            check_board(joined);
        } catch (const sf::mapper::board_error&) {
            // A join too large for the grid is refused; that is allowed.
        }
    }
    return 0;
}
