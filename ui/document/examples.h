// The built-in example sessions of File > Examples.
#pragma once

#include <core/math/rounding.h>
#include <core/model/session.h>

#include <QString>

#include <optional>

#include <vector>

namespace bnflow::ui {

struct Example {
    QString title;  // menu text; the session's notes are its status tip and tooltip
    Session session;
    QString submenu = {};  // empty: File > Examples itself; else the submenu it is listed in
    QString section = {};  // within the submenu, the heading it is listed under
    // A preset of the precision lens (tests/reference/precision/presets): the lens it opens
    // with (the sums in `accumulate`, unset: in the type itself) and what to look for there.
    std::optional<NumberType> lens = {};
    std::optional<NumberType> accumulate = {};
    QString lookFor = {};
};

// Registers the compiled-in example sessions; safe to call many times.
void initResources();

// The small default batch first, then the sessions compiled in from resources/examples, then
// one per layer and convention of the normalization family (resources/examples/family) in the
// submenu "Normalization family", by layer; then the precision lens's presets in the submenu
// "Precision lens".
// Every one of them loads (a test checks it), so a failure here is a build error.
const std::vector<Example>& examples();

}  // namespace bnflow::ui
