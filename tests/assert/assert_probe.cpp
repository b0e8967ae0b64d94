// Breaks an invariant on purpose, so that the test beside it can check what a user sees when
// spikeforge meets one of its own bugs: the place, the invariant, and exit status 3.
#include <cstdio>

#include <sf/firmware/assert.hpp>

int main(int argc, char** /*argv*/) {
    const int arguments = argc - 1;
    SF_ASSERT(arguments == 1);
    std::puts("the invariant held");
    return 0;
}
