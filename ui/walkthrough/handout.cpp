#include <walkthrough/handout.h>

#include <document/display_settings.h>
#include <document/session_document.h>
#include <walkthrough/formula_view.h>
#include <walkthrough/handout_page.h>
#include <walkthrough/jacobian_page.h>
#include <walkthrough/graph_view.h>
#include <walkthrough/walkthrough_state.h>

#include <core/teach/catalogue.h>

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QTextDocument>

namespace bnflow::ui {
namespace {

using namespace handout;

// A quantity's values as an HTML table; the cells that exercise mode hides are "?".
QString tableHtml(const Matrix& m, const DisplaySettings& display, int maxRows = 12,
                  const Exercise* exercise = nullptr, std::string_view id = {})
{
    return handout::valuesTable(Eigen::Map<const Matrix>(m.data(), m.rows(), m.cols()), display, maxRows,
                                [&](int i, int j) { return exercise && exercise->isHidden(id, i, j); });
}

}  // namespace

QString handoutCoverHtml(const Session& s, const DisplaySettings& display, const QString& numbers)
{
    const QString dout = s.doutSeed ? QObject::tr("standard normal from seed %1").arg(*s.doutSeed)
                                    : QObject::tr("as given");
    return QObject::tr("<p>The batch x: %1 samples (rows) by %2 features (columns); eps = %3. "
                       "Each following page is one step of the derivation, with the numbers "
                       "of %4.</p>").arg(s.samples()).arg(s.features()).arg(s.eps).arg(numbers) +
           QObject::tr("<p>x:</p>") + tableHtml(s.x, display, 14) +
           QObject::tr("<p>dout = df/dy, the gradient given to the backward pass (%1):</p>").arg(dout) +
           tableHtml(s.dout, display, 14) +
           QObject::tr("<p>gamma:</p>") + tableHtml(s.gamma, display) +
           QObject::tr("<p>beta:</p>") + tableHtml(s.beta, display);
}

bool writeHandout(const SessionDocument& document, const DisplaySettings& display, HandoutFocus focus,
                  const QString& path, QString* error, double* graphTextPoints)
{
    // One handout for every layer, training batch norm included (family_handout.cpp).
    return writeFamilyHandout(document, display, focus, path, error, graphTextPoints);
}

}  // namespace bnflow::ui
