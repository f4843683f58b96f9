// The PDF handout: a cover with the session's title, notes and batch, then one page per step
// of the walkthrough with its formula, explanation, numbers and the graph at that step.
#pragma once

#include <family.h>
#include <session.h>

#include <QString>

namespace bnflow::ui {

class DisplaySettings;
class SessionDocument;

// The cover's numbers, as HTML: the shape and eps, then the tables of x, dout, gamma and beta
// (everything the walkthrough's numbers follow from). `feature` is the one the pages follow.
QString handoutCoverHtml(const Session& session, const DisplaySettings& display, int feature);

// Painted in memory, then written atomically (files/atomic_write.h). false with a one-line message naming the file or the problem.
// graphTextPoints, when given, receives the printed size (pt) of the smallest text in any page's graph.
bool writeHandout(const SessionDocument& document, const DisplaySettings& display, int feature,
                  const QString& path, QString* error, double* graphTextPoints = nullptr);

// The handout of a session that is not training batch norm (family.h): a cover with the title,
// notes, the layer and its keys and the batch, then one page per step of the layer's step list
// (family_catalogue.h) with its formula as text, its explanation, the numbers of the set that
// holds x[0][feature] (or feature's column) plugged in, and its values in the layer's shape.
// No graph: the family's graph is drawn by the window only (yet).
bool writeFamilyHandout(const Session& session, const FamilyAnalysis& analysis,
                        const DisplaySettings& display, int feature, const QString& path, QString* error);

// The cover's paragraph on the layer: its name and every family key the session sets.
QString layerHtml(const Session& session, const DisplaySettings& display);

}  // namespace bnflow::ui
