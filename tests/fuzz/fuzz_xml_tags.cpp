// libFuzzer target for the tag scanner that explains mismatched XML tags: any bytes, scanned up to
// any offset, must give a result that stays inside the text, without crashing or hanging.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <sf/lems/line_index.hpp>

#include "unbalanced_tags.hpp"
#include "xml_tag_scanner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first byte picks where the parser is said to have stopped: anywhere, or past the end.
    const std::size_t stop = size == 0 ? 0 : (static_cast<std::size_t>(data[0]) * size) / 255 + 1;
    const sf::lems::xml_tag_scan scan = sf::lems::scan_xml_tags(text, stop);
    for (const auto& tag : scan.open) {
        if (tag.offset >= size || text[tag.offset] != '<') {
            std::abort();
        }
    }
    if (scan.mismatched &&
        (scan.mismatched->offset + 1 >= size || text[scan.mismatched->offset] != '<')) {
        std::abort();
    }
    const sf::lems::line_index lines(text);
    if (const auto explained = sf::lems::explain_unbalanced_tags(text, stop, lines)) {
        if (explained->line < 1 || explained->message.empty()) {
            std::abort();
        }
    }
    return 0;
}
