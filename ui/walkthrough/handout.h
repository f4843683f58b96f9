// The PDF handout: a cover with the session's title, notes and batch, then one page per step
// of the walkthrough with its formula, explanation, numbers and the graph at that step.
#pragma once

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

}  // namespace bnflow::ui
