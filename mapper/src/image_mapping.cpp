#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sf/mapper/image_file.hpp>

namespace sf::mapper {
namespace {

// A read-only mapping of a whole file, unmapped with its last owner.
struct file_mapping {
    void* address = nullptr;
    std::size_t bytes = 0;

    file_mapping(void* at, std::size_t length) : address(at), bytes(length) {}
    file_mapping(const file_mapping&) = delete;
    file_mapping& operator=(const file_mapping&) = delete;
    ~file_mapping() { munmap(address, bytes); }
};

// The file's mapping, or null where it cannot be mapped (not a regular file, empty, not whole
// words, or the system refuses): the caller reads it instead.
std::shared_ptr<const file_mapping> try_mapping(const std::filesystem::path& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return nullptr;
    }
    struct stat st {};
    void* at = MAP_FAILED;
    std::size_t bytes = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size % 4 == 0) {
        bytes = static_cast<std::size_t>(st.st_size);
        at = mmap(nullptr, bytes, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd); // the mapping keeps the file
    if (at == MAP_FAILED) {
        return nullptr;
    }
    return std::make_shared<const file_mapping>(at, bytes);
}

} // namespace

image_in_memory map_image(const std::filesystem::path& path) {
    if (const auto mapping = try_mapping(path)) {
        return {static_cast<const std::uint32_t*>(mapping->address), mapping->bytes / 4, mapping};
    }
    return hold_image(load_image(path));
}

image_in_memory hold_image(std::vector<std::uint32_t>&& words) {
    const auto held = std::make_shared<const std::vector<std::uint32_t>>(std::move(words));
    return {held->data(), held->size(), held};
}

} // namespace sf::mapper
