// libFuzzer entry: the "exercise" value of a session file. Built by ./test.sh --fuzz.
#include "fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    bnflow::fuzz::checkExercise(data, size);
    return 0;
}
