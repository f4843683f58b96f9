// The PDF handout: a cover with the session's title, notes and batch, then one page per step
// of the walkthrough with its formula, explanation, numbers and the graph at that step.
#pragma once

#include <core/math/family.h>
#include <core/model/session.h>

#include <QString>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;

// The cover's numbers, as HTML: the shape and eps, then the tables of x, dout, gamma and beta
// (everything the walkthrough's numbers follow from). `numbers` names whose numbers the pages
// show: "feature 1", or a set of another layer ("the set x[2][*]").
QString handoutCoverHtml(const Session& session, const DisplaySettings& display, const QString& numbers);

// Whose numbers the step pages show: feature j's (batch norm: its column) and, for layer norm,
// RMSNorm and group norm, sample i's set (the one that holds x[i][j]).
struct HandoutFocus {
    int feature = 0;
    int sample = 0;
};

// Painted in memory, then written atomically (files/atomic_write.h). false with a one-line message naming the file or the problem.
// graphTextPoints, when given, receives the printed size (pt) of the smallest text in any page's graph.
bool writeHandout(const SessionDocument& document, const DisplaySettings& display, HandoutFocus focus,
                  const QString& path, QString* error, double* graphTextPoints = nullptr);

// The handout of a document that is not training batch norm (family.h; writeHandout calls it):
// a cover with the title, notes, the layer and its keys and the batch, then one page per step
// of the layer's step list (family_catalogue.h) with its typeset formula, its explanation, the
// numbers of the set that holds x[sample][feature] (eval: feature's column) plugged in, its
// values in the layer's shape, and the layer's graph at that step.
bool writeFamilyHandout(const SessionDocument& document, const DisplaySettings& display, HandoutFocus focus,
                        const QString& path, QString* error, double* graphTextPoints = nullptr);

// The cover's paragraph on the layer: its name and every family key the session sets.
QString layerHtml(const Session& session, const DisplaySettings& display);

}  // namespace bnflow::ui
