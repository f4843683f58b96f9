#include <walkthrough/formula_view.h>

#include <core/teach/family_catalogue.h>

#include <QEvent>
#include <QFile>
#include <QPainter>

#include <algorithm>

// Q_INIT_RESOURCE cannot be used inside a namespace; the library is static, so its resources
// must be registered explicitly.
static void initFormulaResources()
{
    Q_INIT_RESOURCE(formulas);
}

namespace bnflow::ui {

FormulaView::FormulaView(QWidget* parent) : QWidget(parent)
{
    // Its natural height when there is room; less on a short screen (a projector at 720p in
    // lecture mode, a laptop at 2x), where it shrinks to fit rather than push the graph off.
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
}

QByteArray FormulaView::svgFor(const QString& key, const QColor& colour)
{
    static const bool registered = (initFormulaResources(), true);
    Q_UNUSED(registered);
    // The family's keys carry their layer as a folder: ":/formulas/layernorm/mean.svg".
    QFile file(QStringLiteral(":/formulas/%1.svg").arg(key));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().replace("currentColor", colour.name().toLatin1());
}

QString FormulaView::keyFor(const LayerSpec& spec, std::string_view stepId)
{
    const auto& all = steps(spec);
    const bool has = std::any_of(all.begin(), all.end(), [&](const Step& s) { return s.id == stepId; });
    return QString::fromStdString(has ? formulaKey(spec, stepId) : std::string(stepId));
}

bool FormulaView::setFormula(const QString& key)
{
    key_ = key;
    const bool ok = renderer_.load(svgFor(key, palette().color(QPalette::WindowText)));
    updateGeometry();
    update();
    return ok && renderer_.isValid();
}

void FormulaView::setScale(double scale)
{
    scale_ = scale;
    updateGeometry();
    update();
}

QSize FormulaView::sizeHint() const
{
    return renderer_.isValid() ? (QSizeF(renderer_.defaultSize()) * scale_).toSize() + QSize(8, 8)
                               : QSize(100, 40);
}

QSize FormulaView::minimumSizeHint() const
{
    const QSize natural = sizeHint();
    return {100, std::min(natural.height(), std::max(40, natural.height() / 2))};
}

void FormulaView::paintEvent(QPaintEvent*)
{
    if (!renderer_.isValid())
        return;
    QPainter painter(this);
    QSizeF size = QSizeF(renderer_.defaultSize()) * scale_;
    if (size.width() > width() - 8 || size.height() > height() - 8)  // shrink, never stretch
        size.scale(QSizeF(width() - 8, height() - 8).boundedTo(size), Qt::KeepAspectRatio);
    renderer_.render(&painter, QRectF(QPointF(4, (height() - size.height()) / 2), size));
}

void FormulaView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange && !key_.isEmpty())
        setFormula(key_);  // a new theme: recolour
    QWidget::changeEvent(event);
}

}  // namespace bnflow::ui
