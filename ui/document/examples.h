// The built-in example sessions of File > Examples.
#pragma once

#include <session.h>

#include <QString>

#include <vector>

namespace bnflow::ui {

struct Example {
    QString title;  // menu text
    Session session;
};

// Registers the compiled-in example sessions; safe to call many times.
void initResources();

// The small default batch first, then the sessions compiled in from resources/examples.
// Every one of them loads (a test checks it), so a failure here is a build error.
const std::vector<Example>& examples();

}  // namespace bnflow::ui
