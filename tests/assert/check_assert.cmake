# Runs the probe once with its invariant holding and once broken, and checks the exit status and
# the message of each.
execute_process(COMMAND ${PROBE} held RESULT_VARIABLE held_status OUTPUT_VARIABLE held_out)
if(NOT held_status EQUAL 0 OR NOT held_out MATCHES "the invariant held")
    message(FATAL_ERROR "a holding invariant stopped the probe (status ${held_status})")
endif()
execute_process(COMMAND ${PROBE} RESULT_VARIABLE broken_status ERROR_VARIABLE broken_err)
if(NOT broken_status EQUAL 3)
    message(FATAL_ERROR "a broken invariant exited with status ${broken_status}, not 3")
endif()
foreach(expected "assert_probe.cpp:[0-9]+: internal error" "`arguments == 1` does not hold"
        "bug in spikeforge")
    if(NOT broken_err MATCHES "${expected}")
        message(FATAL_ERROR "the message lacks '${expected}':\n${broken_err}")
    endif()
endforeach()
