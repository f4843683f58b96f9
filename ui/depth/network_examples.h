// The lesson networks of File > Examples > Networks (resources/examples/networks): makemore part
// 3's deep tanh networks, each with its note (the file's "title": what to look for).
#pragma once

#include <core/io/network_json.h>

#include <QString>

#include <vector>

namespace bnflow::ui {

struct NetworkExample {
    QString title;     // menu text
    QString resource;  // ":/examples/networks/NAME.bnflow-net.json"
    NetworkFile file;  // its "title" is the note: the menu item's status tip and tooltip
};

// In the menu's order: no norm at gains 0.5, 1, 5/3, 3; batch norm at 0.5, 5/3, 3; layer norm;
// RMSNorm. Every one of them loads (a test checks it), so a failure here is a build error.
const std::vector<NetworkExample>& networkExamples();

}  // namespace bnflow::ui
