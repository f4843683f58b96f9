// The built-in example sessions of File > Examples.
#pragma once

#include <core/model/session.h>

#include <QString>

#include <vector>

namespace bnflow::ui {

struct Example {
    QString title;  // menu text; the session's notes are its status tip and tooltip
    Session session;
    QString submenu = {};  // empty: File > Examples itself; else the submenu it is listed in
    QString section = {};  // within the submenu, the heading it is listed under
};

// Registers the compiled-in example sessions; safe to call many times.
void initResources();

// The small default batch first, then the sessions compiled in from resources/examples, then
// one per layer and convention of the normalization family (resources/examples/family) in the
// submenu "Normalization family", by layer.
// Every one of them loads (a test checks it), so a failure here is a build error.
const std::vector<Example>& examples();

}  // namespace bnflow::ui
