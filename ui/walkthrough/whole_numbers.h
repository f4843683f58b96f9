// Text with numbers that a line never breaks: Qt's line breaker cuts "−1.461" after "−1." when a
// "−" or "·" follows later in the line (the RMSNorm step's plugged-in numbers wrapped as "−1." and
// "461"). A word joiner (U+2060, drawn as nothing) between the characters of each number forbids
// it; a line then breaks only between numbers.
#pragma once

#include <QString>

namespace bnflow::ui {

QString withWholeNumbers(const QString& text);

}  // namespace bnflow::ui
