#include <string>

#include <libusb.h>

#include "libusb_error.hpp"

namespace sf::host {

namespace {

class libusb_error_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "libusb"; }

    std::string message(int code) const override {
        return std::string(libusb_error_name(code)) + " (" + libusb_strerror(code) + ")";
    }

    // So that callers compare with the std::errc they know instead of libusb's numbers.
    std::error_condition default_error_condition(int code) const noexcept override {
        switch (code) {
        case LIBUSB_ERROR_IO: return std::errc::io_error;
        case LIBUSB_ERROR_INVALID_PARAM: return std::errc::invalid_argument;
        case LIBUSB_ERROR_ACCESS: return std::errc::permission_denied;
        case LIBUSB_ERROR_NO_DEVICE: return std::errc::no_such_device;
        case LIBUSB_ERROR_NOT_FOUND: return std::errc::no_such_file_or_directory;
        case LIBUSB_ERROR_BUSY: return std::errc::device_or_resource_busy;
        case LIBUSB_ERROR_TIMEOUT: return std::errc::timed_out;
        case LIBUSB_ERROR_OVERFLOW: return std::errc::value_too_large;
        case LIBUSB_ERROR_PIPE: return std::errc::broken_pipe;
        case LIBUSB_ERROR_INTERRUPTED: return std::errc::interrupted;
        case LIBUSB_ERROR_NO_MEM: return std::errc::not_enough_memory;
        case LIBUSB_ERROR_NOT_SUPPORTED: return std::errc::not_supported;
        default: return {code, *this};
        }
    }
};

} // namespace

const std::error_category& libusb_category() {
    static const libusb_error_category category;
    return category;
}

std::error_code transfer_error(libusb_transfer_status status) {
    switch (status) {
    case LIBUSB_TRANSFER_COMPLETED: return {};
    case LIBUSB_TRANSFER_TIMED_OUT: return make_libusb_error(LIBUSB_ERROR_TIMEOUT);
    case LIBUSB_TRANSFER_CANCELLED: return make_libusb_error(LIBUSB_ERROR_INTERRUPTED);
    case LIBUSB_TRANSFER_STALL: return make_libusb_error(LIBUSB_ERROR_PIPE);
    case LIBUSB_TRANSFER_NO_DEVICE: return make_libusb_error(LIBUSB_ERROR_NO_DEVICE);
    case LIBUSB_TRANSFER_OVERFLOW: return make_libusb_error(LIBUSB_ERROR_OVERFLOW);
    case LIBUSB_TRANSFER_ERROR: break;
    }
    return make_libusb_error(LIBUSB_ERROR_IO);
}

} // namespace sf::host
