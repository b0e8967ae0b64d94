# Project-wide warning flags, applied to project targets through sf_warnings.
add_library(sf_warnings INTERFACE)
target_compile_options(sf_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
if(SF_WERROR)
    target_compile_options(sf_warnings INTERFACE -Werror)
endif()
