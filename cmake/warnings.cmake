# Project-wide warning flags, applied to project targets through sf_warnings.
add_library(sf_warnings INTERFACE)
target_compile_options(sf_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
# The neuron-core kernel runs one instruction over all neurons of a core; the machine's full vector
# unit makes that several times faster. Integer arithmetic only: results do not change.
add_library(sf_native INTERFACE)
if(SF_NATIVE_KERNEL)
    target_compile_options(sf_native INTERFACE -march=native)
endif()

if(SF_WERROR)
    target_compile_options(sf_warnings INTERFACE -Werror)
endif()
